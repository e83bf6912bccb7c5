import {describe, expect, it} from 'vitest';
import {configSchema} from '../../source/config/schema.js';
import {describeTarget, type Target} from '../../source/remote/target.js';
import type {JournalData} from '../../source/engine/journal.js';
import {buildPlan, dnsClosingMessage, dnsOnlyPlan} from '../../source/wizard/plan.js';
import {finishFacts} from '../../source/wizard/finish.js';
import {planOutline} from '../../source/wizard/outline.js';
import {finishLines} from '../../source/ui/finish-lines.js';
import {sshReady} from '../../steps/ssh-ready.js';
import {target as targetStep} from '../../steps/target.js';
import {FakeSession} from '../helpers/fake-session.js';
import {createHarness} from '../helpers/step-context.js';
import {fakeWorld} from './dns/fake-query.js';

const common = {stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}};

describe('the plan is built from hoist.yml', () => {
	it('with aws: the compose check, the AWS steps, the target they produce, SSH, then the server\'s steps', async () => {
		const ids = (await buildPlan(configSchema.parse({...common, aws: {sshCidr: '203.0.113.7/32'}}))).map((step) => step.id);
		// The order of the whole list is the catalogue's (and the README's, test/unit/catalogue.test.ts); here what the aws section adds.
		const aws = ['preflight', 'ami', 'key-pair', 'security-group', 'launch-instance', 'elastic-ip'];
		expect(ids.slice(0, 9)).toEqual(['compose', ...aws, 'target', 'ssh-ready']);
		expect(ids.at(-1)).toBe('certificate');
		expect(ids).not.toContain('registry-login');
	});

	it('the outline (ids and titles, no step loaded) is the plan, for every kind of target, with and without a registry', async () => {
		const registry = {server: 'ghcr.io', username: 'octocat'};
		for (const target of [{aws: {sshCidr: '203.0.113.7/32'}}, {server: {host: 'vm.example.test'}}]) {
			for (const extra of [{}, {registry}]) {
				const config = configSchema.parse({...common, ...target, ...extra});
				expect(planOutline(config)).toEqual((await buildPlan(config)).map((step) => ({id: step.id, title: step.title})));
			}
		}
	});

	it('logs in to a registry only when hoist.yml names one', async () => {
		const plan = await buildPlan(configSchema.parse({...common, aws: {sshCidr: '203.0.113.7/32'}, registry: {server: 'ghcr.io', username: 'octocat'}}));
		const ids = plan.map((step) => step.id);
		expect(ids.slice(ids.indexOf('bootstrap'), ids.indexOf('bootstrap') + 3)).toEqual(['bootstrap', 'registry-login', 'upload']);
	});

	it('with server: no AWS step at all, and ssh-ready reads the target made from the server section', async () => {
		const config = configSchema.parse({...common, server: {host: 'vm.example.test', user: 'deploy', port: 2222}, dns: {resolvers: ['127.0.60.7']}});
		// The name is known only to dns.resolvers (as a VM in the person's own zone would be), with IPv4 and IPv6.
		const world = fakeWorld({zone: 'example.test', nameservers: {'ns1.example.test': '127.0.60.2'}, bootstrap: '127.0.60.7'});
		world.set('vm.example.test', 'A', ['203.0.113.7']);
		world.set('vm.example.test', 'AAAA', ['2001:db8::7']);
		const plan = await buildPlan(config);
		const onAws = (await buildPlan(configSchema.parse({...common, aws: {sshCidr: '203.0.113.7/32'}}))).map((step) => step.id);
		const aws = ['preflight', 'ami', 'key-pair', 'security-group', 'launch-instance', 'elastic-ip'];
		expect(plan.map((step) => step.id)).toEqual(onAws.filter((id) => !aws.includes(id)));
		expect(plan.map((step) => step.id).slice(0, 3)).toEqual(['compose', 'target', 'ssh-ready']);
		expect(plan[1]).toMatchObject({id: 'target', check: targetStep.check, run: targetStep.run});

		const opened: Target[] = [];
		const h = createHarness({
			dnsQuery: world.query,
			remote: async (target) => {
				opened.push(target);
				return new FakeSession({hostKeyFingerprint: 'SHA256:k', facts: {escalation: 'sudo', user: 'deploy', osId: 'debian', osVersion: '12', osName: 'Debian 12'}});
			},
		});
		try {
			const serverConfig = {...h.config, ...config};
			const target = await targetStep.run({...h.context(targetStep), config: serverConfig});
			expect(target).toEqual({
				kind: 'server',
				host: '203.0.113.7',
				port: 2222,
				user: 'deploy',
				privateKeyPath: h.files.privateKey,
				identity: 'server',
				publicAddress: '203.0.113.7',
				publicIpv6: '2001:db8::7',
				hostName: 'vm.example.test',
			});
			expect(h.logs).toEqual([
				`made a key for hoist: add ${h.files.publicKey} to ~deploy/.ssh/authorized_keys on the server`,
				'vm.example.test resolves to 203.0.113.7 and 2001:db8::7 through dns.resolvers (127.0.60.7): hoist connects to 203.0.113.7 and watches DNS for it',
			]);
			expect(world.log.map((q) => `${q.server} ${q.type} ${q.name} ${q.recursion ? '+rec' : ''}`)).toEqual(['127.0.60.7 A vm.example.test +rec', '127.0.60.7 AAAA vm.example.test +rec']);
			expect(describeTarget(target)).toBe('deploy@203.0.113.7:2222 (vm.example.test)');
			// Resumed: the name still resolves to the recorded address, so the target is done; a new address is a change.
			expect(await targetStep.check({...h.context(targetStep, {previous: target}), config: serverConfig})).toEqual(target);
			world.set('vm.example.test', 'A', ['203.0.113.8']);
			expect(await targetStep.check({...h.context(targetStep, {previous: target}), config: serverConfig})).toBeUndefined();
			world.set('vm.example.test', 'A', []);
			world.set('vm.example.test', 'AAAA', []);
			await expect(targetStep.run({...h.context(targetStep), config: serverConfig})).rejects.toMatchObject({
				code: 'SERVER_HOST_UNKNOWN', message: 'vm.example.test has no A or AAAA record: hoist cannot reach the server it names',
			});
			const ready = await sshReady.run({...h.context(sshReady, {outputs: {target}}), config: serverConfig});
			expect(opened).toEqual([target]);
			expect(ready).toMatchObject({host: '203.0.113.7', user: 'deploy', escalation: 'sudo'});
		} finally {
			h.cleanup();
		}
	});
});

