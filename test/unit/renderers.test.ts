import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {dnsServerRow, dnsSummaryRow, type DnsSummaryData} from '../../source/dns/watch-details.js';
import type {EngineEvent, ErrorView} from '../../source/engine/events.js';
import {JsonRenderer} from '../../source/ui/json-renderer.js';
import {PlainRenderer} from '../../source/ui/plain-renderer.js';
import {capacityError, detailedRun, failedRun, hostileShown, hostileTextRun, successfulRetry, T0} from '../screens/run-events.js';

class Collector extends Writable {
	text = '';

	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}

	lines(): string[] {
		return this.text.split('\n').filter((line) => line !== '');
	}
}

const lockError: ErrorView = {kind: 'user', code: 'LOCKED', message: 'Another hoist is running (pid 4242).', nextSteps: [{text: 'Wait for it to finish.'}]};

function plainRun(events: EngineEvent[]) {
	const out = new Collector();
	const err = new Collector();
	const renderer = new PlainRenderer(out, err);
	for (const event of events) renderer.onEvent(event);
	return {renderer, out, err};
}

describe('PlainRenderer', () => {
	it('prints each detail as its plain line, once per change', () => {
		const {out} = plainRun(detailedRun());
		expect(out.lines().map((line) => line.slice(9)).filter((line) => line.startsWith('  · '))).toEqual([
			'  · … Podman API socket',
			'  · image ghcr.io/acme/web:v1: pulling',
			'  · image ghcr.io/acme/web:v1: pulled — sha256:abc',
			'  · service db: running (starting) — pg_isready: no response',
			'  · ✔ Podman API socket',
		]);
	});

	it('prints one timestamped line per step transition', () => {
		const {out} = plainRun(successfulRetry());
		const lines = out.lines();
		expect(lines.every((line) => /^\d\d:\d\d:\d\d /.test(line))).toBe(true);
		expect(lines.map((line) => line.slice(9))).toEqual([
			'hoist up: 3 steps (run run-1)',
			'▸ Check AWS credentials',
			'✔ Check AWS credentials (already done) — account 123456789012',
			'▸ Launch instance',
			'✔ Launch instance (12.3s) — i-0abc123',
			'▸ Wait for SSH',
			'✔ Wait for SSH (8.0s)',
			'All steps done.',
		]);
		expect(lines[0]).toMatch(/^09:31:00 /);
	});

	it('prints the failure with its command, output and numbered next steps', () => {
		const {out} = plainRun(failedRun());
		expect(out.text).toContain('✖ Launch instance (2.5s)');
		expect(out.text).toContain(`Error: ${capacityError.message}`);
		expect(out.text).toContain('Command: ec2:RunInstances t4g.small');
		expect(out.text).toContain('InsufficientInstanceCapacity');
		expect(out.text).toContain('1. Wait a minute and press r to retry.');
		expect(out.text).toContain('2. Set instance.zone in hoist.yml to another zone.');
		expect(out.text).toContain('Stopped at a failed step; the journal is saved.');
	});

	it('prints log lines and collapses a repeated progress message', () => {
		const waiting: EngineEvent = {type: 'step-progress', at: T0 + 40, stepId: 'launch', message: 'Waiting for running state'};
		const {out} = plainRun([
			...failedRun().slice(0, 4),
			waiting,
			{...waiting, at: T0 + 41},
			{...waiting, at: T0 + 42},
			{type: 'step-log', at: T0 + 43, stepId: 'launch', line: 'state: pending'},
		]);
		expect(out.text.match(/Waiting for running state/g)).toHaveLength(1);
		expect(out.text).toContain('│ state: pending');
	});

	it('writes no ANSI escape codes', () => {
		const {renderer, out} = plainRun([...failedRun(), ...successfulRetry()]);
		renderer.showMessage(['Open https://example.com']);
		expect(out.text).not.toContain('\u001B');
	});

	it('shows what hoist.yml or the server wrote on a step line, detail row or summary as printable text', () => {
		const {out} = plainRun(hostileTextRun());
		for (const raw of ['\u001b', '\r', '\u202e']) expect(out.text).not.toContain(raw);
		expect(out.lines().map((line) => line.slice(9)).slice(2)).toEqual([
			`  … connecting to ${hostileShown}`,
			`  │ log ${hostileShown}`,
			`  · service ${hostileShown}: running`,
			`✔ Launch instance (40ms) — deploy@${hostileShown}`,
		]);
	});

	it('never asks to retry', async () => {
		const {renderer} = plainRun(failedRun());
		expect(renderer.interactive).toBe(false);
		await expect(renderer.askRetry()).resolves.toBe('quit');
	});

	it('prints errors outside a run to stderr and messages to stdout', () => {
		const {renderer, out, err} = plainRun([]);
		renderer.showError(lockError);
		renderer.showMessage(['Nothing was changed.']);
		expect(err.text).toContain('Error: Another hoist is running (pid 4242).');
		expect(err.text).toContain('1. Wait for it to finish.');
		expect(out.text).toBe('Nothing was changed.\n');
	});
});

