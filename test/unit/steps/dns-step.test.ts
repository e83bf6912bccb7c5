import {describe, expect, it} from 'vitest';
import {configSchema, type Config} from '../../../source/config/schema.js';
import {isDnsServer, isDnsSummary, type DnsServerData, type DnsSummaryData} from '../../../source/dns/watch-details.js';
import type {DetailRow} from '../../../source/engine/details.js';
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

/** The step's DNS summaries and server rows: their data with their plain line. */
const summaries = (details: DetailRow[]): Array<DnsSummaryData & {line: string}> => details.filter(isDnsSummary).map((d) => ({...d.data, line: d.line}));
const rows = (details: DetailRow[]): Array<DnsServerData & {line: string}> => details.filter(isDnsServer).map((d) => ({...d.data, line: d.line}));
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

		const waiting = summaries(h.detailRows);
		expect(waiting[0]).toMatchObject({
			state: 'waiting', round: 1, negativeTtl: 30, nextPollAt: waiting[0]!.at + 2000,
			record: {type: 'A', name: domain, value: address, ttl: 300},
		});
		expect(waiting[0]!.missing.map((m) => [m.code, m.server])).toEqual([['DNS_NXDOMAIN', ns1], ['DNS_NXDOMAIN', ns2]]);
		const lagging = waiting.find((s) => s.round === 4)!;
		expect(lagging.missing.map((m) => m.server)).toEqual([ns2]);
		expect(lagging.line).toContain(`${ns2} (127.0.60.3): not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)`);
		expect(waiting.at(-1)).toMatchObject({state: 'ready', round: 6, missing: []});

		const lastRows = rows(h.detailRows).filter((r) => r.round === 6);
		expect(lastRows.map((r) => [r.role, r.server, r.status])).toEqual([
			['authoritative', ns1, 'ok'], ['authoritative', ns2, 'ok'], ['public', '127.0.60.4', 'current'], ['public', '127.0.60.5', 'current'],
		]);
		expect(rows(h.detailRows).some((r) => r.role === 'public' && r.round < 6)).toBe(false);
	});

	it('shows a public resolver\'s stale answer with its TTL, once the authoritative servers agree', async () => {
		const w = world();
		w.set(domain, 'A', [address]);
		w.cache('127.0.60.4', domain, ['198.51.100.4'], 42);
		const {h, ctx} = context({config: config(), dnsQuery: w.query});
		await dns.run(ctx);
		const stale = rows(h.detailRows).find((r) => r.server === '127.0.60.4')!;
		expect(stale).toMatchObject({role: 'public', status: 'stale', answer: ['198.51.100.4'], ttl: 42, message: 'old answer expires in ≤ 42 s', expiresAt: stale.seenAt! + 42_000});
		expect(stale.line).toBe(`public 127.0.60.4 for ${domain}: stale, 198.51.100.4 TTL 42 s, old answer expires in ≤ 42 s`);
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
				{text: `Set ${domain} A ${address} at your DNS provider (and remove 198.51.100.4).`},
				{text: 'When it is fixed, run `hoist up` again: it resumes at this step.', command: 'hoist up'},
				{text: 'Meanwhile `hoist dns` shows what each server answers.', command: 'hoist dns'},
				{text: 'hoist waits 6 s for DNS (dns.timeoutMinutes in hoist.yml).'},
			],
		});
		expect(h.sleeps).toEqual([2000, 2000, 2000]);
		expect(summaries(h.detailRows).at(-1)).toMatchObject({state: 'timeout', round: 4});
		expect(publicQueries(w)).toEqual([]);
	});

	it('watches every alias too, and blocks on a CAA record that forbids the CA', async () => {
		const w = world();
		w.set(domain, 'A', [address]);
		w.set(`www.${domain}`, 'A', [address]);
		w.set(zone, 'CAA', ['0 issue "digicert.com"']);
		const {h, ctx} = context({config: config({aliases: [`www.${domain}`]}, {timeoutMinutes: 0.05}), dnsQuery: w.query});
		await expect(dns.run(ctx)).rejects.toMatchObject({code: 'DNS_NOT_READY', message: expect.stringContaining(`CAA on ${zone} allows only digicert.com: Let's Encrypt (letsencrypt.org) may not issue`)});
		expect(summaries(h.detailRows).map((s) => s.name)).toEqual(expect.arrayContaining([domain, `www.${domain}`]));
	});

	it('with routes: waits for every name of every route, one row group each, and records them all', async () => {
		const w = world();
		const admin = `admin.${domain}`;
		w.set(domain, 'A', [address]);
		const routes = [{service: 'web', port: 8080, domains: [domain]}, {service: 'web', port: 8080, domains: [domain], path: '/api'}, {service: 'admin', port: 8080, domains: [admin]}];
		const routed = configSchema.parse({...config(), domain: undefined, aliases: undefined, compose: undefined, routes});
		const {h, ctx} = context({config: routed, dnsQuery: w.query, onSleep: () => w.set(admin, 'A', [address])});
		expect(await dns.run(ctx)).toMatchObject({status: 'ready', names: [domain, admin]});
		const first = summaries(h.detailRows).filter((s) => s.round === 1);
		expect(first.map((s) => [s.name, s.state, s.record.name])).toEqual([[domain, 'ready', domain], [admin, 'waiting', admin]]);
	});

	it('says which server never answers', async () => {
		const w = world();
		w.set(domain, 'A', [address]);
		w.kill('127.0.60.3');
		const {h, ctx} = context({config: config({}, {timeoutMinutes: 0.03}), dnsQuery: w.query});
		await expect(dns.run(ctx)).rejects.toMatchObject({code: 'DNS_NOT_READY'});
		expect(rows(h.detailRows).find((r) => r.server === ns2)).toMatchObject({status: 'error', message: `${ns2} (127.0.60.3) does not answer (no reply within 2 s)`});
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

	it('skips a private address with a public CA, saying why and the ways out, unless dns.expectAddress names the address to watch for', async () => {
		const w = world();
		const {h, ctx} = context({config: config(), dnsQuery: w.query, target: target('10.77.0.2')});
		const out = await dns.run(ctx);
		expect(out).toEqual({
			status: 'skipped', address: '10.77.0.2', names: [], zones: {},
			reason: '10.77.0.2 is not a public address (private (RFC 1918)): Let\'s Encrypt cannot reach it, so hoist skips the DNS and certificate steps (for HTTPS: set acme.directory to an ACME CA on the same network, such as step-ca, or dns.expectAddress to the public address that forwards to this server)',
		});
		expect(h.logs).toEqual([out.reason]);
		expect(w.log).toEqual([]);
		expect(dns.summary!(out)).toMatch(/^skipped: 10\.77\.0\.2 is not a public address/);
		// Skipping again is "already done"; a different reason is not.
		expect(await dns.check(context({config: config(), target: target('10.77.0.2'), previous: out}).ctx)).toEqual(out);
		expect(await dns.check(context({config: config(), target: target('192.168.1.5'), previous: out}).ctx)).toBeUndefined();

		expect(await dnsPlan(config({}, {expectAddress: '10.77.0.2'}), target('10.77.0.2'))).toEqual({watch: true, address: '10.77.0.2', privateTargetOk: true});
		w.set(domain, 'A', ['10.77.0.2']);
		const watched = context({config: config({}, {expectAddress: '10.77.0.2'}), dnsQuery: w.query, target: target('10.77.0.2')});
		expect(await dns.run(watched.ctx)).toMatchObject({status: 'ready', address: '10.77.0.2'});
	});

	it('watches a private address when the ACME CA is on a private network too (no dns.expectAddress), and says the public view may stay empty', async () => {
		const w = world();
		const pebble = {acme: {directory: 'https://10.77.0.1:14000/dir'}};
		// The public resolvers know nothing of the private zone: "does not exist", for an hour.
		for (const resolver of ['127.0.60.4', '127.0.60.5']) w.cache(resolver, domain, [], 3600);
		let sleeps = 0;
		const {h, ctx} = context({config: config(pebble), dnsQuery: w.query, target: target('10.77.0.2'), onSleep: () => {
			if (++sleeps === 1) w.set(domain, 'A', ['10.77.0.2']);
		}});
		expect(await dns.run(ctx)).toMatchObject({status: 'ready', address: '10.77.0.2', names: [domain]});
		expect(h.logs[0]).toMatch(/^10\.77\.0\.2 is not a public address \(private \(RFC 1918\)\), but the ACME CA at 10\.77\.0\.1:14000 is on a private network too .*their rows may stay empty/);
		// Their rows show it, and it is never a gate.
		const publicRows = rows(h.detailRows).filter((r) => r.role === 'public');
		expect(publicRows.map((r) => [r.status, r.answer])).toEqual([['missing', []], ['missing', []]]);
		expect(summaries(h.detailRows).at(-1)).toMatchObject({state: 'ready', missing: []});
	});

	it('looks up a CA given by name through dns.resolvers, only for a private server', async () => {
		const w = world();
		w.set(`ca.${zone}`, 'A', ['10.77.0.1']);
		w.set(`acme.${zone}`, 'A', ['44.192.0.20']);
		const byName = (host: string) => config({acme: {directory: `https://${host}/acme/directory`}});
		expect(await dnsPlan(byName(`ca.${zone}`), target('10.77.0.2'), {query: w.query})).toMatchObject({watch: true, privateTargetOk: true, note: expect.stringContaining(`ca.${zone} resolves to 10.77.0.1`)});
		expect(await dnsPlan(byName(`acme.${zone}`), target('10.77.0.2'), {query: w.query})).toMatchObject({watch: false});
		expect(await dnsPlan(byName(`gone.${zone}`), target('10.77.0.2'), {query: w.query})).toMatchObject({watch: false});
		expect(w.log.filter((q) => q.recursion).map((q) => `${q.server} ${q.type} ${q.name}`)).toEqual([
			`127.0.60.7 A ca.${zone}`, `127.0.60.7 AAAA ca.${zone}`, `127.0.60.7 A acme.${zone}`, `127.0.60.7 AAAA acme.${zone}`, `127.0.60.7 A gone.${zone}`, `127.0.60.7 AAAA gone.${zone}`,
		]);
		const asked = w.log.length;
		expect(await dnsPlan(byName(`ca.${zone}`), target(address), {query: w.query})).toEqual({watch: true, address, privateTargetOk: false});
		expect(w.log).toHaveLength(asked);
	});

	it('dns.skip: true skips both steps on purpose, with the way back', async () => {
		const {h, ctx} = context({config: config({acme: {directory: 'https://10.77.0.1:14000/dir'}}, {skip: true}), target: target('10.77.0.2')});
		const out = await dns.run(ctx);
		expect(out).toMatchObject({status: 'skipped', reason: expect.stringMatching(/^dns\.skip is true in hoist\.yml: .* plain HTTP only \(remove dns\.skip for HTTPS\)$/)});
		expect(h.logs).toEqual([out.reason]);
	});

	it('an IPv6-only server: watches AAAA with the same rows and advice; an A record elsewhere blocks', async () => {
		const v6 = '2600:1f18:4e1:2f00::10';
		const w = world();
		w.set(domain, 'A', ['198.51.100.4']);
		let sleeps = 0;
		const {h, ctx} = context({config: config(), dnsQuery: w.query, target: target(v6), onSleep: () => {
			sleeps++;
			if (sleeps === 1) w.set(domain, 'AAAA', [v6]);
			if (sleeps === 2) w.set(domain, 'A', []);
		}});
		expect(await dns.run(ctx)).toMatchObject({status: 'ready', address: v6});
		const [first, second] = summaries(h.detailRows);
		expect(first).toMatchObject({record: {type: 'AAAA', name: domain, value: v6, ttl: 300}});
		expect(first!.missing.map((m) => m.code)).toEqual(['DNS_NO_AAAA_RECORD', 'DNS_A_ELSEWHERE', 'DNS_NO_AAAA_RECORD']);
		expect(first!.missing.find((m) => m.code === 'DNS_NO_AAAA_RECORD')).toMatchObject({fix: `Create the record at your DNS provider: ${domain} AAAA ${v6} (TTL 300).`});
		expect(second!.missing).toEqual([expect.objectContaining({code: 'DNS_A_ELSEWHERE', message: `A 198.51.100.4 is not this server (it has only the IPv6 address ${v6}): delete it`, fix: `Delete the record ${domain} A 198.51.100.4.`})]);
		expect(first!.line).toContain(`AAAA ${domain} → ${v6}`);
		const ready = rows(h.detailRows).filter((r) => r.round === 3);
		expect(ready.map((r) => [r.role, r.status, r.answer])).toEqual([
			['authoritative', 'ok', [v6]], ['authoritative', 'ok', [v6]], ['public', 'current', [v6]], ['public', 'current', [v6]],
		]);
	});

	it('a server with IPv4 and IPv6: A holds the IPv4 address, an AAAA may hold its IPv6 address and no other', async () => {
		const v6 = '2600:1f18:4e1:2f00::10';
		const w = world();
		w.set(domain, 'A', [address]);
		w.set(domain, 'AAAA', ['2600:1f18:4e1:2f00::99']);
		const dual = {...target(), publicIpv6: v6};
		const blocked = context({config: config({}, {timeoutMinutes: 0.01}), dnsQuery: w.query, target: dual});
		await expect(dns.run(blocked.ctx)).rejects.toMatchObject({code: 'DNS_NOT_READY', message: expect.stringContaining('AAAA 2600:1f18:4e1:2f00::99 would be tried by Let\'s Encrypt first')});
		w.set(domain, 'AAAA', [v6]);
		expect(await dns.run(context({config: config(), dnsQuery: w.query, target: dual}).ctx)).toMatchObject({status: 'ready', address});
	});
});
