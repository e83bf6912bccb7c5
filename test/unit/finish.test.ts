import {configSchema} from '../../source/config/schema.js';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {finishFacts} from '../../source/wizard/finish.js';
import {finishLines} from '../../source/ui/finish-lines.js';
import {JsonRenderer} from '../../source/ui/json-renderer.js';
import {PlainRenderer} from '../../source/ui/plain-renderer.js';
import {awsTarget, deployedServices, finishConfig, finishedJournal, issuedCertificate} from '../screens/finish-facts.js';

class Collector extends Writable {
	text = '';
	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}
}

describe('finish facts: what a successful `hoist up` achieved, from the journal', () => {
	it('the URL, certificate, instance and address, and time to HTTPS from this run\'s start to the certificate', () => {
		expect(finishFacts(finishedJournal(), finishConfig)).toEqual({
			stack: 'shop',
			url: 'https://app.example.test/',
			https: true,
			service: 'web',
			routes: [{url: 'https://app.example.test/', service: 'web'}],
			redirects: ['www.app.example.test'],
			certificate: {issuer: 'R11', notAfter: '2027-02-28T00:00:00.000Z', staging: false},
			server: {kind: 'aws', instanceId: 'i-0abc123', address: '44.192.0.10', login: 'alpine@44.192.0.10'},
			httpsAfterMs: 185_000,
			commands: expect.arrayContaining([{command: 'hoist rollback', what: 'go back to the previous release'}]),
		});
	});

	it('no time to HTTPS when this run found the certificate already there', () => {
		const facts = finishFacts(finishedJournal({certificateRecord: {reused: true}}), finishConfig);
		expect(facts?.https).toBe(true);
		expect(facts).not.toHaveProperty('httpsAfterMs');
	});

	it('an existing server has no instance id; without a certificate the URL is http and the A record is the next step', () => {
		const server = {...awsTarget, kind: 'server' as const, identity: 'server', host: 'vm.example.test', publicAddress: '198.51.100.4', port: 2222};
		const facts = finishFacts(finishedJournal({target: server, certificate: {status: 'skipped', names: [], address: '198.51.100.4', staging: false, acme: {}, certificates: []}}), finishConfig)!;
		expect(facts.url).toBe('http://198.51.100.4/');
		expect(facts.server).toEqual({kind: 'server', address: '198.51.100.4', login: 'alpine@vm.example.test:2222'});
		expect(facts.noHttps).toEqual({record: {type: 'A', name: 'app.example.test', address: '198.51.100.4'}});
		expect(finishLines(facts)).toContain('Next: at your DNS provider, create an A record app.example.test → 198.51.100.4.');
		expect(finishLines(facts)).toContain('Server: alpine@vm.example.test:2222 (your own machine)');
	});

	it('a server reached over IPv6 only: the record to create is an AAAA record', () => {
		const v6 = {...awsTarget, kind: 'server' as const, identity: 'server', host: '2600:1f18::10', publicAddress: '2600:1f18::10'};
		const facts = finishFacts(finishedJournal({target: v6, certificate: {status: 'skipped', names: [], address: '2600:1f18::10', staging: false, acme: {}, certificates: []}}), finishConfig)!;
		expect(facts.noHttps).toEqual({record: {type: 'AAAA', name: 'app.example.test', address: '2600:1f18::10'}});
		expect(finishLines(facts)).toContain('Next: at your DNS provider, create an AAAA record app.example.test → 2600:1f18::10.');
	});

	it('DNS and the certificate skipped: says plainly there is no HTTPS, with the reason and its way out, in lines and in JSON', () => {
		const reason = '10.77.0.2 is not a public address (private (RFC 1918)): Let\'s Encrypt cannot reach it, so hoist skips the DNS and certificate steps (for HTTPS: set acme.directory to an ACME CA on the same network, such as step-ca, or dns.expectAddress to the public address that forwards to this server)';
		const journal = finishedJournal({certificate: {status: 'skipped', reason, names: [], address: '10.77.0.2', staging: false, acme: {}, certificates: []}});
		(journal.steps as Record<string, unknown>)['dns'] = {status: 'done', outputs: {status: 'skipped', reason, address: '10.77.0.2', names: [], zones: {}}};
		const facts = finishFacts(journal, finishConfig)!;
		expect(facts).toMatchObject({https: false, url: 'http://44.192.0.10/', noHttps: {reason}});
		expect(facts).not.toHaveProperty('certificate');
		expect(finishLines(facts)).toContain(`No HTTPS: ${reason}.`);
		const out = new Collector();
		new JsonRenderer(out).showFinish(facts);
		expect(JSON.parse(out.text)).toMatchObject({type: 'finish', https: false, noHttps: {reason}});
	});

	it('with routes: every URL with its service, the domain\'s first; over HTTP only the domain\'s routes, on the address', () => {
		const routed = configSchema.parse({
			stack: 'shop', server: {host: 'vm.example.test'},
			routes: [
				{service: 'web', port: 8080, domains: ['app.example.test', 'www.app.example.test']},
				{service: 'web', port: 8080, domains: ['app.example.test'], path: '/api', stripPrefix: true},
				{service: 'admin', port: 8080, domains: ['admin.app.example.test']},
			],
		});
		const facts = finishFacts(finishedJournal(), routed)!;
		expect(facts.routes).toEqual([
			{url: 'https://app.example.test/', service: 'web'}, {url: 'https://app.example.test/api/', service: 'web'}, {url: 'https://admin.app.example.test/', service: 'admin'},
		]);
		expect(finishLines(facts).slice(0, 3)).toEqual([
			'Your stack answers at https://app.example.test/ (Caddy in front of web; certificate from R11, valid until 2027-02-28).',
			'  and https://app.example.test/api/ (web)',
			'  and https://admin.app.example.test/ (admin)',
		]);
		const server = {...awsTarget, kind: 'server' as const, identity: 'server', host: 'vm.example.test', publicAddress: '198.51.100.4', port: 2222};
		const before = finishFacts(finishedJournal({target: server, certificate: {status: 'skipped', names: [], address: '198.51.100.4', staging: false, acme: {}, certificates: []}}), routed)!;
		expect(before.routes).toEqual([{url: 'http://198.51.100.4/', service: 'web'}, {url: 'http://198.51.100.4/api/', service: 'web'}]);
	});

	it('the images the stack runs, each by its full name (a short one recorded by an older hoist too); hoist\'s Caddy is not the app\'s', () => {
		const facts = finishFacts(finishedJournal({deploy: {release: {at: '2026-11-30T02:01:00.000Z', services: deployedServices}}}), finishConfig)!;
		expect(facts.images).toEqual([{service: 'web', image: 'ghcr.io/acme/shop:1.4'}, {service: 'db', image: 'docker.io/library/postgres:16'}]);
		expect(finishLines(facts)).toContain('Images: web ghcr.io/acme/shop:1.4, db docker.io/library/postgres:16');
		expect(finishFacts(finishedJournal(), finishConfig)).not.toHaveProperty('images');
	});

	it('nothing to say before the server is known', () => {
		const journal = finishedJournal();
		delete (journal.steps as Record<string, unknown>)['target'];
		expect(finishFacts(journal, finishConfig)).toBeUndefined();
	});

	it('a server without a service manager: the command to start the stack after a reboot', () => {
		const facts = finishFacts(finishedJournal({upload: {boot: 'none', dir: '/srv/hoist/shop'}}), finishConfig)!;
		expect(facts.bootCommand).toBe('/srv/hoist/shop/hoist-boot.sh start');
	});
});

