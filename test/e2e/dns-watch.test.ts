// `hoist dns` on a deployed stack, one DNS condition per test, against the sandbox's knot ns1/ns2 and unbound
// resolvers: each condition has its status and its message, as the JSON events (and so the screen) carry them.
// The stack is deployed once (its DNS step skipped on purpose: dns.skip); each test then points hoist.yml at a name of
// its own and runs `hoist dns`. No dns.expectAddress: Pebble is on the sandbox's private network, so hoist watches DNS
// for the private 10.77.0.2 itself.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import type {CliResult} from '../helpers/run-cli.js';
import {
	addDnsRecord, deleteDnsRecord, fillDnsRecords, flushResolvers, queriesSince, queryLogMark, readSandboxEnv, removeDnsRecord, resetMoto, run,
	setDnsRecord, type SandboxEnv,
} from '../sandbox/sandbox.js';

const tag = Date.now().toString(36);
const zone = 'example.test';
const made: Array<[string, string]> = [];
let sandbox: SandboxEnv;
let stack: E2eStack;

function fresh(label: string): string {
	const name = `${label}-${tag}.${zone}`;
	for (const type of ['A', 'AAAA', 'CAA', 'CNAME']) made.push([name, type]);
	return name;
}

beforeAll(async () => {
	await resetMoto();
	sandbox = readSandboxEnv();
	stack = e2eStack(sandbox, {stack: 'dnswatch'});
	const up = await stack.run(['up', '--json']);
	expect(up.code, up.stdout).toBe(0);
	expect(up.events.find((event) => event['type'] === 'step-done' && event['stepId'] === 'dns')).toMatchObject({summary: expect.stringMatching(/^skipped: dns\.skip is true in hoist\.yml/)});
});

afterAll(async () => {
	if (stack) {
		await stack.run(['destroy', '--yes']);
		stack.cleanup();
	}
	for (const [name, type] of made) await deleteDnsRecord('auth', name, type);
	await flushResolvers('all');
});

interface Watch {
	result: CliResult;
	summary: {state: string; missing: Array<{code: string; severity: string; server?: string; message: string}>};
	rows: Array<{server: string; address: string; role: string; status: string; message: string; answer: string[]; tcp?: boolean}>;
	lines: string[];
}

/** `hoist dns --json` for NAME, expecting the sandbox's instance address, waiting at most `minutes`. */
async function watch(name: string, minutes = 0.05): Promise<Watch> {
	stack.writeConfig({stack: 'dnswatch', domain: name, dns: [`timeoutMinutes: ${minutes}`]});
	const result = await stack.run(['dns', '--json']);
	const details = result.events.filter((event) => event['type'] === 'step-detail' && event['stepId'] === 'dns');
	// Each detail's facts: its kind and its data.
	const facts = details.map((event) => {
		const {kind, data} = event['detail'] as {kind: string; data: object};
		return {kind, ...data};
	});
	const summaries = facts.filter((d) => d.kind === 'dns-summary') as Array<Watch['summary'] & {kind: string; round: number}>;
	const all = facts.filter((d) => d.kind === 'dns-server') as Array<Watch['rows'][number] & {kind: string; round: number}>;
	const lastRound = Math.max(...all.map((row) => row.round));
	return {
		result,
		summary: summaries.at(-1)!,
		rows: all.filter((row) => row.round === lastRound),
		lines: details.map((event) => String(event['line'])),
	};
}

const ca = 'the ACME CA at 10.77.0.1:14000';

/** A name whose A record is right, plus one record of TYPE: `hoist dns` stops (exit 2) naming exactly this problem. */
async function blockedBy(label: string, type: string, value: string, code: string, message: (name: string) => string): Promise<{name: string; w: Watch}> {
	const name = fresh(label);
	await setDnsRecord('auth', name, 'A', sandbox.HOIST_SANDBOX_HOST);
	await setDnsRecord('auth', name, type, value);
	const w = await watch(name);
	expect(w.result.code).toBe(2);
	expect(w.summary.missing).toEqual([expect.objectContaining({code, message: message(name)})]);
	return {name, w};
}

