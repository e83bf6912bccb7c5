import {afterEach, describe, expect, it} from 'vitest';
import {collectServerRecords, lookupAuthoritative, negativeCaching, walkCaa, type ServerAddress} from '../../../source/dns/records.js';
import {closedPort, rr, soaRecord, startDnsServer, startServersOnOnePort, zoneHandler, type FakeDnsServer, type Handler} from './fake-dns-server.js';

const running: FakeDnsServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.close()));
});

const zone = 'example.test';

async function ns(handler: Handler, name = 'ns1.example.test'): Promise<{server: ServerAddress; fake: FakeDnsServer}> {
	const fake = await startDnsServer(handler);
	running.push(fake);
	return {server: {name, address: fake.address, port: fake.port}, fake};
}

const records = [
	rr.a('app.example.test', '10.77.0.2', 120),
	rr.aaaa('app.example.test', '2001:DB8:0::1'),
	rr.cname('www.example.test', 'web.example.test'),
	rr.cname('web.example.test', 'app.example.test'),
	rr.cname('ext.example.test', 'lb.elsewhere.test'),
	rr.cname('loop1.example.test', 'loop2.example.test'),
	rr.cname('loop2.example.test', 'loop1.example.test'),
	rr.a('only-a.example.test', '10.77.0.2'),
	rr.caa('app.example.test', 'issue', 'letsencrypt.org'),
	rr.a('deep.sub.example.test', '10.77.0.2'),
];

describe('negativeCaching', () => {
	it('is min(SOA TTL, SOA MINIMUM) and says which one set it (RFC 2308 §3)', () => {
		const soa = (ttl: number, minimum: number) => ({...soaRecord(zone, ttl, minimum), ttl}) as Parameters<typeof negativeCaching>[0][number];
		expect(negativeCaching([soa(3600, 30)])).toMatchObject({ttl: 30, source: 'SOA MINIMUM'});
		expect(negativeCaching([soa(20, 900)])).toMatchObject({ttl: 20, source: 'SOA TTL'});
		expect(negativeCaching([])).toBeUndefined();
	});
});

describe('lookupAuthoritative', () => {
	it('asks with recursion off and returns the canonical addresses and TTL', async () => {
		const {server, fake} = await ns(zoneHandler({zone, records}));
		const a = await lookupAuthoritative({server, name: 'app.example.test', type: 'A', zone});
		expect(a).toMatchObject({status: 'answer', values: ['10.77.0.2'], ttl: 120, cnames: [], finalName: 'app.example.test', rcode: 'NOERROR'});
		const aaaa = await lookupAuthoritative({server, name: 'App.Example.Test.', type: 'AAAA', zone});
		expect(aaaa).toMatchObject({status: 'answer', values: ['2001:db8::1']});
		expect(fake.queries.every((q) => !q.rd)).toBe(true);
	});

	it('reads NXDOMAIN and NODATA with the negative TTL of their SOA', async () => {
		const {server} = await ns(zoneHandler({zone, records, soaTtl: 3600, soaMinimum: 30}));
		expect(await lookupAuthoritative({server, name: 'missing.example.test', type: 'A', zone})).toMatchObject({
			status: 'nxdomain', negative: {ttl: 30, source: 'SOA MINIMUM'},
		});
		expect(await lookupAuthoritative({server, name: 'only-a.example.test', type: 'AAAA', zone})).toMatchObject({
			status: 'nodata', negative: {ttl: 30},
		});
		// an empty non-terminal exists: NODATA, not NXDOMAIN
		expect((await lookupAuthoritative({server, name: 'sub.example.test', type: 'A', zone})).status).toBe('nodata');
	});

	it('classifies SERVFAIL, REFUSED, a missing AA flag, a timeout and a dead port', async () => {
		const servfail = await ns(() => ({rcode: 'SERVFAIL', aa: false}));
		expect((await lookupAuthoritative({server: servfail.server, name: 'app.example.test', type: 'A', zone})).status).toBe('servfail');
		const refused = await ns(() => ({rcode: 'REFUSED', aa: false}));
		expect((await lookupAuthoritative({server: refused.server, name: 'app.example.test', type: 'A', zone})).status).toBe('refused');
		const noAa = await ns(zoneHandler({zone, records, aa: false}));
		expect(await lookupAuthoritative({server: noAa.server, name: 'app.example.test', type: 'A', zone})).toMatchObject({status: 'not-authoritative', values: []});
		const silent = await ns(() => ({drop: true}));
		expect(await lookupAuthoritative({server: silent.server, name: 'app.example.test', type: 'A', zone, timeoutMs: 150})).toMatchObject({
			status: 'timeout', error: expect.stringContaining('did not answer'),
		});
		const port = await closedPort();
		expect((await lookupAuthoritative({server: {name: 'dead', address: '127.0.0.1', port}, name: 'app.example.test', type: 'A', zone})).status).toBe('network');
		const notimp = await ns(() => ({rcode: 'NOTIMP'}));
		expect(await lookupAuthoritative({server: notimp.server, name: 'app.example.test', type: 'A', zone})).toMatchObject({status: 'rcode', rcode: 'NOTIMP'});
	});

	it('follows an in-zone CNAME chain inside one answer', async () => {
		const {server, fake} = await ns(zoneHandler({zone, records}));
		const a = await lookupAuthoritative({server, name: 'www.example.test', type: 'A', zone});
		expect(a).toMatchObject({status: 'answer', values: ['10.77.0.2'], finalName: 'app.example.test'});
		expect(a.cnames.map((link) => `${link.from}>${link.to}`)).toEqual(['www.example.test>web.example.test', 'web.example.test>app.example.test']);
		expect(fake.queries).toHaveLength(1);
	});

	it('asks again for the rest of the chain when the server answers only the first link', async () => {
		const {server, fake} = await ns(zoneHandler({zone, records, cnameOneStep: true}));
		const a = await lookupAuthoritative({server, name: 'www.example.test', type: 'A', zone});
		expect(a).toMatchObject({status: 'answer', values: ['10.77.0.2'], finalName: 'app.example.test'});
		expect(fake.queries.map((q) => q.name)).toEqual(['www.example.test', 'web.example.test', 'app.example.test']);
	});

	it('stops at a CNAME leaving the zone, a loop, and a chain longer than the limit', async () => {
		const {server} = await ns(zoneHandler({zone, records, cnameOneStep: true}));
		expect(await lookupAuthoritative({server, name: 'ext.example.test', type: 'A', zone})).toMatchObject({
			status: 'cname-out-of-zone', error: 'ext.example.test is a CNAME to lb.elsewhere.test, outside example.test',
		});
		expect(await lookupAuthoritative({server, name: 'loop1.example.test', type: 'A', zone})).toMatchObject({
			status: 'cname-loop', error: 'CNAME chain loop1.example.test → loop2.example.test → loop1.example.test',
		});
		expect((await lookupAuthoritative({server, name: 'www.example.test', type: 'A', zone, maxChain: 1})).status).toBe('cname-loop');
	});

	it('reads CAA records with flags and tags', async () => {
		const {server} = await ns(zoneHandler({zone, records: [...records, rr.caa('crit.example.test', 'tbs', 'x', 128)]}));
		const caa = await lookupAuthoritative({server, name: 'app.example.test', type: 'CAA', zone});
		expect(caa).toMatchObject({status: 'answer', caa: [{owner: 'app.example.test', tag: 'issue', value: 'letsencrypt.org', critical: false, flags: 0}]});
		const critical = await lookupAuthoritative({server, name: 'crit.example.test', type: 'CAA', zone});
		expect(critical.caa[0]).toMatchObject({critical: true, flags: 128, tag: 'tbs'});
	});

	it('collects A, AAAA and CAA from one server in parallel', async () => {
		const {server, fake} = await ns(zoneHandler({zone, records}));
		const all = await collectServerRecords({server, name: 'app.example.test', zone});
		expect([all.a.status, all.aaaa.status, all.caa.status]).toEqual(['answer', 'answer', 'answer']);
		expect(fake.queries.map((q) => q.type).sort()).toEqual(['A', 'AAAA', 'CAA']);
	});
});

