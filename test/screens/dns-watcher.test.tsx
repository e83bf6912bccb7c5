import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {dnsServerRow, dnsSummaryRow, type DnsMissing, type DnsServerData, type DnsSummaryData} from '../../source/dns/watch-details.js';
import type {DetailRow} from '../../source/engine/details.js';
import {DnsWatcher} from '../../source/ui/ink/DnsWatcher.js';
import {StepList} from '../../source/ui/ink/StepList.js';
import type {StepState} from '../../source/ui/run-state.js';
import {T0} from './run-events.js';

afterEach(() => {
	cleanup();
});

const name = 'app.example.test';
const address = '44.192.0.10';
const ns1 = {server: 'ns1.example.test', address: '127.0.60.2'};
const ns2 = {server: 'ns2.example.test', address: '127.0.60.3'};
const absent = 'not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)';
const createIt = `Create the record at your DNS provider: ${name} A ${address} (TTL 300).`;

function row(where: {server: string; address: string}, status: string, message: string, extra: Partial<DnsServerData> = {}): DetailRow {
	return dnsServerRow({name, role: 'authoritative', ...where, answer: [], status, message, round: 1, ...extra});
}

function summary(state: DnsSummaryData['state'], round: number, missing: DnsMissing[], extra: Partial<DnsSummaryData> = {}): DetailRow {
	return dnsSummaryRow({
		name, zone: 'example.test', record: {type: 'A', name, value: address, ttl: 300}, state, round,
		startedAt: T0, at: T0 + (round - 1) * 2000, missing, ...extra,
	});
}

const missingOn = (where: {server: string; address: string}): DnsMissing => ({
	code: 'DNS_NXDOMAIN', severity: 'blocker', server: where.server, message: `${where.server} (${where.address}): ${absent}`, fix: createIt,
});

function step(details: DetailRow[], status: StepState['status'] = 'running'): StepState {
	return {id: 'dns', title: 'Wait for DNS to point at the server', status, reused: false, startedAt: T0, log: [], details, view: 'dns-watcher'};
}

