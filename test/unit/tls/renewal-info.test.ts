// The CA's ARI window read over HTTPS from servers on 127.0.0.1 (the sandbox's Pebble and Caddy have no ARI).
import {execFileSync} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ariCertId} from '../../../source/tls/ari-cert-id.js';
import {renewalInfoOf, renewalInfoUrl} from '../../../source/tls/renewal-info.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-ari-'));
const openssl = (args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'});
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
// The CA's HTTPS certificate (for 127.0.0.1, its own root), and a served certificate to ask about.
openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
openssl(['req', '-x509', ...ec, '-keyout', 'served.key', '-out', 'served.crt', '-days', '3', '-subj', '/CN=app.example.test']);
const caRoot = readFileSync(join(dir, 'ca.crt'), 'utf8');
const served = new X509Certificate(readFileSync(join(dir, 'served.crt'))).raw;
const certId = ariCertId(served)!;
const trust = {trustRoots: [caRoot], useSystemRoots: false};
const window = {start: '2026-12-20T00:00:00Z', end: '2026-12-21T00:00:00Z'};

type Handler = (request: {url: string}, response: import('node:http').ServerResponse) => void;
let handler: Handler = (_request, response) => response.end();
const asked: string[] = [];
const server = https.createServer({key: readFileSync(join(dir, 'ca.key')), cert: caRoot}, (request, response) => {
	asked.push(request.url ?? '');
	handler({url: request.url ?? ''}, response);
});
let base = '';
beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
	server.closeAllConnections();
	server.close();
	rmSync(dir, {recursive: true, force: true});
});

const json = (response: import('node:http').ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
	response.writeHead(200, {'Content-Type': 'application/json', ...headers});
	response.end(JSON.stringify(body));
};

/** A CA whose directory has renewalInfo (or not) and answers it as told. */
function ca(options: {ari: boolean; info?: Handler}): void {
	handler = (request, response) => {
		if (request.url === '/dir') json(response, {newOrder: `${base}/order`, ...(options.ari ? {renewalInfo: `${base}/renewal-info`} : {})});
		else if (request.url.startsWith('/renewal-info/') && options.info) options.info(request, response);
		else response.writeHead(404).end();
	};
}

const look = (signal = AbortSignal.timeout(2_000)) => {
	const url = renewalInfoUrl(`${base}/dir`, trust, signal);
	return renewalInfoOf(url, served, trust, signal, Date.parse('2026-12-07T12:00:00Z'));
};

describe('the CA\'s renewal window (RFC 9773)', () => {
	it('a directory with renewalInfo: GET <renewalInfo>/<certID> gives the window, its explanation and the Retry-After', async () => {
		ca({ari: true, info: (_request, response) => json(response, {suggestedWindow: window, explanationURL: 'https://ca.example/why'}, {'Retry-After': '21600'})});
		asked.length = 0;
		expect(await look()).toEqual({kind: 'window', window: {start: new Date(window.start), end: new Date(window.end), explanationUrl: 'https://ca.example/why', retryAfterMs: 21_600_000}});
		expect(asked).toEqual(['/dir', `/renewal-info/${certId}`]);
	});

	it('a directory without renewalInfo (the sandbox\'s Pebble 2.4.0): no window and nothing else asked', async () => {
		ca({ari: false});
		asked.length = 0;
		expect(await look()).toEqual({kind: 'none'});
		expect(asked).toEqual(['/dir']);
	});

	it('a CA that does not know the certificate (404), or answers a window that ends before it starts: unreadable, with why', async () => {
		ca({ari: true});
		expect(await look()).toEqual({kind: 'unreadable', reason: 'the CA answered HTTP 404 for this certificate'});
		ca({ari: true, info: (_request, response) => json(response, {suggestedWindow: {start: window.end, end: window.start}})});
		expect(await look()).toEqual({kind: 'unreadable', reason: 'the CA\'s renewal window is not a valid window'});
	});

	it('a CA that is too slow: given up at the deadline, unreadable', async () => {
		ca({ari: true, info: () => undefined}); // never answers
		const started = Date.now();
		const result = await look(AbortSignal.timeout(300));
		expect(Date.now() - started).toBeLessThan(1_500);
		expect(result).toEqual({kind: 'unreadable', reason: expect.stringMatching(/^127\.0\.0\.1:\d+ did not answer in time$/)});
	});

	it('a CA whose HTTPS is not trusted here (acme.caRoot missing): unreadable, not an error', async () => {
		ca({ari: true, info: (_request, response) => json(response, {suggestedWindow: window})});
		const untrusted = {trustRoots: [], useSystemRoots: false};
		const signal = AbortSignal.timeout(2_000);
		const result = await renewalInfoOf(renewalInfoUrl(`${base}/dir`, untrusted, signal), served, untrusted, signal);
		expect(result).toMatchObject({kind: 'unreadable', reason: expect.stringContaining('127.0.0.1')});
	});
});
