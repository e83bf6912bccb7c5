import {afterEach, describe, expect, it} from 'vitest';
import {Watcher} from '../../../source/dns/watch-loop.js';
import {rr, startDnsServer, zoneHandler, type FakeDnsServer} from './fake-dns-server.js';

const running: FakeDnsServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('the watcher given its authoritative servers (a rehearsal\'s stand-ins)', () => {
	it('asks exactly those servers, each on its own port, finds the zone through them and never asks NS records', async () => {
		const zone = 'practice.test';
		// One address, two ports: what `--pitfall stale` runs on a practice server (ns2 still answers an old address).
		const ns1 = await startDnsServer(zoneHandler({zone, records: [rr.a('shop.practice.test', '10.77.0.2', 60)]}), '127.0.51.1');
		const ns2 = await startDnsServer(zoneHandler({zone, records: [rr.a('shop.practice.test', '192.0.2.10', 60)]}), '127.0.51.1');
		running.push(ns1, ns2);
		let clock = 1_000;
		const watcher = new Watcher({
			names: ['shop.practice.test'], expectAddress: '10.77.0.2', privateTargetOk: true, caaIdentities: [], caName: 'Pebble',
			publicResolvers: [], queryTimeoutMs: 500, clock: {now: () => (clock += 5), sleep: async () => {}} as never,
			authoritative: [{name: 'ns1', address: '127.0.51.1', port: ns1.port}, {name: 'ns2', address: '127.0.51.1', port: ns2.port}],
		});
		const round = await watcher.round();
		const view = round.names[0]!;
		expect(view.zone).toBe('practice.test');
		expect(view.ready).toBe(false);
		const rows = view.snapshot!.servers.map((row) => [row.name, row.status, row.answer.join(',')]);
		expect(rows).toEqual([['ns1', 'ok', '10.77.0.2'], ['ns2', 'wrong', '192.0.2.10']]);
		expect([...ns1.queries, ...ns2.queries].some((query) => query.type === 'NS')).toBe(false);
	});
});
