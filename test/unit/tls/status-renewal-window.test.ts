// `hoist status`'s certificate lines and JSON facts with the CA's ARI window, all on 127.0.0.1: a TLS server presents
// the certificate (as Caddy would), an HTTPS stand-in for the CA answers the directory and renewalInfo (no sandbox CA
// has ARI: Pebble 2.4.0).
import {execFileSync} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import type {ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CommandIo} from '../../../source/cli/io.js';
import {certificateRenewals} from '../../../source/commands/status/certificate-renewals.js';
import {configSchema} from '../../../source/config/schema.js';
import type {JournalData} from '../../../source/engine/journal.js';
import {stackFiles} from '../../../source/engine/stack-files.js';
import {ariCertId} from '../../../source/tls/ari-cert-id.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-status-ari-'));
const openssl = (args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'});
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
// The CA's own HTTPS (acme.caRoot), and the 90-day certificate it issued, which the "server" presents.
openssl(['req', '-x509', ...ec, '-keyout', 'acme.key', '-out', 'acme.crt', '-days', '3', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
openssl(['req', '-x509', ...ec, '-keyout', 'issuer.key', '-out', 'issuer.crt', '-days', '100', '-subj', '/CN=Test Issuing CA']);
openssl(['req', ...ec, '-keyout', 'site.key', '-out', 'site.csr', '-subj', '/CN=app.example.test']);
writeFileSync(join(dir, 'site.ext'), 'authorityKeyIdentifier=keyid\nsubjectAltName=DNS:app.example.test\n');
openssl(['x509', '-req', '-in', 'site.csr', '-CA', 'issuer.crt', '-CAkey', 'issuer.key', '-days', '90', '-extfile', 'site.ext', '-out', 'site.crt', '-set_serial', '0x2a']);
const site = new X509Certificate(readFileSync(join(dir, 'site.crt')));
const notBefore = Date.parse(site.validFrom);
const day = 86_400_000;

let answer: (response: ServerResponse) => void = (response) => response.writeHead(404).end();
let withAri = true;
const asked: string[] = [];
const acme = https.createServer({key: readFileSync(join(dir, 'acme.key')), cert: readFileSync(join(dir, 'acme.crt'))}, (request, response) => {
	asked.push(request.url ?? '');
	if (request.url === '/dir') {
		response.writeHead(200, {'Content-Type': 'application/json'});
		response.end(JSON.stringify({newOrder: `${acmeUrl}/order`, ...(withAri ? {renewalInfo: `${acmeUrl}/ari`} : {})}));
	} else if (request.url === `/ari/${ariCertId(site.raw)}`) answer(response);
	else response.writeHead(404).end();
});
const presenter = tls.createServer({key: readFileSync(join(dir, 'site.key')), cert: readFileSync(join(dir, 'site.crt'))}, (socket) => socket.end());
let acmeUrl = '';
let httpsPort = 0;

beforeAll(async () => {
	await Promise.all([acme, presenter].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
	acmeUrl = `https://127.0.0.1:${(acme.address() as AddressInfo).port}`;
	httpsPort = (presenter.address() as AddressInfo).port;
});
afterAll(() => {
	acme.closeAllConnections();
	acme.close();
	presenter.close();
	rmSync(dir, {recursive: true, force: true});
});

const window = (start: number, end: number, extra: Record<string, unknown> = {}) => (response: ServerResponse) => {
	response.writeHead(200, {'Content-Type': 'application/json', 'Retry-After': '21600'});
	response.end(JSON.stringify({suggestedWindow: {start: new Date(start).toISOString(), end: new Date(end).toISOString()}, ...extra}));
};

function status(now: number) {
	const config = configSchema.parse({
		stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}, server: {host: '127.0.0.1', user: 'hoist'},
		acme: {directory: `${acmeUrl}/dir`, caRoot: join(dir, 'acme.crt')},
	});
	const outputs = {
		target: {kind: 'server', host: '127.0.0.1', port: 22, user: 'hoist', privateKeyPath: join(dir, 'key'), identity: 'test', publicAddress: '127.0.0.1'},
		certificate: {status: 'issued', names: ['app.example.test'], address: '127.0.0.1'},
	};
	const journal = {
		schema: 3, stack: 'demo', runId: 'r1', createdAt: '', updatedAt: '', resources: {}, runs: [], releases: [],
		steps: Object.fromEntries(Object.entries(outputs).map(([id, stepOutputs]) => [id, {status: 'done', outputs: stepOutputs}])),
	} as unknown as JournalData;
	// The states below never look into Caddy's log, so no I/O of a terminal is needed.
	return certificateRenewals(journal, config, stackFiles(dir), {} as CommandIo, {now, httpsPort});
}

describe('hoist status with the CA\'s renewal window', () => {
	it('inside the CA\'s window: renewing, the line names the window, --json carries it', async () => {
		const [start, end] = [notBefore + 59 * day, notBefore + 61 * day];
		answer = window(start, end);
		const [renewal] = await status(notBefore + 59.5 * day);
		expect(renewal).toMatchObject({
			name: 'app.example.test', issuer: 'Test Issuing CA', state: 'renewing',
			renewalWindow: {start: new Date(start).toISOString(), end: new Date(end).toISOString()},
		});
		expect(renewal!.renewalWindowError).toBeUndefined();
		expect(renewal!.lines).toEqual([
			`app.example.test: certificate from Test Issuing CA, 31 days left of 90 days (Caddy renews it now: in the CA's renewal window, ${new Date(start).toISOString().slice(0, 16).replace('T', ' ')} – ${new Date(end).toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
		]);
	});

	it('a window moved into the first half of the life (a revocation): the CA asks for an early renewal, with its explanation', async () => {
		const now = notBefore + 10 * day;
		answer = window(now - 3_600_000, now - 1_800_000, {explanationURL: 'https://ca.example/incident'});
		const [renewal] = await status(now);
		expect(renewal).toMatchObject({state: 'renewing', renewalWindow: {explanationURL: 'https://ca.example/incident'}});
		expect(renewal!.lines[1]).toBe('  The CA asks for an early renewal: https://ca.example/incident');
	});

	it('a CA without renewalInfo in its directory: judged by the lifetime, as before, and nothing said about ARI', async () => {
		withAri = false;
		try {
			asked.length = 0;
			const [renewal] = await status(notBefore + day);
			expect(renewal).toMatchObject({state: 'fine'});
			expect(renewal).not.toHaveProperty('renewalWindow');
			expect(renewal).not.toHaveProperty('renewalWindowError');
			expect(renewal!.lines).toEqual([`app.example.test: certificate from Test Issuing CA, 89 days left of 90 days (Caddy renews it from ${new Date(notBefore + 60 * day).toISOString().slice(0, 16).replace('T', ' ')} UTC)`]);
			expect(asked).toEqual(['/dir']);
		} finally {
			withAri = true;
		}
	});

	it('a CA that does not answer the window: status waits at most 2 s, says so in one quiet line, and judges by the lifetime', async () => {
		answer = () => undefined;
		const started = Date.now();
		const [renewal] = await status(notBefore + day);
		expect(Date.now() - started).toBeLessThan(3_000);
		expect(renewal).toMatchObject({state: 'fine', renewalWindowError: expect.stringMatching(/did not answer in time$/)});
		expect(renewal!.lines).toHaveLength(2);
		expect(renewal!.lines[1]).toMatch(/^ {2}\(the CA's renewal window could not be read: 127\.0\.0\.1:\d+ did not answer in time; judged by the lifetime alone\)$/);
	});
});
