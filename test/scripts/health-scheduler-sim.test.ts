// health-scheduler.sh under busybox ash with a simulated podman (shims/podman-sim.sh) on a fake clock
// (shims/fake-clock.sh: `sleep` moves the clock instead of waiting).
// What this proves: which containers it checks and when (each at its own interval, new ones found within the scan
// period, stopped ones dropped, containers without a healthcheck never), how many podman calls it makes, what it
// prints, and that TERM stops it. What it does not prove: podman's own behaviour (start period, retries) — the
// sandbox test does that against podman 4.3.1.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {run} from '../sandbox/sandbox.js';
import {busybox, put, readOr, removeDir, schedulerScript, shimDir, tempDir} from './harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const id = (c: string) => c.repeat(64);
interface Sim {
	dir: string;
	calls: () => Array<{t: number; args: string}>;
	checks: (container: string) => number[];
}

function sim(containers: string[]): Sim {
	const dir = tempDir('health-sim');
	dirs.push(dir);
	put(path.join(dir, 'containers'), containers.map((line) => `${line}\n`).join(''));
	put(path.join(dir, 'clock'), '100.00 0.00\n');
	put(path.join(dir, 'bin/podman'), readFileSync(path.join(shimDir, 'podman-sim.sh'), 'utf8'), 0o755);
	put(path.join(dir, 'calls'), '');
	const calls = () => readOr(path.join(dir, 'calls')).split('\n').filter(Boolean).map((line) => {
		const space = line.indexOf(' ');
		return {t: Number(line.slice(0, space)), args: line.slice(space + 1)};
	});
	return {
		dir, calls,
		checks: (container) => calls().filter((call) => call.args === `healthcheck run ${container}`).map((call) => call.t),
	};
}

/** Runs the scheduler on the simulation's clock until the clock reaches stopAt (then the sleep shim sends TERM). */
function runScheduler(s: Sim, args: string[] = [], env: Record<string, string> = {}, stopAt = 130) {
	return run(busybox, ['ash', '-c', '. "$SIM_CLOCK_SHIM"; . "$0"', schedulerScript, ...args], {
		timeoutMs: 30_000,
		env: {
			PATH: path.join(s.dir, 'bin'), TMPDIR: s.dir, SIM_DIR: s.dir, SIM_STOP_AT: String(stopAt),
			SIM_CLOCK_SHIM: path.join(shimDir, 'fake-clock.sh'), HOIST_HEALTH_CLOCK: path.join(s.dir, 'clock'),
			HOIST_HEALTH_PIDFILE: path.join(s.dir, 'scheduler.pid'), HOIST_HEALTH_INTERVAL_DEFAULT: '3', HOIST_HEALTH_SCAN: '2', ...env,
		},
	});
}

const diffs = (times: number[]) => times.slice(1).map((t, i) => Math.round((t - (times[i] ?? 0)) * 100) / 100);

