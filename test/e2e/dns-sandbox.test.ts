// The DNS watcher's modules against the sandbox DNS: knotd ns1/ns2 (authoritative, changed at runtime with
// dns-record.sh), unbound r1–r3 (caching resolvers standing in for public ones) and the bootstrap resolver.
// Every name is unique to this file; the records are removed (and the resolvers flushed) afterwards.
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {query} from '../../source/dns/client.js';
import {discoverZone, type ZoneInfo} from '../../source/dns/discovery.js';
import {countdownText} from '../../source/dns/public-view.js';
import {lookupAuthoritative} from '../../source/dns/records.js';
import {watchRound, type WatchSnapshot, type WatchTarget} from '../../source/dns/watch.js';
import {
	deleteDnsRecord, fillDnsRecords, flushResolvers, queriesSince, queryLogMark, setDnsRecord, syncQueryLogs, type DnsServer,
	type SandboxEnv,
} from '../sandbox/sandbox.js';

const env: SandboxEnv = inject('sandbox');
const zone = env.HOIST_SANDBOX_DNS_ZONE;
const server = env.HOIST_SANDBOX_EIP_ADDRESS; // 10.77.0.2: the address the record must hold
const [ns1 = '', ns2 = ''] = env.HOIST_SANDBOX_DNS_AUTHORITATIVE.split(',');
const resolvers = env.HOIST_SANDBOX_DNS_RESOLVERS.split(',').map((address, i) => ({name: `r${i + 1}`, address}));
const bootstrap = env.HOIST_SANDBOX_DNS_BOOTSTRAP;
const run = Date.now().toString(36);
const created: Array<[string, string]> = [];

/** A unique name in the sandbox zone, removed again after the file. */
function fresh(label: string): string {
	const name = `${label}-${run}.${zone}`;
	for (const type of ['A', 'AAAA', 'CAA', 'CNAME', 'TXT']) created.push([name, type]);
	return name;
}

let discovered: ZoneInfo;

function target(name: string, extra: Partial<WatchTarget> = {}): WatchTarget {
	return {
		zone: discovered, name, expectAddress: server, privateTargetOk: true, caaIdentities: ['letsencrypt.org'],
		publicResolvers: resolvers, bootstrap: [{name: 'bootstrap', address: bootstrap}], timeoutMs: 2000, ...extra,
	};
}

function row(snapshot: WatchSnapshot, name: string) {
	const found = snapshot.servers.find((entry) => entry.name === name);
	if (!found) throw new Error(`no row ${name} in ${JSON.stringify(snapshot.servers)}`);
	return found;
}

beforeAll(async () => {
	await flushResolvers('all');
	discovered = await discoverZone({name: `app.${zone}`, bootstrap: [bootstrap], timeoutMs: 2000});
});

afterAll(async () => {
	for (const [name, type] of created) await deleteDnsRecord('auth', name, type);
	await flushResolvers('all');
});

describe('zone discovery through the bootstrap resolver', () => {
	it('finds the zone of app.example.test, its NS names and their addresses', () => {
		expect(discovered.zone).toBe(zone);
		expect(discovered.resolver).toBe(bootstrap);
		expect(discovered.soa.minimum).toBe(30);
		expect(discovered.nameservers).toEqual([
			// unbound sends the NS addresses in the additional section: no A/AAAA queries needed
			{name: `ns1.${zone}`, addresses: [ns1], glue: true},
			{name: `ns2.${zone}`, addresses: [ns2], glue: true},
		]);
	});

	it('reports a zone whose servers fail as SERVFAIL', async () => {
		await expect(discoverZone({name: `app.${env.HOIST_SANDBOX_DNS_SERVFAIL_ZONE}`, bootstrap: [bootstrap], timeoutMs: 3000}))
			.rejects.toMatchObject({code: 'DNS_ZONE_SERVFAIL', kind: 'user'});
	});
});