describe('after the run', () => {
	const config = configSchema.parse({...common, aliases: ['www.app.example.test'], aws: {sshCidr: '203.0.113.7/32'}});
	const target: Target = {kind: 'aws', host: '44.192.0.10', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-1', publicAddress: '44.192.0.10'};
	const journal = (steps: Record<string, object>) => ({runs: [], steps: Object.fromEntries(Object.entries(steps).map(([id, outputs]) => [id, {status: 'done' as const, outputs}]))}) as unknown as JournalData;
	// The plain rendering of the finish facts: what a CI log shows after `hoist up`.
	const closingMessage = (data: JournalData, settings: typeof config) => finishLines(finishFacts(data, settings)!);
	const issued = {
		status: 'issued', names: ['app.example.test', 'www.app.example.test'], address: '44.192.0.10', staging: false, issuer: 'R11',
		notAfter: '2026-04-01T00:00:00.000Z', acme: {directory: 'https://acme-v02.api.letsencrypt.org/directory', caRoot: false}, certificates: [],
	};

	it('names the HTTPS address, the issuer and the redirect once the certificate is confirmed', () => {
		const lines = closingMessage(journal({target, certificate: issued}), config);
		expect(lines.slice(0, 4)).toEqual([
			'Your stack answers at https://app.example.test/ (Caddy in front of web; certificate from R11, valid until 2026-04-01).',
			'www.app.example.test redirects there.',
			'Server: instance i-1 at 44.192.0.10 (alpine@44.192.0.10)',
			'Next:',
		]);
		expect(lines.slice(4).map((line) => line.trim().split(/\s{2,}/)[0])).toEqual(['hoist status', 'hoist logs', 'hoist ssh', 'hoist deploy', 'hoist rollback', 'hoist destroy']);
	});

	it('says when the certificate is a staging one, and how to get a trusted one', () => {
		expect(closingMessage(journal({target, certificate: {...issued, staging: true, issuer: '(STAGING) Ersatz Edamame E1'}}), config)).toContain(
			'staging certificate: browsers will warn. Set acme.staging: false and run `hoist up` for a trusted one (only the certificate step runs again).');
	});

	it('says why there is no HTTPS when the DNS step was skipped', () => {
		const skipped = {status: 'skipped', reason: '10.77.0.2 is not a public address (private (RFC 1918)): no public CA can reach it', address: '10.77.0.2', names: [], zones: {}};
		expect(closingMessage(journal({target: {...target, publicAddress: '10.77.0.2'}, dns: skipped}), config).slice(0, 2)).toEqual([
			'Your stack answers at http://10.77.0.2/ (Caddy in front of web).',
			'No HTTPS: 10.77.0.2 is not a public address (private (RFC 1918)): no public CA can reach it.',
		]);
	});

	it('hoist dns: the target from the journal, then the DNS step; its closing line points at hoist up', async () => {
		expect((await dnsOnlyPlan()).map((step) => [step.id, step.title])).toEqual([['target', 'Record how to reach the server'], ['dns', 'Wait for DNS to point at the server']]);
		const dns = {status: 'ready', address: '44.192.0.10', names: ['app.example.test', 'www.app.example.test'], zones: {}};
		expect(dnsClosingMessage(journal({target, dns}), config)).toEqual(['DNS is right: run `hoist up` to get the certificate (hoist asks the CA only now).']);
		expect(dnsClosingMessage(journal({target, dns, certificate: issued}), config)).toEqual(['DNS is right, and https://app.example.test/ has its certificate.']);
	});
});