describe('health-scheduler.sh (busybox ash, simulated podman, fake clock)', () => {
	// <id> <name> <interval s> <timeout s> <test> <running from> <until> <result>
	const containers = [
		`${id('a')} web 2 30 CMD-SHELL 0 - pass`,
		`${id('b')} db 5 30 CMD-SHELL 0 - pass`,
		`${id('c')} plain 0 0 - 0 - pass`, // no healthcheck
		`${id('d')} disabled 0 0 NONE 0 - pass`, // --no-healthcheck
		`${id('e')} nointerval 0 30 CMD-SHELL 0 - pass`, // healthcheck without interval: HOIST_HEALTH_INTERVAL_DEFAULT (3)
		`${id('f')} shortlived 1 30 CMD-SHELL 0 106 pass`, // stops at t=106
		`${id('1')} late 2 30 CMD-SHELL 107 - pass`, // starts at t=107
		`${id('2')} flaky 4 30 CMD-SHELL 0 - fail-from:110`,
	];

	it('checks each container at its own interval, finds new ones, drops stopped ones, never checks the rest; TERM stops it', async () => {
		const s = sim(containers);
		const result = await runScheduler(s);
		expect(result.code, result.stderr).toBe(0);

		const web = s.checks(id('a'));
		expect(web[0]).toBe(100);
		expect(new Set(diffs(web))).toEqual(new Set([2]));
		expect(web.at(-1)).toBeGreaterThanOrEqual(128);

		expect(s.checks(id('b'))).toEqual([100, 105, 110, 115, 120, 125]);
		expect(new Set(diffs(s.checks(id('e'))))).toEqual(new Set([3]));
		expect(s.checks(id('c'))).toEqual([]);
		expect(s.checks(id('d'))).toEqual([]);

		const shortlived = s.checks(id('f'));
		expect(shortlived.slice(0, 6)).toEqual([100, 101, 102, 103, 104, 105]);
		expect(shortlived.filter((t) => t > 106)).toEqual([]); // at most one check that finds it stopped, at t=106

		const late = s.checks(id('1'));
		expect(late[0]).toBeGreaterThanOrEqual(107);
		expect(late[0]).toBeLessThanOrEqual(109); // seen within HOIST_HEALTH_SCAN (2 s), checked at once
		expect(new Set(diffs(late))).toEqual(new Set([2]));

		// One podman ps per tick (a tick ends in a sleep, or goes on at once after finding new containers), one inspect
		// per container ever seen, never for the same container twice.
		const calls = s.calls();
		const ps = calls.filter((call) => call.args.startsWith('ps '));
		const sleeps = calls.filter((call) => call.args.startsWith('sleep '));
		expect(ps.length).toBeLessThanOrEqual(sleeps.length + 3);
		// In a steady state (t 114-128: every result matches the state podman shows) ps runs once per scan period
		// (2 s here), not at every check (about one a second here).
		const steadyPs = ps.filter((call) => call.t >= 114 && call.t < 128).length;
		const steadyChecks = calls.filter((call) => call.t >= 114 && call.t < 128 && call.args.startsWith('healthcheck ')).length;
		expect(steadyPs).toBeLessThanOrEqual(7);
		expect(steadyChecks).toBeGreaterThan(14);
		const inspected = calls.filter((call) => call.args.startsWith('inspect ')).flatMap((call) => call.args.split(' ').filter((w) => /^[0-9a-f]{64}$/.test(w)));
		expect(inspected.sort()).toEqual([id('1'), id('2'), id('a'), id('b'), id('c'), id('d'), id('e'), id('f')].sort());
		// It sleeps until the next check is due, never longer than the scan period.
		expect(Math.max(...sleeps.map((call) => Number(call.args.split(' ')[1])))).toBeLessThanOrEqual(2);
		// Nothing after the TERM at t=130.
		expect(calls.filter((call) => call.t > 130)).toEqual([]);

		// Output: only health changes, for containers with a healthcheck.
		const lines = result.stdout.split('\n').filter(Boolean).map((line) => line.replace(/^\S+ /, ''));
		expect(lines).toEqual(expect.arrayContaining([
			`web ${id('a').slice(0, 12)} new -> starting`,
			`web ${id('a').slice(0, 12)} starting -> healthy`,
			`late ${id('1').slice(0, 12)} new -> starting`,
			`late ${id('1').slice(0, 12)} starting -> healthy`,
			`flaky ${id('2').slice(0, 12)} healthy -> unhealthy`,
		]));
		expect(lines.filter((line) => /^(plain|disabled) /.test(line))).toEqual([]);
		expect(lines).toHaveLength(13); // 6 with a healthcheck: new -> starting, starting -> healthy; and flaky turns unhealthy
		expect(lines.filter((line) => line.startsWith('shortlived '))).toHaveLength(2);
		expect(result.stderr).toBe('');
		expect(existsSync(path.join(s.dir, 'scheduler.pid'))).toBe(false);
	});

	it('HOIST_HEALTH_INTERVAL_DEFAULT=0 leaves containers without an interval alone (podman --health-interval disable)', async () => {
		const s = sim([`${id('e')} nointerval 0 30 CMD-SHELL 0 - pass`, `${id('a')} web 2 30 CMD-SHELL 0 - pass`]);
		const result = await runScheduler(s, [], {HOIST_HEALTH_INTERVAL_DEFAULT: '0'}, 110);
		expect(result.code).toBe(0);
		expect(s.checks(id('e'))).toEqual([]);
		expect(s.checks(id('a')).length).toBeGreaterThan(3);
	});

	it('keeps its own log bounded: past HOIST_HEALTH_LOG_MAX bytes it becomes .1 and a new log starts', async () => {
		const s = sim([`${id('a')} web 2 30 CMD-SHELL 0 - pass`]);
		const log = path.join(s.dir, 'hoist-health.log');
		const old = 'x'.repeat(200) + '\n';
		put(log, old);
		const result = await runScheduler(s, [], {HOIST_HEALTH_LOG: log, HOIST_HEALTH_LOG_MAX: '150'}, 104);
		expect(result.code, result.stderr).toBe(0);
		expect(readFileSync(`${log}.1`, 'utf8').startsWith(old)).toBe(true);
		expect(readFileSync(log, 'utf8')).not.toContain('xxx');
		expect(readFileSync(log, 'utf8').length).toBeLessThan(400);
	});

	it('--once: checks every healthchecked container once, reports, exits without sleeping', async () => {
		const s = sim(containers);
		const result = await runScheduler(s, ['--once']);
		expect(result.code, result.stderr).toBe(0);
		const calls = s.calls().map((call) => call.args);
		expect(calls.filter((args) => args.startsWith('healthcheck run ')).sort()).toEqual(
			[id('2'), id('a'), id('b'), id('e'), id('f')].map((i) => `healthcheck run ${i}`).sort());
		expect(calls.filter((args) => args.startsWith('ps '))).toHaveLength(2);
		expect(calls.filter((args) => args.startsWith('sleep '))).toEqual([]);
		expect(result.stdout).toContain(`web ${id('a').slice(0, 12)} starting -> healthy`);
	});

	it('says once that podman ps fails, not on every tick', async () => {
		const s = sim(containers);
		const result = await runScheduler(s, [], {SIM_PS_FAIL: '1'}, 120);
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split('\n')).toHaveLength(1);
		expect(result.stdout).toMatch(/^\S+ podman ps failed: Error: simulated ps failure\n$/);
		expect(s.calls().filter((call) => call.args.startsWith('healthcheck '))).toEqual([]);
	});

	it('refuses to start while another scheduler holds the pidfile, and rejects bad settings', async () => {
		const s = sim([]);
		put(path.join(s.dir, 'scheduler.pid'), `${process.pid}\n`);
		const twice = await runScheduler(s);
		expect(twice.code).toBe(1);
		expect(twice.stderr).toContain(`already running (pid ${process.pid}`);
		const bad = await runScheduler(s, [], {HOIST_HEALTH_SCAN: '2s'});
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain("HOIST_HEALTH_SCAN must be a whole number of seconds, not '2s'");
	});
});

