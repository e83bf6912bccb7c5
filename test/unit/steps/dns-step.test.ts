import {describe, expect, it} from 'vitest';
import {configSchema, type Config} from '../../../source/config/schema.js';
import type {DnsServerDetail, DnsSummaryDetail} from '../../../source/engine/details.js';
import {detailLine} from '../../../source/engine/details.js';
import {UserError} from '../../../source/errors.js';
import type {Target} from '../../../source/remote/target.js';
import {dnsPlan} from '../../../source/dns/dns-plan.js';
import {dns, type DnsOutputs} from '../../../steps/dns.js';
import {harnessPerTest, type HarnessOptions} from '../../helpers/step-context.js';
import {fakeWorld, type FakeWorld} from '../dns/fake-query.js';

const setup = harnessPerTest();
const zone = 'example.test';
const domain = `app.${zone}`;
const address = '44.192.0.10'; // public-looking; nothing is ever sent to it (the DNS world is a function)
const ns1 = `ns1.${zone}`;
const ns2 = `ns2.${zone}`;

function config(extra: Record<string, unknown> = {}, dnsSettings: Record<string, unknown> = {}): Config {
	return configSchema.parse({
		stack: 'demo', domain, compose: {service: 'web', port: 8080}, aws: {sshCidr: '203.0.113.7/32'},
		dns: {resolvers: ['127.0.60.7'], publicResolvers: ['127.0.60.4', '127.0.60.5'], timeoutMinutes: 1, ...dnsSettings},
		...extra,
	});
}