function frame(details: DetailRow[], now: number): string {
	const {lastFrame} = render(<DnsWatcher step={step(details)} now={now} />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

/** The frame with wrapped lines joined: for sentences longer than the 100 columns of the test terminal. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the DNS watcher screen', () => {
	it('before the first round: says it is asking', () => {
		expect(frame([], T0)).toContain('asking the authoritative servers…');
	});

	it('record absent: the record to create, one row per server, the negative TTL, the next poll counting down, what is missing with its fix', () => {
		const details = [
			row(ns1, 'missing', absent), row(ns2, 'missing', absent),
			summary('waiting', 1, [missingOn(ns1), missingOn(ns2)], {negativeTtl: 30, nextPollAt: T0 + 2000}),
		];
		const text = frame(details, T0 + 700);
		expect(text).toContain(`Record: A ${name} → ${address} (TTL 300) at your DNS provider · zone example.test`);
		expect(text).toContain('watching for 700ms · round 1 · next poll in 2 s');
		expect(text).toMatch(/role\s+server\s+answer\s+TTL\s+status/);
		expect(text).toMatch(/… authoritative\s+ns1\.example\.test \(127\.0\.60\.2\)\s+—\s+—\s+missing\n\s+not yet: NXDOMAIN, cached as missing for up to 30 s \(SOA minimum\)\n/);
		expect(text).toMatch(/… authoritative\s+ns2\.example\.test \(127\.0\.60\.3\)/);
		expect(text).toContain('Still missing (resolvers may cache "does not exist" for up to 30 s):');
		expect(flat(text)).toContain(`• ns2.example.test (127.0.60.3): ${absent} → ${createIt}`);
		expect(frame(details, T0 + 2100)).toContain('· polling now');
	});

	it('one server lagging: the ready one ticked, the lagging one named as what is missing', () => {
		const text = frame([
			row(ns1, 'ok', `answers ${address}`, {answer: [address], ttl: 60, round: 4}),
			row(ns2, 'missing', absent, {round: 4}),
			summary('waiting', 4, [missingOn(ns2)], {negativeTtl: 30, nextPollAt: T0 + 8000}),
		], T0 + 6500);
		expect(text).toMatch(/✔ authoritative\s+ns1\.example\.test \(127\.0\.60\.2\)\s+44\.192\.0\.10\s+60 s\s+ok\n\s+… authoritative\s+ns2/);
		expect(flat(text)).toContain(`• ns2.example.test (127.0.60.3): ${absent}`);
		expect(text).not.toContain('• ns1.example.test');
		expect(text).toContain('round 4 · next poll in 2 s');
	});

	it('a problem beyond the A record (a stale AAAA): every row ok, the problem and its fix listed', () => {
		const text = frame([
			row(ns1, 'ok', `answers ${address}`, {answer: [address], ttl: 60}), row(ns2, 'ok', `answers ${address}`, {answer: [address], ttl: 60}),
			summary('waiting', 1, [{
				code: 'DNS_AAAA_ELSEWHERE', severity: 'blocker', server: ns1.server,
				message: 'AAAA 2001:db8::1 would be tried by Let\'s Encrypt first: delete it or point it at the server', fix: `Delete the record ${name} AAAA 2001:db8::1.`,
			}, {code: 'DNS_CAA_OTHER_CA', severity: 'warning', message: 'CAA on example.test allows only digicert.com: make sure your ACME CA is one of them', fix: 'Add a CAA record.'}], {nextPollAt: T0 + 2000}),
		], T0 + 100);
		expect(text).toContain('• AAAA 2001:db8::1 would be tried by Let\'s Encrypt first: delete it or point it at the server');
		expect(text).toContain(`→ Delete the record ${name} AAAA 2001:db8::1.`);
		expect(text).toContain('• warning: CAA on example.test allows only digicert.com');
		expect(text).not.toContain('does not exist'); // no negative TTL: the record exists
	});

	it('ready: public resolvers shown, a stale one counting down its TTL with the clock; older rounds\' rows gone', () => {
		const seenAt = T0 + 10_000;
		const details = [
			row(ns1, 'missing', absent, {round: 5}),
			row(ns1, 'ok', `answers ${address}`, {answer: [address], ttl: 60, round: 6}),
			row(ns2, 'ok', `answers ${address}`, {answer: [address], ttl: 60, round: 6}),
			dnsServerRow({name, role: 'public', server: '127.0.60.4', address: '127.0.60.4', answer: ['198.51.100.4'], ttl: 42, status: 'stale',
				message: 'old answer expires in ≤ 42 s', round: 6, seenAt, expiresAt: seenAt + 42_000}),
			dnsServerRow({name, role: 'public', server: 'Cloudflare', address: '1.1.1.1', answer: [address], ttl: 300, status: 'current',
				message: `up to date: ${address}`, round: 6, seenAt, expiresAt: seenAt + 300_000}),
			summary('ready', 6, []),
		];
		const text = frame(details, seenAt + 10_000);
		expect(text).toContain('✔ ready after 10.0s (round 6)');
		expect(text).toMatch(/◷ public\s+127\.0\.60\.4\s+198\.51\.100\.4\s+32 s\s+stale\n\s+old answer expires in ≤ 32 s\n/);
		expect(text).toMatch(/✔ public\s+Cloudflare \(1\.1\.1\.1\)\s+44\.192\.0\.10\s+5 min\s+current\n\s+up to date: 44\.192\.0\.10/);
		expect(text).not.toContain('missing');
		expect(text).not.toContain('Still missing');
		expect(frame(details, seenAt + 50_000)).toContain('old answer has expired: the next query gets the new one');
	});

	it('timed out: says hoist stopped waiting, with what is still missing', () => {
		const text = frame([row(ns2, 'wrong', 'ns2.example.test still answers 198.51.100.4', {answer: ['198.51.100.4'], ttl: 60, round: 20}),
			summary('timeout', 20, [{code: 'DNS_A_STALE', severity: 'blocker', server: ns2.server, message: 'ns2.example.test still answers 198.51.100.4', fix: `Set ${name} A ${address}.`}], {at: T0 + 60_000})], T0 + 61_000);
		expect(text).toContain('✖ not ready after 1m00s (round 20): hoist stopped waiting');
		expect(text).toMatch(/✖ authoritative\s+ns2\.example\.test \(127\.0\.60\.3\)\s+198\.51\.100\.4\s+60 s\s+wrong\n\s+ns2\.example\.test still answers 198\.51\.100\.4/);
		expect(text).toContain('• ns2.example.test still answers 198.51.100.4');
	});

	it('a long answer fetched over TCP: the first addresses, how many, and that TCP was used', () => {
		const many = Array.from({length: 300}, (_, i) => `10.78.${i >> 8}.${i & 255}`);
		const text = frame([row(ns1, 'wrong', 'ns1.example.test still answers 10.78.0.0, 10.78.0.1, 10.78.0.2 and 297 more', {answer: many, ttl: 60, tcp: true}),
			summary('waiting', 1, [], {nextPollAt: T0 + 2000})], T0 + 100);
		expect(flat(text)).toContain('ns1.example.test still answers 10.78.0.0, 10.78.0.1, 10.78.0.2 and 297 more (over TCP: the UDP answer was truncated)');
		expect(text).toMatch(/ns1\.example\.test \(127\.0\.60\.2\)\s+10\.78\.0\.0 \+299 more\s+60 s\s+wrong/);
	});

	it('watches each alias in its own block', () => {
		const alias = `www.${name}`;
		const text = frame([
			row(ns1, 'ok', `answers ${address}`, {answer: [address]}), summary('waiting', 1, [], {nextPollAt: T0 + 2000}),
			row(ns1, 'missing', absent, {name: alias}), summary('waiting', 1, [missingOn(ns1)], {nextPollAt: T0 + 2000, name: alias, record: {type: 'A', name: alias, value: address, ttl: 300}}),
		], T0 + 100);
		expect(text).toContain(`Record: A ${name} → ${address}`);
		expect(text).toContain(`Record: A ${alias} → ${address}`);
		expect(text.indexOf(`A ${name} →`)).toBeLessThan(text.indexOf(`A ${alias} →`));
	});

	it('in the step list: the DNS step shows the watcher while it runs, its summary once done', () => {
		const details = [row(ns1, 'missing', absent), summary('waiting', 1, [missingOn(ns1)], {negativeTtl: 30, nextPollAt: T0 + 2000})];
		const running = render(<StepList steps={[step(details)]} now={T0 + 500} tick={0} />);
		const text = stripVTControlCharacters(running.lastFrame() ?? '');
		expect(text).toContain('Wait for DNS to point at the server (500ms)');
		expect(text).toContain(`Record: A ${name} → ${address}`);
		expect(text).not.toContain('dns-summary');
		const done = render(<StepList steps={[{...step(details, 'done'), durationMs: 8000, summary: `${name} → ${address} on every authoritative server (example.test)`}]} now={T0} tick={0} />);
		const doneText = stripVTControlCharacters(done.lastFrame() ?? '');
		expect(flat(doneText)).toContain(`✔ Wait for DNS to point at the server (8.0s) — ${name} → ${address} on every authoritative server (example.test)`);
		expect(doneText).not.toContain('Record:');
	});
});