describe('health-scheduler.sh stops on TERM while it sleeps (busybox ash, real clock and sleep)', () => {
	it('exits 0 at once, ends its sleep, removes its pidfile', async () => {
		const s = sim([]);
		const pidfile = path.join(s.dir, 'scheduler.pid');
		const child = run(busybox, ['ash', schedulerScript], {
			timeoutMs: 20_000,
			env: {PATH: `${path.join(s.dir, 'bin')}:/usr/bin:/bin`, TMPDIR: s.dir, SIM_DIR: s.dir, HOIST_HEALTH_PIDFILE: pidfile, HOIST_HEALTH_SCAN: '60'},
		});
		// Wait until it sleeps (60 s, the scan period: there are no containers).
		let pid = 0;
		let sleeper = 0;
		for (let i = 0; i < 100 && sleeper === 0; i++) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			pid = Number(readOr(pidfile).trim());
			if (pid) sleeper = Number(readOr(`/proc/${pid}/task/${pid}/children`).trim().split(' ')[0] ?? 0);
		}
		expect(sleeper).toBeGreaterThan(0);
		const started = Date.now();
		process.kill(pid, 'SIGTERM');
		const result = await child;
		expect(result.code, result.stderr).toBe(0);
		expect(Date.now() - started).toBeLessThan(2000);
		expect(existsSync(pidfile)).toBe(false);
		const stat = readOr(`/proc/${sleeper}/stat`);
		expect(stat === '' || / Z /.test(stat), `sleep ${sleeper} still running: ${stat}`).toBe(true);
		expect(result.stdout).toBe('');
	});
});
