import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {discoverZone, findZone, parseResolvConf, systemResolvers} from '../../../source/dns/discovery.js';
import {UserError} from '../../../source/errors.js';
import {rr, soaRecord, startServersOnOnePort, zoneHandler, type FakeDnsServer, type Handler} from './fake-dns-server.js';

const running: FakeDnsServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.close()));
});

async function resolvers(...handlers: Handler[]): Promise<{port: number; servers: FakeDnsServer[]}> {
	const started = await startServersOnOnePort(handlers.map((handler, i) => ({address: `127.0.20.${i + 1}`, handler})));
	running.push(...started.servers);
	return started;
}

/** A recursive resolver's view of example.test: the zone, plus a CNAME from www to a name in another zone. */
const resolverView = zoneHandler({
	zone: 'test', ra: true, aa: false,
	records: [
		{name: 'example.test', type: 'SOA', ttl: 3600, data: soaRecord('example.test').data},
		rr.ns('example.test', 'ns2.example.test'),
		rr.ns('example.test', 'ns1.example.test'),
		rr.a('ns1.example.test', '127.0.0.2'),
		rr.a('ns2.example.test', '127.0.0.3'),
		rr.aaaa('ns2.example.test', 'fd00::3'),
		rr.cname('www.example.test', 'edge.cdn.test'),
		{name: 'edge.cdn.test', type: 'SOA', ttl: 60, data: soaRecord('edge.cdn.test').data},
	],
});

describe('parseResolvConf', () => {
	it('takes nameserver lines in order, drops comments, options and junk', () => {
		const text = [
			'# generated', 'search example.test', 'nameserver 10.255.255.53', 'nameserver   fe80::1%eth0 # link-local',
			'nameserver not-an-ip', 'options edns0 trust-ad', ';nameserver 192.0.2.1', 'nameserver 10.255.255.53',
		].join('\n');
		expect(parseResolvConf(text)).toEqual(['10.255.255.53', 'fe80::1%eth0']);
		expect(parseResolvConf('')).toEqual([]);
	});

	it('reads a resolv.conf file, and says so when it lists none', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-resolv-'));
		try {
			writeFileSync(path.join(dir, 'ok'), 'nameserver 127.0.0.53\n');
			writeFileSync(path.join(dir, 'empty'), 'search x\n');
			expect(await systemResolvers(path.join(dir, 'ok'))).toEqual(['127.0.0.53']);
			await expect(systemResolvers(path.join(dir, 'empty'))).rejects.toMatchObject({code: 'DNS_NO_RESOLVER'});
			await expect(systemResolvers(path.join(dir, 'missing'))).rejects.toBeInstanceOf(UserError);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('findZone', () => {
	it('walks up from the name with SOA queries (recursion on) until an answer-section SOA', async () => {
		const {port, servers} = await resolvers(resolverView);
		const found = await findZone({name: 'deep.app.example.test', bootstrap: ['127.0.20.1'], port});
		expect(found).toMatchObject({zone: 'example.test', resolver: '127.0.20.1', soa: expect.objectContaining({minimum: 30, ttl: 3600})});
		expect(servers[0]!.queries.map((q) => [q.name, q.type, q.rd])).toEqual([
			['deep.app.example.test', 'SOA', true], ['app.example.test', 'SOA', true], ['example.test', 'SOA', true],
		]);
	});

	it('skips names whose answer holds a CNAME (the SOA of the CNAME target is not our zone)', async () => {
		const {port, servers} = await resolvers(resolverView);
		const found = await findZone({name: 'www.example.test', bootstrap: ['127.0.20.1'], port});
		expect(found.zone).toBe('example.test');
		expect(servers[0]!.queries.map((q) => q.name)).toEqual(['www.example.test', 'example.test']);
	});

	it('fails over to the next bootstrap resolver when one does not answer', async () => {
		const {port, servers} = await resolvers(() => ({drop: true}), resolverView);
		const found = await findZone({name: 'app.example.test', bootstrap: ['127.0.20.1', '127.0.20.2'], port, timeoutMs: 200});
		expect(found).toMatchObject({zone: 'example.test', resolver: '127.0.20.2'});
		expect(servers[0]!.queries.length).toBeGreaterThan(0);
	});

	it('says which error stops the walk: SERVFAIL, no zone at all, no resolver answering', async () => {
		const {port} = await resolvers(() => ({rcode: 'SERVFAIL', aa: false, ra: true}), () => ({rcode: 'NXDOMAIN', aa: false, ra: true}), () => ({drop: true}));
		await expect(findZone({name: 'app.example.test', bootstrap: ['127.0.20.1'], port})).rejects.toMatchObject({
			code: 'DNS_ZONE_SERVFAIL', kind: 'user', message: expect.stringContaining('SERVFAIL for the SOA of app.example.test'),
		});
		await expect(findZone({name: 'app.example.test', bootstrap: ['127.0.20.2'], port})).rejects.toMatchObject({code: 'DNS_ZONE_NOT_FOUND'});
		await expect(findZone({name: 'app.example.test', bootstrap: ['127.0.20.3'], port, timeoutMs: 150})).rejects.toMatchObject({
			code: 'DNS_BOOTSTRAP_UNREACHABLE', kind: 'external',
		});
	});
});

describe('discoverZone', () => {
	it('returns the zone\'s NS names with their addresses from A/AAAA queries, IPv4 first', async () => {
		const {port, servers} = await resolvers(resolverView);
		const info = await discoverZone({name: 'app.example.test', bootstrap: ['127.0.20.1'], port});
		expect(info.zone).toBe('example.test');
		expect(info.nameservers).toEqual([
			{name: 'ns1.example.test', addresses: ['127.0.0.2'], glue: false},
			{name: 'ns2.example.test', addresses: ['127.0.0.3', 'fd00::3'], glue: false},
		]);
		expect(servers[0]!.queries.every((q) => q.rd)).toBe(true);
	});

	it('uses glue from the NS answer when the resolver sends it, and reports NS names without an address', async () => {
		const glued: Handler = (q) => {
			if (q.type === 'NS') {
				return {aa: false, ra: true, answers: [
					{name: 'example.test', type: 'NS', ttl: 3600, data: 'ns1.example.test'},
					{name: 'example.test', type: 'NS', ttl: 3600, data: 'ns.gone.test'},
				], additionals: [{name: 'ns1.example.test', type: 'A', ttl: 3600, data: '127.0.0.2'}]};
			}
			if (q.name === 'ns.gone.test') return {rcode: 'NXDOMAIN', aa: false, ra: true};
			return (resolverView(q) as ReturnType<Handler> & object);
		};
		const {port, servers} = await resolvers(glued);
		const info = await discoverZone({name: 'app.example.test', bootstrap: ['127.0.20.1'], port});
		expect(info.nameservers).toEqual([
			{name: 'ns.gone.test', addresses: [], glue: false, error: 'A NXDOMAIN; AAAA NXDOMAIN'},
			{name: 'ns1.example.test', addresses: ['127.0.0.2'], glue: true},
		]);
		expect(servers[0]!.queries.some((q) => q.name === 'ns1.example.test')).toBe(false);
	});
});
