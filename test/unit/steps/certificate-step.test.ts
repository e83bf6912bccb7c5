import {describe, expect, it} from 'vitest';
import {configSchema, type Config} from '../../../source/config/schema.js';
import type {Target} from '../../../source/remote/target.js';
import type {CertificateProbe, HttpsGetResult, ProbeOptions} from '../../../source/tls/probe.js';
import {TlsProbeError} from '../../../source/tls/probe.js';
import {letsEncryptStagingRoots} from '../../../source/tls/staging-roots.js';
import {certificate, certificateWaitMs, type CertificateOutputs} from '../../../steps/certificate.js';
import type {DnsOutputs} from '../../../steps/dns.js';
import {FakeSession} from '../../helpers/fake-session.js';
import {harnessPerTest, type Harness} from '../../helpers/step-context.js';

const setup = harnessPerTest();
const domain = 'app.example.test';
const alias = `www.${domain}`;
const address = '44.192.0.10';
const target: Target = {kind: 'aws', host: address, port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-1', publicAddress: address};
const dnsReady: DnsOutputs = {status: 'ready', address, names: [domain, alias], zones: {[domain]: 'example.test', [alias]: 'example.test'}, confirmedAt: '2026-01-01T00:00:00.000Z'};

function config(acme: Record<string, unknown> = {}): Config {
	return configSchema.parse({stack: 'demo', domain, aliases: [alias], compose: {service: 'web', port: 8080}, aws: {sshCidr: '203.0.113.7/32'}, acme});
}

/** A server whose stack directory holds nothing yet; Caddy's log is whatever the test says. */
function fakeServer(log: () => string = () => '') {
	const session = new FakeSession({answer: ({line}) => (line === 'date +%s' ? '1700000000\n' : line.includes('podman logs') ? log() : undefined)});
	return {
		session,
		get commands() {
			return session.ran.map((command) => command.line);
		},
		uploads: session.uploaded,
	};
}

function probe(name: string, overrides: Partial<CertificateProbe> = {}): CertificateProbe {
	return {
		authorized: true, issuer: 'R11', issuerOrganization: 'Let\'s Encrypt', subject: name, names: [name],
		notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-04-01T00:00:00Z'), daysLeft: 80,
		chain: [{subject: name, issuer: 'R11'}, {subject: 'R11', issuer: 'ISRG Root X1'}], selfSigned: false, caddyInternal: false,
		fingerprint256: `FP:${name}`, raw: Buffer.alloc(0), elapsedMs: 3, ...overrides,
	};
}

function answers(status: number, location?: string): HttpsGetResult {
	return {status, headers: location ? {location} : {}, body: '', truncated: false, elapsedMs: 2};
}

interface Scenario {
	config?: Config;
	previous?: CertificateOutputs;
	dns?: DnsOutputs;
	/** The certificate each handshake sees, by the look number (1, 2, …). */
	probe?: (options: ProbeOptions, look: number) => CertificateProbe;
	log?: () => string;
}

function run(scenario: Scenario) {
	const server = fakeServer(scenario.log);
	const probes: ProbeOptions[] = [];
	let looks = 0;
	const h: Harness = setup({
		config: scenario.config ?? config(),
		remote: async () => server.session,
		probeCertificate: async (options) => {
			probes.push(options);
			if (options.servername === domain) looks++;
			return (scenario.probe ?? ((o) => probe(o.servername)))(options, looks);
		},
		httpsGet: async (_address, name) => (name === domain ? answers(200) : answers(308, `https://${domain}/`)),
	});
	const ctx = h.context(certificate, {outputs: {target, dns: scenario.dns ?? dnsReady}, ...(scenario.previous ? {previous: scenario.previous} : {})});
	return {h, ctx, server, probes};
}

const notYet = (options: ProbeOptions) => {
	throw new TlsProbeError('handshake', `TLS handshake with ${options.address}:443 for ${options.servername} failed: tlsv1 alert internal error`, {command: 'tls'});
};

describe('the certificate step', () => {
	it('adds the domain and the alias (a redirect) to the Caddyfile, reloads Caddy, and waits for a trusted certificate and HTTPS from web', async () => {
		const {h, ctx, server, probes} = run({probe: (o, look) => (look < 3 ? notYet(o) : probe(o.servername))});
		const out = await certificate.run(ctx);
		expect(out).toEqual({
			status: 'issued', names: [domain, alias], address, staging: false,
			acme: {directory: 'https://acme-v02.api.letsencrypt.org/directory', caRoot: false},
			issuer: 'R11', notAfter: '2026-04-01T00:00:00.000Z',
			certificates: [
				{name: domain, issuer: 'R11', notAfter: '2026-04-01T00:00:00.000Z', fingerprint256: `FP:${domain}`},
				{name: alias, issuer: 'R11', notAfter: '2026-04-01T00:00:00.000Z', fingerprint256: `FP:${alias}`},
			],
		});
		const caddyfile = server.uploads.find((file) => file.path === '/srv/hoist/demo/hoist-caddy/Caddyfile')!;
		expect(String(caddyfile.content)).toContain(`\n${domain} {\n\treverse_proxy {file./etc/caddy/upstreams/web}:8080 {\n\t\tlb_try_duration 5s\n\t}\n}\n`);
		expect(String(caddyfile.content)).toContain(`\n${alias} {\n\tredir https://${domain}{uri} permanent\n}\n`);
		expect(String(caddyfile.content)).toContain('acme_ca https://acme-v02.api.letsencrypt.org/directory');
		expect(server.commands.some((line) => line.includes('caddy reload'))).toBe(true);
		expect(server.commands.some((line) => line.includes('podman restart'))).toBe(false);
		// Handshakes go to the address of the A record, SNI = each name, trusting the system's roots.
		expect(probes.map((p) => [p.address, p.servername, p.useSystemRoots, p.trustRoots.length])).toContainEqual([address, alias, true, 0]);
		expect(h.sleeps).toEqual([1000, 1500]);
		expect(h.details).toContainEqual({kind: 'substep', id: `https:${domain}`, title: `https://${domain}/`, state: 'done', note: '200 from web'});
		expect(h.details).toContainEqual({kind: 'substep', id: `https:${alias}`, title: `https://${alias}/`, state: 'done', note: `308 → https://${domain}/`});
		expect(h.details).toContainEqual(expect.objectContaining({id: 'caddyfile', state: 'done', note: 'Caddyfile updated, Caddy reloaded (no restart)'}));
		expect(certificate.summary!(out)).toBe(`R11 for ${domain}, ${alias}, until 2026-04-01`);
	});

	it('with routes: a site per name, and HTTPS from each route\'s service at its path', async () => {
		const admin = `admin.${domain}`;
		const routed = configSchema.parse({stack: 'demo', aws: {sshCidr: '203.0.113.7/32'}, routes: [
			{service: 'web', port: 8080, domains: [domain, alias]},
			{service: 'web', port: 8080, domains: [domain], path: '/api', stripPrefix: true},
			{service: 'admin', port: 9000, domains: [admin]},
		]});
		const server = fakeServer();
		const asked: string[] = [];
		const h = setup({
			config: routed,
			remote: async () => server.session,
			probeCertificate: async (options) => probe(options.servername),
			httpsGet: async (_address, name, path) => {
				asked.push(`${name}${path}`);
				return name === alias ? answers(308, `https://${domain}/`) : name === admin ? answers(404) : answers(200);
			},
		});
		const out = await certificate.run(h.context(certificate, {outputs: {target, dns: {...dnsReady, names: [domain, alias, admin]}}}));
		expect(out.names).toEqual([domain, alias, admin]);
		expect(asked.sort()).toEqual([`${admin}/`, `${domain}/`, `${domain}/api/`, `${alias}/`]);
		const caddyfile = String(server.uploads.find((file) => file.path === '/srv/hoist/demo/hoist-caddy/Caddyfile')!.content);
		expect(caddyfile).toContain(`\n${admin} {\n\treverse_proxy {file./etc/caddy/upstreams/admin}:9000 {`);
		expect(caddyfile).toContain('\t@route1 path /api /api/*\n\thandle @route1 {\n\t\turi strip_prefix /api\n');
		expect(h.details).toContainEqual({kind: 'substep', id: `https:${domain}/api/`, title: `https://${domain}/api/`, state: 'done', note: '200 from web'});
		expect(h.details).toContainEqual({kind: 'substep', id: `https:${admin}`, title: `https://${admin}/`, state: 'done', note: '404 from admin'});
		expect(h.details).toContainEqual(expect.objectContaining({id: 'caddyfile', title: `Caddy serves ${domain}, ${alias} → ${domain}, ${admin}`}));
	});

	it('does not take Caddy\'s own local CA for the certificate, and stops early with the explanation when Caddy\'s log shows a rate limit', async () => {
		const rateLimited = JSON.stringify({
			level: 'error', ts: 1_700_000_010.5, logger: 'tls.obtain', msg: 'could not get certificate from issuer', identifier: domain,
			issuer: 'acme-v02.api.letsencrypt.org-directory',
			error: 'HTTP 429 urn:ietf:params:acme:error:rateLimited - Error creating new order :: too many certificates (5) already issued for this exact set of domains in the last 168 hours',
		});
		const {h, ctx, server} = run({
			probe: (o) => probe(o.servername, {issuer: 'Caddy Local Authority - ECC Intermediate', caddyInternal: true}),
			log: () => `${rateLimited}\n`,
		});
		const error = await certificate.run(ctx).catch((e: unknown) => e);
		expect(error).toMatchObject({
			kind: 'external', code: 'CERTIFICATE_RATE_LIMIT',
			message: `Let's Encrypt refuses to issue a certificate for ${domain} now: a rate limit is reached.`,
			output: expect.stringContaining('rateLimited'),
			nextSteps: expect.arrayContaining([{text: expect.stringContaining('acme.staging: true')}]),
		});
		expect(server.commands.some((line) => line.includes('podman logs --since 1700000000'))).toBe(true);
		expect(h.details).toContainEqual(expect.objectContaining({id: `certificate:${domain}`, state: 'running', note: expect.stringContaining('Caddy serves its own local CA\'s certificate')}));
	});

	it('explains a timeout with what Caddy\'s log says about certificates', async () => {
		const {h, ctx} = run({probe: notYet, log: () => '{"level":"info","ts":1700000001,"logger":"tls.obtain","msg":"obtaining certificate","identifier":"app.example.test"}\n'});
		await expect(certificate.run(ctx)).rejects.toMatchObject({code: 'CERTIFICATE_NOT_ISSUED', output: expect.stringContaining('obtaining certificate')});
		expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(certificateWaitMs);
	});

	it('confirms a staging certificate as such; switching staging off re-runs this step against production, restarting Caddy', async () => {
		const staging = run({config: config({staging: true}), probe: (o) => probe(o.servername, {issuer: '(STAGING) Ersatz Edamame E1'})});
		const first = await certificate.run(staging.ctx);
		expect(first).toMatchObject({status: 'issued', staging: true, issuer: '(STAGING) Ersatz Edamame E1', acme: {directory: 'https://acme-staging-v02.api.letsencrypt.org/directory'}});
		expect(staging.probes[0]!.trustRoots).toEqual(letsEncryptStagingRoots);
		expect(certificate.summary!(first)).toMatch(/— staging certificate: browsers will warn$/);
		expect(staging.h.logs).toContain('staging certificate: browsers will warn (set acme.staging: false and run hoist up for a trusted one)');
		// Still staging in hoist.yml: done.
		const again = run({config: config({staging: true}), previous: first, probe: (o) => probe(o.servername, {issuer: '(STAGING) Ersatz Edamame E1'})});
		expect(await certificate.check(again.ctx)).toMatchObject({staging: true});

		const production = run({config: config(), previous: first});
		expect(await certificate.check(production.ctx)).toBeUndefined();
		expect(production.probes).toEqual([]); // a different CA: not even a look
		const second = await certificate.run(production.ctx);
		expect(second).toMatchObject({staging: false, issuer: 'R11', acme: {directory: 'https://acme-v02.api.letsencrypt.org/directory'}});
		expect(production.server.commands.some((line) => line.includes('podman restart'))).toBe(true);
		expect(production.probes[0]!.trustRoots).toEqual([]);
	});

	it('check: done when every name serves a good certificate from the configured CA; a bad one means run again', async () => {
		const done = run({});
		const issued = await certificate.run(done.ctx);
		expect(await certificate.check(run({previous: issued}).ctx)).toEqual(issued);
		expect(await certificate.check(run({previous: issued, probe: (o) => probe(o.servername, {authorized: false, authorizationError: 'CERT_HAS_EXPIRED'})}).ctx)).toBeUndefined();
		expect(await certificate.check(run({previous: issued, dns: {...dnsReady, names: [domain]}}).ctx)).toBeUndefined();
	});

	it('is skipped, without a connection, when the DNS step was', async () => {
		const dns: DnsOutputs = {status: 'skipped', reason: '10.77.0.2 is not a public address', address: '10.77.0.2', names: [], zones: {}};
		const {h, ctx} = run({dns});
		const out = await certificate.run(ctx);
		expect(out).toMatchObject({status: 'skipped', reason: '10.77.0.2 is not a public address', names: []});
		expect(h.logs).toEqual(['no certificate: 10.77.0.2 is not a public address']);
		expect(await certificate.check(run({dns, previous: out}).ctx)).toEqual(out);
	});
});
