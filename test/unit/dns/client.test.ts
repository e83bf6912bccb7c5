import * as dnsPacket from 'dns-packet';
import {afterEach, describe, expect, it} from 'vitest';
import {DnsQueryError, query} from '../../../source/dns/client.js';
import {closedPort, rr, startDnsServer, zoneHandler, type FakeDnsServer} from './fake-dns-server.js';

const servers: FakeDnsServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(...args: Parameters<typeof startDnsServer>): Promise<FakeDnsServer> {
	const server = await startDnsServer(...args);
	servers.push(server);
	return server;
}

const zone = 'example.test';
const basic = zoneHandler({zone, records: [rr.a('app.example.test', '10.77.0.2', 120)]});

describe('query', () => {
	it('asks over UDP with EDNS0 and RD as requested, and reports flags, rcode, records and TTLs', async () => {
		const server = await start(basic);
		const response = await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false});
		expect(response).toMatchObject({rcode: 'NOERROR', aa: true, tc: false, tcp: false, name: 'app.example.test', type: 'A'});
		expect(response.answers).toEqual([expect.objectContaining({name: 'app.example.test', type: 'A', ttl: 120, data: '10.77.0.2'})]);
		expect(server.queries).toEqual([expect.objectContaining({rd: false, edns: true, transport: 'udp', name: 'app.example.test', type: 'A'})]);

		await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: true});
		expect(server.queries[1]?.rd).toBe(true);
	});

	it('reports how long the answer took', async () => {
		const server = await start(async (q) => ({...(await basic(q)), delayMs: 120}));
		const response = await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false});
		expect(response.elapsedMs).toBeGreaterThanOrEqual(110);
		expect(response.elapsedMs).toBeLessThan(5_000);
	});

	it('returns negative answers with their SOA in the authority section, not as errors', async () => {
		const server = await start(basic);
		const response = await query({server: server.address, port: server.port, name: 'nope.example.test', type: 'A', recursion: false});
		expect(response.rcode).toBe('NXDOMAIN');
		expect(response.authorities[0]).toMatchObject({type: 'SOA', ttl: 3600, data: expect.objectContaining({minimum: 30})});
		const refused = await query({server: server.address, port: server.port, name: 'other.test', type: 'A', recursion: false});
		expect(refused).toMatchObject({rcode: 'REFUSED', aa: false});
		server.handler = () => ({rcode: 'SERVFAIL', aa: false});
		expect((await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false})).rcode).toBe('SERVFAIL');
	});

	it('ignores stray packets: another id, another question, another type, before the real answer', async () => {
		const server = await start((q) => ({
			...(q.name === 'app.example.test' ? {answers: [{name: 'app.example.test', type: 'A', ttl: 5, data: '10.0.0.1'}]} : {}),
			before: (packet) => [
				dnsPacket.encode({type: 'response', id: ((packet.id ?? 0) + 1) & 0xffff, questions: packet.questions,
					answers: [{name: 'app.example.test', type: 'A', ttl: 5, data: '203.0.113.66'}]}),
				dnsPacket.encode({type: 'response', id: packet.id, questions: [{name: 'evil.example.test', type: 'A'}],
					answers: [{name: 'evil.example.test', type: 'A', ttl: 5, data: '203.0.113.67'}]}),
				dnsPacket.encode({type: 'response', id: packet.id, questions: [{name: 'app.example.test', type: 'AAAA'}],
					answers: [{name: 'app.example.test', type: 'AAAA', ttl: 5, data: '2001:db8::66'}]}),
				Buffer.from([0x01]), // too short to carry an id
			],
		}));
		const response = await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false});
		expect(response.answers.map((record) => record.data)).toEqual(['10.0.0.1']);
	});

	it('matches the question name case-insensitively (0x20 echo)', async () => {
		const server = await start((q) => ({questionName: q.name.toUpperCase(), answers: [{name: q.name, type: 'A', ttl: 5, data: '10.0.0.1'}]}));
		const response = await query({server: server.address, port: server.port, name: 'App.Example.Test', type: 'A', recursion: false});
		expect(response.answers).toHaveLength(1);
	});

	it('retries over TCP when the UDP answer is truncated, reassembling a split frame', async () => {
		const many = Array.from({length: 300}, (_, i) => rr.a('big.example.test', `10.1.${i >> 8}.${i & 0xff}`));
		const handler = zoneHandler({zone, records: many});
		const server = await start((q) => ({...(handler(q) as object), ...(q.transport === 'tcp' ? {splitTcpMs: 30} : {})}));
		const response = await query({server: server.address, port: server.port, name: 'big.example.test', type: 'A', recursion: false});
		expect(response.tcp).toBe(true);
		expect(response.answers).toHaveLength(300);
		expect(server.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
	});

	it('retries over TCP when the server sets TC on a small answer', async () => {
		const server = await start((q) => ({tc: q.transport === 'udp', answers: [{name: q.name, type: 'A', ttl: 5, data: '10.0.0.9'}]}));
		const response = await query({server: server.address, port: server.port, name: 'tc.example.test', type: 'A', recursion: false});
		expect(response).toMatchObject({tcp: true, tc: false});
		expect(response.answers[0]?.data).toBe('10.0.0.9');
	});

	it('times out on a silent server with a typed error (and retransmits once half-way)', async () => {
		const server = await start(() => ({drop: true}));
		const started = Date.now();
		const error = await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false, timeoutMs: 300})
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DnsQueryError);
		expect(error).toMatchObject({reason: 'timeout', code: 'DNS_TIMEOUT', kind: 'external', server: '127.0.0.1'});
		expect((error as DnsQueryError).message).toMatch(/did not answer A app\.example\.test within \d+ ms/);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(server.queries).toHaveLength(2);
		expect(server.queries[0]?.id).toBe(server.queries[1]?.id);
	});

	it('times out when the TCP retry never answers', async () => {
		const server = await start((q) => (q.transport === 'udp' ? {tc: true} : {drop: true}));
		const error = await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false, timeoutMs: 300})
			.catch((e: unknown) => e);
		expect(error).toMatchObject({reason: 'timeout'});
		expect((error as Error).message).toContain('TCP');
	});

	it('reports a closed port as a network error, quickly', async () => {
		const port = await closedPort();
		const started = Date.now();
		const error = await query({server: '127.0.0.1', port, name: 'app.example.test', type: 'A', recursion: false, timeoutMs: 2000}).catch((e: unknown) => e);
		expect(error).toMatchObject({reason: 'network', code: 'DNS_NETWORK'});
		expect((error as Error).message).toMatch(/refused/);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('reports an undecodable answer with our id as malformed', async () => {
		const server = await start(() => ({raw: (id) => Buffer.from([id >> 8, id & 0xff, 0x84, 0x00, 0x00, 0x01, 0x00, 0x05])}));
		const error = await query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false}).catch((e: unknown) => e);
		expect(error).toMatchObject({reason: 'malformed', code: 'DNS_MALFORMED'});
	});

	it('rejects non-addresses and honours an abort signal', async () => {
		await expect(query({server: 'ns1.example.test', name: 'x.test', type: 'A', recursion: false})).rejects.toMatchObject({reason: 'network'});
		const server = await start(() => ({drop: true}));
		const controller = new AbortController();
		const pending = query({server: server.address, port: server.port, name: 'app.example.test', type: 'A', recursion: false, signal: controller.signal});
		setTimeout(() => controller.abort(), 50);
		await expect(pending).rejects.toMatchObject({name: 'AbortError'});
	});

	it('uses a udp6 socket for an IPv6 address (IPv4-mapped loopback)', async () => {
		const server = await start(basic);
		const response = await query({server: '::ffff:127.0.0.1', port: server.port, name: 'app.example.test', type: 'A', recursion: false});
		expect(response.answers[0]?.data).toBe('10.77.0.2');
	});
});