function target(publicAddress = address): Target {
	return {kind: 'aws', host: publicAddress, port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-1', publicAddress};
}

function world(): FakeWorld {
	return fakeWorld({zone, nameservers: {[ns1]: '127.0.60.2', [ns2]: '127.0.60.3'}, bootstrap: '127.0.60.7', publicResolvers: ['127.0.60.4', '127.0.60.5']});
}

function context(options: HarnessOptions & {previous?: DnsOutputs; target?: Target}) {
	const h = setup(options);
	return {h, ctx: h.context(dns, {outputs: {target: options.target ?? target()}, ...(options.previous ? {previous: options.previous} : {})})};
}

const summaries = (details: unknown[]) => details.filter((d): d is DnsSummaryDetail => (d as {kind: string}).kind === 'dns-summary');
const rows = (details: unknown[]) => details.filter((d): d is DnsServerDetail => (d as {kind: string}).kind === 'dns-server');
const publicQueries = (w: FakeWorld) => w.log.filter((q) => q.server === '127.0.60.4' || q.server === '127.0.60.5');

describe('the dns step', () => {
	it('waits while the record is absent (negative TTL shown), names the lagging server, and is ready on the round after both have it', async () => {
		const w = world();
		let sleeps = 0;
		const publicBeforeReady: number[] = [];
		const {h, ctx} = context({
			config: config(), dnsQuery: w.query,
			onSleep: () => {
				sleeps++;
				publicBeforeReady.push(publicQueries(w).length);
				if (sleeps === 3) w.set(domain, 'A', [address], {server: ns1});
				if (sleeps === 5) w.set(domain, 'A', [address], {server: ns2});
			},
		});
		const out = await dns.run(ctx);
		expect(out).toMatchObject({status: 'ready', address, names: [domain], zones: {[domain]: zone}});
		// Round 6 ran right after the change: the first 2 s wait after it, not later.
		expect(h.sleeps).toEqual([2000, 2000, 2000, 2000, 2000]);
		expect(publicBeforeReady).toEqual([0, 0, 0, 0, 0]);
		expect(publicQueries(w)).toHaveLength(2); // one per public resolver, in the ready round

		const waiting = summaries(h.details);
		expect(waiting[0]).toMatchObject({
			state: 'waiting', round: 1, negativeTtl: 30, nextPollAt: waiting[0]!.at + 2000,
			record: {type: 'A', name: domain, value: address, ttl: 300},
		});
		expect(waiting[0]!.missing.map((m) => [m.code, m.server])).toEqual([['DNS_NXDOMAIN', ns1], ['DNS_NXDOMAIN', ns2]]);
		const lagging = waiting.find((s) => s.round === 4)!;
		expect(lagging.missing.map((m) => m.server)).toEqual([ns2]);
		expect(detailLine(lagging)).toContain(`${ns2} (127.0.60.3): not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)`);
		expect(waiting.at(-1)).toMatchObject({state: 'ready', round: 6, missing: []});

		const lastRows = rows(h.details).filter((r) => r.round === 6);
		expect(lastRows.map((r) => [r.role, r.server, r.status])).toEqual([
			['authoritative', ns1, 'ok'], ['authoritative', ns2, 'ok'], ['public', '127.0.60.4', 'current'], ['public', '127.0.60.5', 'current'],
		]);
		expect(rows(h.details).some((r) => r.role === 'public' && r.round < 6)).toBe(false);
	});

	it('shows a public resolver\'s stale answer with its TTL, once the authoritative servers agree', async () => {
		const w = world();
		w.set(domain, 'A', [address]);
		w.cache('127.0.60.4', domain, ['198.51.100.4'], 42);
		const {h, ctx} = context({config: config(), dnsQuery: w.query});
		await dns.run(ctx);
		const stale = rows(h.details).find((r) => r.server === '127.0.60.4')!;
		expect(stale).toMatchObject({role: 'public', status: 'stale', answer: ['198.51.100.4'], ttl: 42, message: 'old answer expires in ≤ 42 s', expiresAt: stale.seenAt! + 42_000});
		expect(detailLine(stale)).toBe(`public 127.0.60.4 for ${domain}: stale, 198.51.100.4 TTL 42 s, old answer expires in ≤ 42 s`);
	});

	it('gives up after dns.timeoutMinutes with the first problem, its fix and how to resume', async () => {
		const w = world();
		w.set(domain, 'A', [address], {server: ns1});
		w.set(domain, 'A', ['198.51.100.4'], {server: ns2});
		const {h, ctx} = context({config: config({}, {timeoutMinutes: 0.1}), dnsQuery: w.query});
		const error = await dns.run(ctx).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({
			code: 'DNS_NOT_READY',
			message: `DNS for ${domain} is not ready after 6 s: ${ns2} still answers 198.51.100.4 (documentation (TEST-NET-2))`,
			nextSteps: [
				`Set ${domain} A ${address} at your DNS provider (and remove 198.51.100.4).`,
				'When it is fixed, run `hoist up` again: it resumes at this step (`hoist dns` watches DNS alone).',
				'hoist waits 6 s for DNS (dns.timeoutMinutes in hoist.yml).',
			],
		});
		expect(h.sleeps).toEqual([2000, 2000, 2000]);
		expect(summaries(h.details).at(-1)).toMatchObject({state: 'timeout', round: 4});
		expect(publicQueries(w)).toEqual([]);
	});

	it('watches every alias too, and blocks on a CAA record that forbids the CA', async () => {
		const w = world();
		w.set(domain, 'A', [address]);
		w.set(`www.${domain}`, 'A', [address]);
		w.set(zone, 'CAA', ['0 issue "digicert.com"']);
		const {h, ctx} = context({config: config({aliases: [`www.${domain}`]}, {timeoutMinutes: 0.05}), dnsQuery: w.query});
		await expect(dns.run(ctx)).rejects.toMatchObject({code: 'DNS_NOT_READY', message: expect.stringContaining(`CAA on ${zone} allows only digicert.com: Let's Encrypt (letsencrypt.org) may not issue`)});
		expect(summaries(h.details).map((s) => s.name)).toEqual(expect.arrayContaining([domain, `www.${domain}`]));
	});

	it('with routes: waits for every name of every route, one row group each, and records them all', async () => {
		const w = world();
		const admin = `admin.${domain}`;
		w.set(domain, 'A', [address]);
		const routes = [{service: 'web', port: 8080, domains: [domain]}, {service: 'web', port: 8080, domains: [domain], path: '/api'}, {service: 'admin', port: 8080, domains: [admin]}];
		const routed = configSchema.parse({...config(), domain: undefined, aliases: undefined, compose: undefined, routes});
		const {h, ctx} = context({config: routed, dnsQuery: w.query, onSleep: () => w.set(admin, 'A', [address])});
		expect(await dns.run(ctx)).toMatchObject({status: 'ready', names: [domain, admin]});
		const first = summaries(h.details).filter((s) => s.round === 1);
		expect(first.map((s) => [s.name, s.state, s.record.name])).toEqual([[domain, 'ready', domain], [admin, 'waiting', admin]]);
	});

	it('says which server never answers', async () => {
		const w = world();
		w.set(domain, 'A', [address]);
		w.kill('127.0.60.3');
		const {h, ctx} = context({config: config({}, {timeoutMinutes: 0.03}), dnsQuery: w.query});
		await expect(dns.run(ctx)).rejects.toMatchObject({code: 'DNS_NOT_READY'});
		expect(rows(h.details).find((r) => r.server === ns2)).toMatchObject({status: 'error', message: `${ns2} (127.0.60.3) does not answer (no reply within 2 s)`});
	});

	it('check: done when every server answers (keeping the recorded time), not done otherwise', async () => {
		const w = world();
		const previous: DnsOutputs = {status: 'ready', address, names: [domain], zones: {[domain]: zone}, confirmedAt: '2026-01-01T00:00:00.000Z'};
		const first = context({config: config(), dnsQuery: w.query, previous});
		expect(await dns.check(first.ctx)).toBeUndefined();
		w.set(domain, 'A', [address]);
		expect(await dns.check(first.ctx)).toEqual(previous);
		expect(first.h.details).toEqual([]);
	});

	it('skips a private address, saying why, unless dns.expectAddress names the address to watch for', async () => {
		const w = world();
		const {h, ctx} = context({config: config(), dnsQuery: w.query, target: target('10.77.0.2')});
		const out = await dns.run(ctx);
		expect(out).toEqual({
			status: 'skipped', address: '10.77.0.2', names: [], zones: {},
			reason: '10.77.0.2 is not a public address (private (RFC 1918)): no public CA can reach it, so hoist skips the DNS and certificate steps (set dns.expectAddress in hoist.yml to the address the A record must hold to watch DNS anyway)',
		});
		expect(h.logs).toEqual([out.reason]);
		expect(w.log).toEqual([]);
		expect(dns.summary!(out)).toMatch(/^skipped: 10\.77\.0\.2 is not a public address/);
		// Skipping again is "already done"; a different reason is not.
		expect(await dns.check(context({config: config(), target: target('10.77.0.2'), previous: out}).ctx)).toEqual(out);
		expect(await dns.check(context({config: config(), target: target('192.168.1.5'), previous: out}).ctx)).toBeUndefined();

		expect(dnsPlan(config({}, {expectAddress: '10.77.0.2'}), target('10.77.0.2'))).toEqual({address: '10.77.0.2', privateTargetOk: true});
		expect(dnsPlan(config(), {publicAddress: 'vm.example.test'}).skip).toMatch(/^the server is reached as vm\.example\.test, not by an IPv4 address/);
		w.set(domain, 'A', ['10.77.0.2']);
		const watched = context({config: config({}, {expectAddress: '10.77.0.2'}), dnsQuery: w.query, target: target('10.77.0.2')});
		expect(await dns.run(watched.ctx)).toMatchObject({status: 'ready', address: '10.77.0.2'});
	});
});
