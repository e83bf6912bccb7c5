import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {httpsGet, probeCertificate, TlsProbeError} from '../../../source/tls/probe.js';
import {makePki, type KeyPair, type TestPki} from './certs.js';

let pki: TestPki;
beforeAll(() => {
	pki = makePki();
});
afterAll(() => pki.cleanup());

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map((close) => close()));
});

interface Served {
	port: number;
	/** SNI names and Host headers the server saw. */
	sni: string[];
	hosts: string[];
}

/** An HTTPS server on 127.0.0.1 with the given certificate; answers "hello from app" (or a long body on /big). */
async function serve(pair: KeyPair): Promise<Served> {
	const seen: Served = {port: 0, sni: [], hosts: []};
	const context = tls.createSecureContext({cert: pair.cert, key: pair.key});
	const server = https.createServer({cert: pair.cert, key: pair.key, SNICallback: (servername, done) => {
		seen.sni.push(servername);
		done(null, context);
	}}, (request, response) => {
		seen.hosts.push(request.headers.host ?? '');
		response.writeHead(request.url === '/missing' ? 404 : 200, {'content-type': 'text/plain'});
		response.end(request.url === '/big' ? 'x'.repeat(100_000) : 'hello from app');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	seen.port = (server.address() as net.AddressInfo).port;
	closers.push(() => new Promise((resolve) => {
		server.closeAllConnections();
		server.close(() => resolve());
	}));
	return seen;
}

async function rawServer(onConnection: (socket: net.Socket) => void): Promise<number> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('error', () => undefined);
		onConnection(socket);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	closers.push(() => new Promise((resolve) => {
		for (const socket of sockets) socket.destroy();
		server.close(() => resolve());
	}));
	return (server.address() as net.AddressInfo).port;
}

const base = {address: '127.0.0.1', servername: 'app.example.test', useSystemRoots: false, timeoutMs: 2000};

describe('probeCertificate', () => {
	it('reports a trusted certificate with its issuer, names, validity and chain; SNI is the domain', async () => {
		const served = await serve(pki.leaf);
		const probe = await probeCertificate({...base, port: served.port, trustRoots: [pki.ca.cert]});
		expect(probe).toMatchObject({
			authorized: true, issuer: 'hoist test CA', issuerOrganization: 'hoist tests', subject: 'app.example.test',
			names: ['app.example.test', 'www.app.example.test'], selfSigned: false, caddyInternal: false, protocol: 'TLSv1.3',
		});
		expect(probe.authorizationError).toBeUndefined();
		expect(probe.daysLeft).toBeGreaterThanOrEqual(29);
		expect(probe.daysLeft).toBeLessThanOrEqual(30);
		expect(probe.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
		expect(probe.chain).toEqual([
			{subject: 'app.example.test', issuer: 'hoist test CA'},
			{subject: 'hoist test CA', issuer: 'hoist test CA'},
		]);
		expect(served.sni).toEqual(['app.example.test']);
		// the other name of the certificate works too
		expect((await probeCertificate({...base, port: served.port, servername: 'www.app.example.test', trustRoots: [pki.ca.cert]})).authorized).toBe(true);
	});

	it('says why a certificate is not trusted: unknown CA (with or without the system roots)', async () => {
		const served = await serve(pki.leaf);
		const withSystem = await probeCertificate({...base, port: served.port, trustRoots: [], useSystemRoots: true});
		expect(withSystem).toMatchObject({
			authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', authorizationMessage: 'the certificate is not signed by a trusted CA',
			issuer: 'hoist test CA',
		});
		const nothing = await probeCertificate({...base, port: served.port, trustRoots: []});
		expect(nothing.authorized).toBe(false);
		const otherRoot = await probeCertificate({...base, port: served.port, trustRoots: [pki.caddyRoot.cert], useSystemRoots: true});
		expect(otherRoot.authorized).toBe(false);
	});

	it('checks the name itself: a trusted certificate for other names is not authorized', async () => {
		const served = await serve(pki.leaf);
		const probe = await probeCertificate({...base, port: served.port, servername: 'shop.example.test', trustRoots: [pki.ca.cert]});
		expect(probe).toMatchObject({authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID'});
		expect(probe.authorizationMessage).toMatch(/shop\.example\.test/);
		expect(served.sni).toEqual(['shop.example.test']);
	});

	it('recognises a self-signed certificate, trusted or not', async () => {
		const served = await serve(pki.selfSigned);
		const untrusted = await probeCertificate({...base, port: served.port, trustRoots: [pki.ca.cert]});
		expect(untrusted).toMatchObject({authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', selfSigned: true});
		expect(untrusted.chain).toEqual([{subject: 'app.example.test', issuer: 'app.example.test'}]);
		const pinned = await probeCertificate({...base, port: served.port, trustRoots: [pki.selfSigned.cert]});
		expect(pinned).toMatchObject({authorized: true, selfSigned: true});
	});

	it('reports an expired certificate with negative days left', async () => {
		const served = await serve(pki.expired);
		const probe = await probeCertificate({...base, port: served.port, trustRoots: [pki.ca.cert]});
		expect(probe).toMatchObject({authorized: false, authorizationError: 'CERT_HAS_EXPIRED', authorizationMessage: 'the certificate has expired'});
		expect(probe.notAfter.toISOString()).toBe('2020-02-01T00:00:00.000Z');
		expect(probe.daysLeft).toBeLessThan(-1000);
		const fixedNow = await probeCertificate({...base, port: served.port, trustRoots: [pki.ca.cert], now: () => Date.parse('2020-01-21T00:00:00Z')});
		expect(fixedNow.daysLeft).toBe(11);
	});

	it('flags Caddy\'s local CA (what Caddy serves when it could not get a public certificate)', async () => {
		const served = await serve(pki.caddyLeaf);
		const probe = await probeCertificate({...base, port: served.port, trustRoots: [pki.caddyRoot.cert]});
		expect(probe).toMatchObject({authorized: true, caddyInternal: true, issuer: 'Caddy Local Authority - ECC Intermediate'});
		expect(probe.chain.map((entry) => entry.subject)).toEqual([
			'app.example.test', 'Caddy Local Authority - ECC Intermediate', 'Caddy Local Authority - 2026 ECC Root',
		]);
		const untrusted = await probeCertificate({...base, port: served.port, trustRoots: []});
		expect(untrusted).toMatchObject({authorized: false, caddyInternal: true});
	});

	it('fails with typed errors: refused, timeout, handshake', async () => {
		const closed = await rawServer(() => undefined);
		await closers.pop()!(); // now nothing listens on that port
		const refused = await probeCertificate({...base, port: closed, trustRoots: []}).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(TlsProbeError);
		expect(refused).toMatchObject({reason: 'refused', code: 'TLS_REFUSED', kind: 'external'});

		const silent = await rawServer(() => undefined);
		const started = Date.now();
		const timeout = await probeCertificate({...base, port: silent, trustRoots: [], timeoutMs: 300}).catch((e: unknown) => e);
		expect(timeout).toMatchObject({reason: 'timeout', code: 'TLS_TIMEOUT'});
		expect(Date.now() - started).toBeLessThan(1500);

		const plain = await rawServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
		const handshake = await probeCertificate({...base, port: plain, trustRoots: []}).catch((e: unknown) => e);
		expect(handshake).toMatchObject({reason: 'handshake', code: 'TLS_HANDSHAKE'});
	});
});

describe('httpsGet', () => {
	it('GETs a path with SNI and Host set to the domain, verified against the trust store', async () => {
		const served = await serve(pki.leaf);
		const result = await httpsGet('127.0.0.1', 'app.example.test', '/', {port: served.port, trustRoots: [pki.ca.cert], useSystemRoots: false});
		expect(result).toMatchObject({status: 200, body: 'hello from app', truncated: false});
		expect(result.headers['content-type']).toBe('text/plain');
		expect(served.hosts).toEqual([`app.example.test:${served.port}`]);
		expect(served.sni).toEqual(['app.example.test']);
		expect((await httpsGet('127.0.0.1', 'app.example.test', '/missing', {port: served.port, trustRoots: [pki.ca.cert], useSystemRoots: false})).status).toBe(404);
	});

	it('bounds the body', async () => {
		const served = await serve(pki.leaf);
		const result = await httpsGet('127.0.0.1', 'app.example.test', '/big', {port: served.port, trustRoots: [pki.ca.cert], useSystemRoots: false, maxBytes: 1000});
		expect(result.body).toHaveLength(1000);
		expect(result.truncated).toBe(true);
	});

	it('refuses an untrusted or misnamed certificate unless told otherwise', async () => {
		const served = await serve(pki.leaf);
		await expect(httpsGet('127.0.0.1', 'app.example.test', '/', {port: served.port, trustRoots: [], useSystemRoots: false}))
			.rejects.toMatchObject({reason: 'handshake', code: 'TLS_HANDSHAKE'});
		await expect(httpsGet('127.0.0.1', 'shop.example.test', '/', {port: served.port, trustRoots: [pki.ca.cert], useSystemRoots: false}))
			.rejects.toMatchObject({reason: 'handshake'});
		const insecure = await httpsGet('127.0.0.1', 'app.example.test', '/', {port: served.port, trustRoots: [], useSystemRoots: false, allowUntrusted: true});
		expect(insecure.status).toBe(200);
		const expired = await serve(pki.expired);
		await expect(httpsGet('127.0.0.1', 'app.example.test', '/', {port: expired.port, trustRoots: [pki.ca.cert], useSystemRoots: false}))
			.rejects.toThrow(/expired/);
	});

	it('fails with typed errors when nothing listens or nothing answers', async () => {
		const closed = await rawServer(() => undefined);
		await closers.pop()!();
		await expect(httpsGet('127.0.0.1', 'app.example.test', '/', {port: closed, trustRoots: [], useSystemRoots: false}))
			.rejects.toMatchObject({reason: 'refused'});
		const silent = await rawServer(() => undefined);
		await expect(httpsGet('127.0.0.1', 'app.example.test', '/', {port: silent, trustRoots: [], useSystemRoots: false, timeoutMs: 300}))
			.rejects.toMatchObject({reason: 'timeout'});
	});
});