describe('walkCaa', () => {
	const apexCaa = [rr.caa('example.test', 'issue', 'letsencrypt.org')];

	it('asks every authoritative server for in-zone ancestors and stops at the first CAA set', async () => {
		const {port, servers} = await startServersOnOnePort([
			{address: '127.0.30.1', handler: zoneHandler({zone, records: [...records, ...apexCaa]})},
			{address: '127.0.30.2', handler: zoneHandler({zone, records: [...records, ...apexCaa]})},
			{address: '127.0.30.3', handler: () => ({drop: true})},
		]);
		running.push(...servers);
		const steps = await walkCaa({
			name: 'deep.sub.example.test', zone,
			servers: [{name: 'ns1', address: '127.0.30.1', port}, {name: 'ns2', address: '127.0.30.2', port}],
			bootstrap: [{name: 'bootstrap', address: '127.0.30.3', port}],
		});
		expect(steps.map((step) => [step.name, step.server.name, step.status, step.records.length])).toEqual([
			['sub.example.test', 'ns1', 'nodata', 0], ['sub.example.test', 'ns2', 'nodata', 0],
			['example.test', 'ns1', 'answer', 1], ['example.test', 'ns2', 'answer', 1],
		]);
		expect(servers[2]!.queries).toEqual([]); // the bootstrap resolver was not needed
	});

	it('continues above the zone on the bootstrap resolver (recursion on), as far as it answers', async () => {
		const parent: Handler = (q) => (q.name === 'test' ? {aa: false, ra: true, answers: [{name: 'test', type: 'CAA', ttl: 60, data: {flags: 0, tag: 'issue', value: 'ca.test'}}]} : {aa: false, ra: true});
		const {port, servers} = await startServersOnOnePort([
			{address: '127.0.30.1', handler: zoneHandler({zone: 'sub.example.test', records: []})},
			{address: '127.0.30.3', handler: parent},
			{address: '127.0.30.4', handler: () => ({rcode: 'REFUSED', aa: false})},
		]);
		running.push(...servers);
		const server = {name: 'ns1', address: '127.0.30.1', port};
		const found = await walkCaa({name: 'app.sub.example.test', zone: 'sub.example.test', servers: [server], bootstrap: [{name: 'b', address: '127.0.30.3', port}]});
		expect(found.map((step) => [step.name, step.source, step.status, step.records.map((r) => r.value)])).toEqual([
			['sub.example.test', 'authoritative', 'nodata', []],
			['example.test', 'bootstrap', 'nodata', []],
			['test', 'bootstrap', 'answer', ['ca.test']],
		]);
		expect(servers[1]!.queries.every((q) => q.rd && q.type === 'CAA')).toBe(true);

		const stopped = await walkCaa({name: 'app.sub.example.test', zone: 'sub.example.test', servers: [server], bootstrap: [{name: 'b', address: '127.0.30.4', port}]});
		expect(stopped.map((step) => [step.name, step.status])).toEqual([['sub.example.test', 'nodata'], ['example.test', 'refused']]);
	});
});