describe('watch rounds against the sandbox', () => {
	it('sees a record that is absent, then added at runtime, on the next round', async () => {
		const name = fresh('added');
		const before = await watchRound(target(name));
		expect(before).toMatchObject({ready: false, agree: false, zone, negativeTtl: 30});
		expect(before.servers.map((s) => [s.name, s.status, s.message])).toEqual([
			[`ns1.${zone}`, 'missing', 'not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)'],
			[`ns2.${zone}`, 'missing', 'not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)'],
		]);
		expect(before.problems.map((p) => p.code)).toEqual(['DNS_NXDOMAIN', 'DNS_NXDOMAIN']);

		await setDnsRecord('auth', name, 'A', server, 120);
		const after = await watchRound(target(name));
		expect(after).toMatchObject({ready: true, agree: true, problems: []});
		expect(after.servers.filter((s) => s.role === 'authoritative').map((s) => [s.status, s.answer, s.ttl])).toEqual([
			['ok', [server], 120], ['ok', [server], 120],
		]);
		// the resolvers had never been asked, so they fetch the new record now
		expect(after.servers.filter((s) => s.role === 'public').map((s) => [s.name, s.status, s.message])).toEqual(
			resolvers.map((r) => [r.name, 'current', `up to date: ${server}`]));
	});

	it('never asks the public resolvers before the authoritative servers agree (their query logs)', async () => {
		const name = fresh('logs');
		const mark = await queryLogMark();
		await watchRound(target(name)); // absent everywhere
		await setDnsRecord('ns1', name, 'A', server);
		const lagging = await watchRound(target(name)); // ns2 still lags
		expect(lagging.agree).toBe(false);
		await syncQueryLogs();
		for (const r of ['r1', 'r2', 'r3'] as DnsServer[]) expect(await queriesSince(mark, r, {name}), r).toEqual([]);
		for (const ns of ['ns1', 'ns2'] as DnsServer[]) {
			const seen = await queriesSince(mark, ns, {name, sync: false});
			expect(seen.filter((q) => q.type === 'A' && q.client === '127.0.0.1'), ns).toHaveLength(2); // one per round, from hoist
			expect(seen.filter((q) => q.client !== '127.0.0.1'), ns).toEqual([]); // no resolver asked on someone's behalf
		}

		await setDnsRecord('ns2', name, 'A', server);
		const agreedAt = Date.now();
		const agreed = await watchRound(target(name));
		expect(agreed).toMatchObject({agree: true, ready: true});
		for (const r of ['r1', 'r2', 'r3'] as DnsServer[]) {
			const seen = await queriesSince(mark, r, {name});
			expect(seen.map((q) => [q.type, q.client]), r).toEqual([['A', '127.0.0.1']]);
			expect(seen[0]!.at, r).toBeGreaterThanOrEqual(Math.floor(agreedAt / 1000) * 1000); // unbound logs whole seconds
		}
		// and the resolvers fetched it from the authoritative servers only then, from their own addresses
		await syncQueryLogs();
		const upstream = [...await queriesSince(mark, 'ns1', {name, sync: false}), ...await queriesSince(mark, 'ns2', {name, sync: false})]
			.filter((q) => resolvers.some((r) => r.address === q.client));
		expect(upstream.length).toBeGreaterThanOrEqual(3);
		expect(Math.min(...upstream.map((q) => q.at))).toBeGreaterThanOrEqual(agreedAt);
	});

	it('names the authoritative server that still answers the old address', async () => {
		const name = fresh('lagging');
		await setDnsRecord('ns1', name, 'A', server);
		await setDnsRecord('ns2', name, 'A', '10.77.0.9');
		const snapshot = await watchRound(target(name));
		expect(snapshot).toMatchObject({ready: false, agree: false});
		expect(row(snapshot, `ns1.${zone}`)).toMatchObject({status: 'ok', answer: [server]});
		expect(row(snapshot, `ns2.${zone}`)).toMatchObject({status: 'wrong', answer: ['10.77.0.9'], message: `ns2.${zone} still answers 10.77.0.9 (private (RFC 1918))`});
		expect(snapshot.problems).toEqual([expect.objectContaining({code: 'DNS_A_STALE', server: `ns2.${zone}`})]);
		expect(snapshot.servers.some((s) => s.role === 'public')).toBe(false);
	});

	it('blocks on a stale AAAA record', async () => {
		const name = fresh('aaaa');
		await setDnsRecord('auth', name, 'A', server);
		await setDnsRecord('auth', name, 'AAAA', '2001:db8::1');
		const snapshot = await watchRound(target(name));
		expect(snapshot).toMatchObject({ready: false, agree: true});
		expect(snapshot.problems).toEqual([expect.objectContaining({
			code: 'DNS_AAAA_ELSEWHERE', message: 'AAAA 2001:db8::1 would be tried by Let\'s Encrypt first: delete it or point it at the server',
		})]);
		await deleteDnsRecord('auth', name, 'AAAA');
		expect((await watchRound(target(name))).ready).toBe(true);
	});

	it('blocks on a CAA record that forbids the CA, at the name or found by walking up', async () => {
		const name = fresh('caa');
		await setDnsRecord('auth', name, 'A', server);
		await setDnsRecord('auth', name, 'CAA', '0 issue "digicert.com"');
		const atName = await watchRound(target(name));
		expect(atName.ready).toBe(false);
		expect(atName.problems).toEqual([expect.objectContaining({
			code: 'DNS_CAA_FORBIDS', message: `CAA on ${name} allows only digicert.com: Let's Encrypt (letsencrypt.org) may not issue`,
		})]);
		expect((await watchRound(target(name, {caaIdentities: []}))).problems[0]).toMatchObject({code: 'DNS_CAA_OTHER_CA', severity: 'warning'});

		const child = `www.${name}`;
		created.push([child, 'A']);
		await setDnsRecord('auth', child, 'A', server);
		const walked = await watchRound(target(child));
		expect(walked.problems).toEqual([expect.objectContaining({code: 'DNS_CAA_FORBIDS', message: expect.stringContaining(`CAA on ${name} allows only digicert.com`)})]);

		await setDnsRecord('auth', name, 'CAA', '0 issue "letsencrypt.org"');
		expect((await watchRound(target(child))).ready).toBe(true);
	});

	it('follows a CNAME chain inside the zone, and refuses one that leaves it', async () => {
		const start = fresh('chain-a');
		const middle = fresh('chain-b');
		const end = fresh('chain-end');
		await setDnsRecord('auth', end, 'A', server);
		await setDnsRecord('auth', middle, 'CNAME', `${end}.`);
		await setDnsRecord('auth', start, 'CNAME', `${middle}.`);
		const snapshot = await watchRound(target(start));
		expect(snapshot.ready).toBe(true);
		expect(row(snapshot, `ns1.${zone}`).message).toBe(`answers ${server} (via CNAME ${middle} → ${end})`);

		const away = fresh('chain-away');
		await setDnsRecord('auth', away, 'CNAME', 'lb.elsewhere.invalid.');
		const out = await watchRound(target(away));
		expect(out.problems.map((p) => [p.code, p.message])).toEqual([
			['DNS_CNAME_OUT_OF_ZONE', `${away} is a CNAME to lb.elsewhere.invalid, outside ${zone}`],
			['DNS_CNAME_OUT_OF_ZONE', `${away} is a CNAME to lb.elsewhere.invalid, outside ${zone}`],
		]);
	});

	it('reports SERVFAIL from both servers of a zone that does not load', async () => {
		const servfailZone = env.HOIST_SANDBOX_DNS_SERVFAIL_ZONE;
		const snapshot = await watchRound(target(`app.${servfailZone}`, {zone: {...discovered, zone: servfailZone}}));
		expect(snapshot).toMatchObject({ready: false, agree: false});
		expect(snapshot.problems.map((p) => [p.code, p.message])).toEqual([
			['DNS_SERVFAIL', `ns1.${zone} (${ns1}) answers SERVFAIL for app.${servfailZone} A`],
			['DNS_SERVFAIL', `ns2.${zone} (${ns2}) answers SERVFAIL for app.${servfailZone} A`],
		]);
	});

	it('names a dead authoritative server (nothing listens on 127.0.0.9) and is not ready while it is listed', async () => {
		const name = fresh('dead');
		await setDnsRecord('auth', name, 'A', server);
		const withDead = {...discovered, nameservers: [...discovered.nameservers, {name: `ns3.${zone}`, addresses: ['127.0.0.9'], glue: false}]};
		const started = Date.now();
		const snapshot = await watchRound(target(name, {zone: withDead}));
		expect(Date.now() - started).toBeLessThan(1500); // refused at once: no waiting for a timeout
		expect(snapshot).toMatchObject({ready: false, agree: false});
		expect(row(snapshot, `ns3.${zone}`)).toMatchObject({status: 'error', address: '127.0.0.9'});
		expect(snapshot.problems).toEqual([expect.objectContaining({
			code: 'DNS_SERVER_UNREACHABLE', server: `ns3.${zone}`,
			message: `ns3.${zone} (127.0.0.9) cannot be reached: 127.0.0.9 refused the connection (UDP): no DNS server listens there`,
		})]);
	});

	it('retries a truncated answer over TCP', async () => {
		const name = fresh('big');
		await fillDnsRecords('auth', name, 300, 'A');
		const direct = await query({server: ns1, name, type: 'A', recursion: false});
		expect(direct).toMatchObject({tcp: true, aa: true, rcode: 'NOERROR'});
		expect(direct.answers).toHaveLength(300);
		const lookup = await lookupAuthoritative({server: {name: 'ns2', address: ns2}, name, type: 'A', zone});
		expect(lookup).toMatchObject({status: 'answer', tcp: true});
		const snapshot = await watchRound(target(name, {expectAddress: '10.78.0.0'}));
		expect(snapshot.problems.map((p) => p.code)).toEqual(['DNS_A_EXTRA', 'DNS_A_EXTRA']);
		expect(row(snapshot, `ns1.${zone}`).answer).toHaveLength(300);
	});

	it('shows a public resolver\'s cached old answer with a countdown', async () => {
		const name = fresh('stale');
		await setDnsRecord('auth', name, 'A', '10.77.0.9', 60);
		await flushResolvers('resolvers', name);
		// Users' resolvers looked the name up while it still had the old address.
		for (const r of resolvers.slice(0, 2)) await query({server: r.address, name, type: 'A', recursion: true});
		await setDnsRecord('auth', name, 'A', server, 60);
		await new Promise((resolve) => setTimeout(resolve, 2100));

		const snapshot = await watchRound(target(name));
		expect(snapshot).toMatchObject({ready: true, agree: true});
		const publicRows = snapshot.servers.filter((s) => s.role === 'public');
		expect(publicRows.map((s) => [s.name, s.status, s.answer])).toEqual([
			['r1', 'stale', ['10.77.0.9']], ['r2', 'stale', ['10.77.0.9']], ['r3', 'current', [server]],
		]);
		const r1 = row(snapshot, 'r1');
		expect(r1.ttl).toBeLessThanOrEqual(58);
		expect(r1.ttl).toBeGreaterThan(40);
		expect(r1.message).toBe(`old answer expires in ≤ ${r1.ttl} s`);
		expect(r1.expiresAt).toBe(r1.seenAt! + r1.ttl! * 1000);
		// the countdown moves with the clock, without asking again
		expect(countdownText({resolver: resolvers[0]!, status: 'stale', answer: r1.answer, ttl: r1.ttl!, seenAt: r1.seenAt!}, r1.seenAt! + 10_000))
			.toBe(`old answer expires in ≤ ${r1.ttl! - 10} s`);
	});
});