describe('hoist dns, one condition at a time', () => {
	it('a stale AAAA: every server answers A right, the AAAA blocks with its fix', async () => {
		const {name, w} = await blockedBy('aaaa', 'AAAA', '2001:db8::1', 'DNS_AAAA_ELSEWHERE', () => `AAAA 2001:db8::1 would be tried by ${ca} first: delete it or point it at the server`);
		// The A records agree, so the public resolvers are shown too (they have it); the AAAA still blocks.
		expect(w.rows.map((row) => [row.role, row.status])).toEqual([
			['authoritative', 'ok'], ['authoritative', 'ok'], ['public', 'current'], ['public', 'current'], ['public', 'current'],
		]);
		expect(w.summary).toMatchObject({state: 'timeout'});
		expect(w.result.events.find((event) => event['type'] === 'step-failed')).toMatchObject({error: {code: 'DNS_NOT_READY', nextSteps: expect.arrayContaining([{text: `Delete the record ${name} AAAA 2001:db8::1.`}])}});
	});

	it('a CAA record that forbids the CA blocks; one naming the CA\'s identity lets DNS be ready', async () => {
		const {name} = await blockedBy('caa', 'CAA', '0 issue "digicert.com"', 'DNS_CAA_FORBIDS', (owner) => `CAA on ${owner} allows only digicert.com: ${ca} (pebble.letsencrypt.org) may not issue`);
		await setDnsRecord('auth', name, 'CAA', '0 issue "pebble.letsencrypt.org"');
		const allowed = await watch(name);
		expect(allowed.result.code, allowed.result.stdout).toBe(0);
		expect(allowed.summary.state).toBe('ready');
	});

	it('public resolvers that cached the old address show it with the time left, asked only once the zone\'s servers agree', async () => {
		const name = fresh('moved');
		await setDnsRecord('auth', name, 'A', '10.77.0.9', 120);
		await flushResolvers('resolvers', name);
		// Users' resolvers looked the name up while it still had the old address.
		for (const resolver of sandbox.HOIST_SANDBOX_DNS_RESOLVERS.split(',').slice(0, 2)) await run('dig', [`@${resolver}`, name, 'A', '+short']);
		await setDnsRecord('auth', name, 'A', sandbox.HOIST_SANDBOX_HOST, 120);
		const mark = await queryLogMark();
		const w = await watch(name);
		expect(w.result.code, w.result.stdout).toBe(0);
		const [r1, r2, r3] = sandbox.HOIST_SANDBOX_DNS_RESOLVERS.split(',');
		const publicRows = w.rows.filter((row) => row.role === 'public') as Array<Watch['rows'][number] & {ttl: number; seenAt: number; expiresAt: number}>;
		expect(publicRows.map((row) => [row.address, row.status, row.answer])).toEqual([
			[r1, 'stale', ['10.77.0.9']], [r2, 'stale', ['10.77.0.9']], [r3, 'current', [sandbox.HOIST_SANDBOX_HOST]],
		]);
		const stale = publicRows[0]!;
		expect(stale.ttl).toBeGreaterThan(100);
		expect(stale.ttl).toBeLessThanOrEqual(120);
		expect(stale.message).toBe(`old answer expires in ≤ ${stale.ttl} s`);
		expect(stale.expiresAt).toBe(stale.seenAt + stale.ttl * 1000);
		// One round: the zone's servers first, then one question to each resolver (unbound logs whole seconds).
		const asked = [...await queriesSince(mark, 'ns1', {name}), ...await queriesSince(mark, 'ns2', {name, sync: false})].filter((q) => q.client === '127.0.0.1');
		const firstAuthoritative = Math.min(...asked.map((q) => q.at));
		for (const resolver of ['r1', 'r2', 'r3'] as const) {
			const questions = await queriesSince(mark, resolver, {name});
			expect(questions, resolver).toHaveLength(1);
			expect(questions[0]!.at, resolver).toBeGreaterThanOrEqual(Math.floor(firstAuthoritative / 1000) * 1000);
		}
	});

	it('a CNAME chain inside the zone is followed to the address', async () => {
		const start = fresh('chain');
		const middle = fresh('chain-b');
		const end = fresh('chain-end');
		await setDnsRecord('auth', end, 'A', sandbox.HOIST_SANDBOX_HOST);
		await setDnsRecord('auth', middle, 'CNAME', `${end}.`);
		await setDnsRecord('auth', start, 'CNAME', `${middle}.`);
		const w = await watch(start);
		expect(w.result.code, w.result.stdout).toBe(0);
		expect(w.rows.filter((row) => row.role === 'authoritative').map((row) => [row.status, row.message])).toEqual([
			['ok', `answers ${sandbox.HOIST_SANDBOX_HOST} (via CNAME ${middle} → ${end})`],
			['ok', `answers ${sandbox.HOIST_SANDBOX_HOST} (via CNAME ${middle} → ${end})`],
		]);
	});

	it('a zone whose servers answer SERVFAIL: its zone cannot be found, and the watcher says why', async () => {
		const name = `app-${tag}.${sandbox.HOIST_SANDBOX_DNS_SERVFAIL_ZONE}`;
		const w = await watch(name);
		expect(w.result.code).toBe(2);
		expect(w.rows).toEqual([]);
		expect(w.summary.missing).toEqual([expect.objectContaining({
			code: 'DNS_ZONE_SERVFAIL', message: `The resolver ${sandbox.HOIST_SANDBOX_DNS_BOOTSTRAP} answers SERVFAIL for the SOA of ${name}`,
		})]);
		expect(w.lines.at(-1)).toContain('SERVFAIL');
	});

	it('a dead authoritative server (a third NS that never answers) is named, with its timeout', async () => {
		const name = fresh('dead');
		const ns3 = `ns3-${tag}.${zone}`;
		made.push([ns3, 'A']);
		await setDnsRecord('auth', name, 'A', sandbox.HOIST_SANDBOX_HOST);
		// 10.77.0.3 is on the sandbox's link but nobody has it: queries to it go unanswered.
		await setDnsRecord('auth', ns3, 'A', '10.77.0.3');
		await addDnsRecord('auth', zone, 'NS', `${ns3}.`);
		try {
			await flushResolvers('all');
			const w = await watch(name, 0.1);
			expect(w.result.code).toBe(2);
			const dead = w.rows.find((row) => row.server === ns3)!;
			expect(dead).toMatchObject({address: '10.77.0.3', status: 'error', message: `${ns3} (10.77.0.3) does not answer (no reply within 2 s)`});
			expect(w.summary.missing).toContainEqual(expect.objectContaining({code: 'DNS_SERVER_TIMEOUT', server: ns3}));
			expect(w.rows.filter((row) => row.server !== ns3 && row.role === 'authoritative').map((row) => row.status)).toEqual(['ok', 'ok']);
		} finally {
			await removeDnsRecord('auth', zone, 'NS', `${ns3}.`);
			await flushResolvers('all');
		}
	});

	it('an answer too large for UDP is fetched again over TCP, and judged whole', async () => {
		const name = fresh('big');
		await fillDnsRecords('auth', name, 300, 'A');
		const w = await watch(name);
		expect(w.result.code).toBe(2);
		expect(w.rows.map((row) => [row.status, row.answer.length, row.tcp])).toEqual([['wrong', 300, true], ['wrong', 300, true]]);
		expect(w.rows[0]!.message).toBe(`ns1.${zone} still answers 10.78.0.0 (private (RFC 1918)), 10.78.0.1 (private (RFC 1918)), 10.78.0.2 (private (RFC 1918)) and 297 more`);
		expect(w.lines.find((line) => line.startsWith(`authoritative ns1.${zone}`))).toContain('(over TCP: the UDP answer was truncated)');
	});
});