describe('the DNS watcher as lines (CI) and JSON', () => {
	const server = (round: number, status: string, message: string, answer: string[] = []) => dnsServerRow({
		name: 'app.example.test', role: 'authoritative', server: 'ns2.example.test', address: '192.0.2.2', answer, status, message, round,
		...(answer.length > 0 ? {ttl: 300} : {}),
	});
	const summary = (round: number, state: DnsSummaryData['state'], missing: DnsSummaryData['missing']) => dnsSummaryRow({
		name: 'app.example.test', zone: 'example.test', record: {type: 'A', name: 'app.example.test', value: '203.0.113.10', ttl: 300},
		state, round, startedAt: T0, at: T0 + (round - 1) * 2000, ...(state === 'waiting' ? {nextPollAt: T0 + round * 2000, negativeTtl: 900} : {}), missing,
	});
	const missing = [{code: 'DNS_NXDOMAIN', severity: 'blocker' as const, server: 'ns2.example.test', message: 'ns2.example.test (192.0.2.2): not yet: NXDOMAIN', fix: 'Create the record at your DNS provider: app.example.test A 203.0.113.10 (TTL 300).'}];
	const events: EngineEvent[] = [
		{type: 'run-started', at: T0, runId: 'run-1', command: 'dns', steps: [{id: 'dns', title: 'Wait for DNS to point at the server', view: 'dns-watcher'}]},
		{type: 'step-started', at: T0, stepId: 'dns'},
		...[server(1, 'missing', 'not yet: NXDOMAIN'), summary(1, 'waiting', missing), server(2, 'missing', 'not yet: NXDOMAIN'), summary(2, 'waiting', missing),
			server(3, 'ok', 'answers 203.0.113.10', ['203.0.113.10']), summary(3, 'ready', [])]
			.map(({line, ...detail}, index): EngineEvent => ({type: 'step-detail', at: T0 + index, stepId: 'dns', detail, line})),
	];

	it('a line per server when its answer changes and per round for the summary, with every fact the screen shows', () => {
		const lines = plainRun(events).out.lines().map((line) => line.slice(9)).filter((line) => line.startsWith('  · '));
		expect(lines).toEqual([
			'  · authoritative ns2.example.test (192.0.2.2) for app.example.test: missing, not yet: NXDOMAIN',
			'  · app.example.test is not ready after 0 s (round 1), next poll in 2 s; record to create in zone example.test: A app.example.test → 203.0.113.10 (TTL 300); resolvers may cache its absence for up to 15 min; still missing: ns2.example.test (192.0.2.2): not yet: NXDOMAIN (fix: Create the record at your DNS provider: app.example.test A 203.0.113.10 (TTL 300).)',
			'  · app.example.test is not ready after 2 s (round 2), next poll in 2 s; record to create in zone example.test: A app.example.test → 203.0.113.10 (TTL 300); resolvers may cache its absence for up to 15 min; still missing: ns2.example.test (192.0.2.2): not yet: NXDOMAIN (fix: Create the record at your DNS provider: app.example.test A 203.0.113.10 (TTL 300).)',
			'  · authoritative ns2.example.test (192.0.2.2) for app.example.test: ok, 203.0.113.10 TTL 300 s, answers 203.0.113.10',
			'  · app.example.test is ready after 4 s (round 3): every authoritative server in zone example.test answers 203.0.113.10',
		]);
	});

	it('JSON: each row and summary whole, with its plain line', () => {
		const out = new Collector();
		const renderer = new JsonRenderer(out);
		for (const event of events) renderer.onEvent(event);
		const parsed = out.lines().map((line) => JSON.parse(line) as EngineEvent);
		expect(parsed).toEqual(events);
	});
});

describe('JsonRenderer', () => {
	function jsonRun(events: EngineEvent[]) {
		const out = new Collector();
		const renderer = new JsonRenderer(out);
		for (const event of events) renderer.onEvent(event);
		return {renderer, out, parsed: () => out.lines().map((line) => JSON.parse(line) as unknown)};
	}

	it('writes each event as one JSON line, unchanged, details with their plain line', () => {
		const events = [...failedRun(), ...successfulRetry(), ...detailedRun('run-2')];
		const {parsed} = jsonRun(events);
		expect(parsed()).toEqual(events);
		expect(parsed()).toContainEqual(expect.objectContaining({type: 'step-detail', line: 'image ghcr.io/acme/web:v1: pulled — sha256:abc'}));
	});

	it('writes an error outside a run as type "error"', () => {
		const {renderer, parsed} = jsonRun([]);
		renderer.showError(lockError);
		expect(parsed()).toEqual([{type: 'error', at: expect.any(Number), error: lockError}]);
	});

	it('writes closing messages as type "message"', () => {
		const {renderer, parsed} = jsonRun([]);
		renderer.showMessage(['Nothing was changed.']);
		expect(parsed()).toEqual([{type: 'message', at: expect.any(Number), lines: ['Nothing was changed.']}]);
	});

	it('never asks to retry', async () => {
		const {renderer} = jsonRun([]);
		expect(renderer.interactive).toBe(false);
		await expect(renderer.askRetry()).resolves.toBe('quit');
	});
});