describe('the plain and JSON renderings carry the same facts', () => {
	const facts = finishFacts(finishedJournal({certificate: {...issuedCertificate, staging: true, issuer: '(STAGING) Ersatz Edamame E1'}}), finishConfig)!;

	it('plain: the URL with issuer and expiry, instance and address, time to HTTPS, and the six commands', () => {
		const out = new Collector();
		new PlainRenderer(out, new Collector()).showFinish(facts);
		const lines = out.text.split('\n');
		expect(lines).toContain('Your stack answers at https://app.example.test/ (Caddy in front of web; certificate from (STAGING) Ersatz Edamame E1, valid until 2027-02-28).');
		expect(lines).toContain('www.app.example.test redirects there.');
		expect(lines).toContain('staging certificate: browsers will warn. Set acme.staging: false and run `hoist up` for a trusted one (only the certificate step runs again).');
		expect(lines).toContain('Server: instance i-0abc123 at 44.192.0.10 (alpine@44.192.0.10)');
		expect(lines).toContain('Time to HTTPS: 3m05s (from the start of this run to the certificate).');
		for (const command of ['status', 'logs', 'ssh', 'deploy', 'rollback', 'destroy']) expect(out.text).toMatch(new RegExp(`^ {2}hoist ${command} +\\S`, 'm'));
	});

	it('JSON: one "finish" event whose fields are the facts', () => {
		const out = new Collector();
		new JsonRenderer(out).showFinish(facts);
		const event = JSON.parse(out.text) as Record<string, unknown>;
		expect(event['type']).toBe('finish');
		expect(typeof event['at']).toBe('number');
		const {type: _type, at: _at, ...rest} = event;
		expect(rest).toEqual(JSON.parse(JSON.stringify(facts)));
	});
});
