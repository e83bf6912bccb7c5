import {afterEach, describe, expect, it} from 'vitest';
import {watchRound, type WatchTarget} from '../../../source/dns/watch.js';
import {roundInterval} from '../../../source/dns/watch-loop.js';
import {rr, startServersOnOnePort, zoneHandler, type FakeDnsServer, type ZoneRecord} from './fake-dns-server.js';

const running: FakeDnsServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('roundInterval', () => {
	it('waits 2 s after each of the first five rounds, then backs off by half each round up to 30 s', () => {
		const schedule = Array.from({length: 14}, (_, index) => roundInterval(index + 1));
		expect(schedule).toEqual([2000, 2000, 2000, 2000, 2000, 3000, 4500, 6750, 10125, 15188, 22781, 30000, 30000, 30000]);
		expect(roundInterval(1000)).toBe(30_000);
		for (let attempt = 2; attempt < 50; attempt++) expect(roundInterval(attempt)).toBeGreaterThanOrEqual(roundInterval(attempt - 1));
	});
});

describe('watchRound', () => {
	const zone = 'example.test';

	/** ns1/ns2 authoritative (records given per server), r1/r2 resolvers (a cached answer each), b a bootstrap resolver. */
	async function world(ns1: ZoneRecord[], ns2: ZoneRecord[]) {
		const cached = (data: string, ttl: number) => zoneHandler({zone, aa: false, ra: true, records: [rr.a('app.example.test', data, ttl)]});
		const started = await startServersOnOnePort([
			{address: '127.0.50.1', handler: zoneHandler({zone, records: ns1})},
			{address: '127.0.50.2', handler: zoneHandler({zone, records: ns2})},
			{address: '127.0.50.3', handler: cached('10.77.0.2', 60)},
			{address: '127.0.50.4', handler: cached('198.51.100.4', 42)},
			{address: '127.0.50.5', handler: () => ({aa: false, ra: true, rcode: 'REFUSED'})},
		]);
		running.push(...started.servers);
		const [n1, n2, r1, r2, b] = started.servers;
		let clock = 1_000_000;
		const target: WatchTarget = {
			zone: {zone, nameservers: [
				{name: 'ns1.example.test', addresses: ['127.0.50.1'], glue: false},
				{name: 'ns2.example.test', addresses: ['127.0.50.2'], glue: false},
			]},
			name: 'app.example.test', expectAddress: '10.77.0.2', privateTargetOk: true, caaIdentities: [],
			publicResolvers: [{name: 'r1', address: '127.0.50.3', port: started.port}, {name: 'r2', address: '127.0.50.4', port: started.port}],
			bootstrap: [{name: 'bootstrap', address: '127.0.50.5', port: started.port}],
			port: started.port, timeoutMs: 300, now: () => (clock += 5),
		};
		return {target, n1: n1!, n2: n2!, r1: r1!, r2: r2!, b: b!};
	}

	it('does not ask the public resolvers while the authoritative servers disagree', async () => {
		const w = await world([rr.a('app.example.test', '10.77.0.2', 300)], []);
		const snapshot = await watchRound(w.target);
		expect(snapshot).toMatchObject({
			zone, ready: false, agree: false, negativeTtl: 30,
			record: {type: 'A', name: 'app.example.test', value: '10.77.0.2', suggestedTtl: 300},
		});
		expect(snapshot.servers).toEqual([
			{role: 'authoritative', name: 'ns1.example.test', address: '127.0.50.1', answer: ['10.77.0.2'], ttl: 300, status: 'ok', message: 'answers 10.77.0.2'},
			{role: 'authoritative', name: 'ns2.example.test', address: '127.0.50.2', answer: [], status: 'missing',
				message: 'not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)'},
		]);
		expect(snapshot.problems.map((p) => p.code)).toEqual(['DNS_NXDOMAIN']);
		expect(w.r1.queries).toEqual([]);
		expect(w.r2.queries).toEqual([]);
		expect(w.n1.queries.every((q) => !q.rd)).toBe(true);
		expect(w.n1.queries.map((q) => q.type).sort()).toEqual(['A', 'AAAA', 'CAA', 'CAA']); // the name, then the apex (CAA walk)
	});

	it('once they agree, adds public rows with countdowns for stale caches', async () => {
		const records = [rr.a('app.example.test', '10.77.0.2', 300)];
		const w = await world(records, records);
		const snapshot = await watchRound(w.target);
		expect(snapshot).toMatchObject({ready: true, agree: true, problems: []});
		expect(snapshot.negativeTtl).toBeUndefined();
		const publicRows = snapshot.servers.filter((s) => s.role === 'public');
		expect(publicRows.map((s) => [s.name, s.status, s.answer, s.ttl, s.message])).toEqual([
			['r1', 'current', ['10.77.0.2'], 60, 'up to date: 10.77.0.2'],
			['r2', 'stale', ['198.51.100.4'], 42, 'old answer expires in ≤ 42 s'],
		]);
		expect(publicRows[1]!.expiresAt).toBe(publicRows[1]!.seenAt! + 42_000);
		expect(w.r1.queries.map((q) => [q.name, q.type, q.rd])).toEqual([['app.example.test', 'A', true]]);
		expect(w.b.queries.map((q) => q.name)).toEqual(['test']); // CAA walk above the zone, stopped by REFUSED
	});

	it('names an NS without an address and never counts it as agreeing', async () => {
		const records = [rr.a('app.example.test', '10.77.0.2', 300)];
		const w = await world(records, records);
		const snapshot = await watchRound({...w.target, zone: {zone, nameservers: [...w.target.zone.nameservers, {name: 'ns3.example.org', addresses: [], glue: false, error: 'A NXDOMAIN'}]}});
		expect(snapshot).toMatchObject({ready: false, agree: false});
		expect(snapshot.servers.at(-1)).toMatchObject({name: 'ns3.example.org', status: 'error', message: 'no address: A NXDOMAIN'});
		expect(w.r1.queries).toEqual([]);
	});
});
