import {afterEach, describe, expect, it} from 'vitest';
import {countdownText, expiresAt, queryPublicView, secondsLeft, type PublicRow} from '../../../source/dns/public-view.js';
import {soaRecord, startServersOnOnePort, type FakeDnsServer, type Handler} from './fake-dns-server.js';

const running: FakeDnsServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.close()));
});

const resolver = {name: 'r1', address: '127.0.40.1'};
const row = (extra: Partial<PublicRow>): PublicRow => ({resolver, status: 'stale', answer: ['198.51.100.4'], ttl: 42, seenAt: 1_000_000, ...extra});

describe('countdown helpers', () => {
	it('counts the TTL down from the moment the answer was seen', () => {
		const stale = row({});
		expect(secondsLeft(stale, 1_000_000)).toBe(42);
		expect(secondsLeft(stale, 1_000_500)).toBe(42); // rounds up: "≤ 42 s" stays true
		expect(secondsLeft(stale, 1_001_000)).toBe(41);
		expect(secondsLeft(stale, 1_050_000)).toBe(0);
		expect(secondsLeft(row({ttl: undefined}), 1_000_000)).toBe(0);
		expect(expiresAt(stale)).toBe(1_042_000);
		expect(expiresAt(row({ttl: undefined}))).toBeUndefined();
	});

	it('says what each row means', () => {
		expect(countdownText(row({}), 1_000_000)).toBe('old answer expires in ≤ 42 s');
		expect(countdownText(row({}), 1_030_000)).toBe('old answer expires in ≤ 12 s');
		expect(countdownText(row({}), 1_043_000)).toBe('old answer has expired: the next query gets the new one');
		expect(countdownText(row({ttl: 3600}), 1_000_000)).toBe('old answer expires in ≤ 60 min');
		expect(countdownText(row({status: 'missing', answer: [], ttl: 30}), 1_018_000)).toBe('cached as missing, expires in ≤ 12 s');
		expect(countdownText(row({status: 'missing', answer: [], ttl: 30}), 1_031_000)).toBe('negative answer has expired: the next query gets the new one');
		expect(countdownText(row({status: 'missing', answer: [], ttl: undefined}), 1_000_000)).toBe('cached as missing');
		expect(countdownText(row({status: 'current', answer: ['10.77.0.2']}), 1_000_000)).toBe('up to date: 10.77.0.2');
		expect(countdownText(row({status: 'error', answer: [], rcode: 'SERVFAIL', error: 'SERVFAIL'}), 1_000_000)).toBe('no answer: SERVFAIL');
	});
});

describe('queryPublicView', () => {
	it('asks each resolver with recursion on and sorts answers into current, stale, missing and error', async () => {
		const answer = (data: string, ttl: number): Handler => (q) => ({aa: false, ra: true, answers: [{name: q.name, type: 'A', ttl, data}]});
		const negative: Handler = () => ({aa: false, ra: true, rcode: 'NXDOMAIN', authorities: [{...soaRecord('example.test', 17, 30), ttl: 17}]});
		const {port, servers} = await startServersOnOnePort([
			{address: '127.0.40.1', handler: answer('10.77.0.2', 55)},
			{address: '127.0.40.2', handler: answer('198.51.100.4', 42)},
			{address: '127.0.40.3', handler: negative},
			{address: '127.0.40.4', handler: () => ({aa: false, ra: true, rcode: 'SERVFAIL'})},
			{address: '127.0.40.5', handler: () => ({drop: true})},
		]);
		running.push(...servers);
		const rows = await queryPublicView({
			resolvers: servers.map((server, i) => ({name: `r${i + 1}`, address: server.address, port})),
			name: 'app.example.test', expectAddress: '10.77.0.2', timeoutMs: 200, now: () => 5000,
		});
		expect(rows.map((r) => [r.resolver.name, r.status, r.answer, r.ttl])).toEqual([
			['r1', 'current', ['10.77.0.2'], 55],
			['r2', 'stale', ['198.51.100.4'], 42],
			['r3', 'missing', [], 17],
			['r4', 'error', [], undefined],
			['r5', 'error', [], undefined],
		]);
		expect(rows.every((r) => r.seenAt === 5000)).toBe(true);
		expect(rows[4]?.error).toMatch(/did not answer/);
		expect(servers.slice(0, 4).every((server) => server.queries.length === 1 && server.queries[0]?.rd === true)).toBe(true);
	});
});
