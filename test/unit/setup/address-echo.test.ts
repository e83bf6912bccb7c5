import {createServer, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {addressEcho, addressEchoDefault, addressEchoUrl, parseEchoedAddress} from '../../../source/setup/address-echo.js';

describe('parseEchoedAddress', () => {
	it('takes one IPv4 or IPv6 address, with the newline the echo ends it with', () => {
		expect(parseEchoedAddress('203.0.113.7\n')).toBe('203.0.113.7');
		expect(parseEchoedAddress('  2001:db8::7\r\n')).toBe('2001:db8::7');
	});

	it('refuses anything else: a captive portal\'s page, two addresses, a name, nothing, a flood', () => {
		for (const body of ['<html><body>Sign in to the hotel Wi-Fi</body></html>', '203.0.113.7, 198.51.100.2', 'checkip.amazonaws.com', '', '\n', '203.0.113.999', `${'1'.repeat(200)}`]) {
			expect(parseEchoedAddress(body), body).toBeUndefined();
		}
	});
});

describe('addressEchoUrl', () => {
	it('is AWS\'s echo unless HOIST_ADDRESS_ECHO_URL says otherwise', () => {
		expect(addressEchoUrl({})).toBe(addressEchoDefault);
		expect(addressEchoDefault).toBe('https://checkip.amazonaws.com');
		expect(addressEchoUrl({HOIST_ADDRESS_ECHO_URL: ' http://10.77.0.1:14080/ '})).toBe('http://10.77.0.1:14080/');
	});
});

describe('addressEcho(url).lookup', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

	async function echoing(handler: Parameters<typeof createServer>[1]): Promise<string> {
		server = createServer(handler);
		await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	}

	it('gives the address the echo saw', async () => {
		const url = await echoing((request, response) => response.end(`${request.socket.remoteAddress}\n`));
		expect(await addressEcho(url).lookup()).toBe('127.0.0.1');
	});

	it('gives nothing for a garbled answer, an error status or a redirect (a login page)', async () => {
		const replies: Array<(response: ServerResponse) => void> = [
			(response) => response.end('garbage'),
			(response) => response.writeHead(503).end('203.0.113.7'),
			(response) => response.writeHead(302, {location: 'http://127.0.0.1:9/'}).end(),
		];
		for (const reply of replies) {
			const url = await echoing((request, response) => reply(response));
			expect(await addressEcho(url).lookup()).toBeUndefined();
			await new Promise<void>((resolve) => server!.close(() => resolve()));
			server = undefined;
		}
	});

	it('gives nothing, in its time, when the echo does not answer: the setup does not wait longer', async () => {
		const url = await echoing(() => undefined);
		const started = Date.now();
		expect(await addressEcho(url, {timeoutMs: 300}).lookup()).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(2_000);
	});

	it('gives nothing when nothing listens, or the setting is no URL', async () => {
		expect(await addressEcho('http://127.0.0.1:9/').lookup()).toBeUndefined();
		const broken = addressEcho('not a url');
		expect(broken.name).toBe('not a url');
		expect(await broken.lookup()).toBeUndefined();
	});
});
