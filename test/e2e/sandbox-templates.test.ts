// The templates for real on the sandbox host (Debian 12, no systemd, podman 4.3.1), in the instance's environment.
// What this proves: with the scheduler running, podman 4.3.1 healthchecks run and a container turns healthy, a
// failing one stays "starting" through its start period and turns unhealthy only once its failing streak reaches
// the retries (podman's own accounting), a container without a healthcheck is left alone; bootstrap.sh, run as
// `alpine` through doas the way hoist runs it, finds no service manager there, changes nothing and succeeds.
// What it does not prove: anything about Alpine, OpenRC or podman 5 (see bootstrap-shims.test.ts for the branches).
// Needs the sandbox (the e2e global setup brings it up); run the suite under `flock /tmp/hoist-sandbox.lock`.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {chmodSync, cpSync, existsSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {instancePodman, readSandboxEnv, run, type SandboxEnv} from '../sandbox/sandbox.js';
import {busybox, instanceCommand, readOr, removeDir, schedulerScript, tempDir, templates} from '../scripts/harness.js';

const env: SandboxEnv = inject('sandbox');
const tmp = tempDir('sandbox-templates');
const tag = `${process.pid}`;
const names = {ok: `hoist-hs-ok-${tag}`, failing: `hoist-hs-failing-${tag}`, plain: `hoist-hs-plain-${tag}`};
let pulledImage = false;

async function podman(args: string[]): Promise<string> {
	const result = await instancePodman(env, args);
	if (result.code !== 0) throw new Error(`podman ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
	return result.stdout.trim();
}

beforeAll(async () => {
	expect(readSandboxEnv().HOIST_SANDBOX_DIR, 'the sandbox is not up (run the e2e project, whose setup starts it)').toBe(env.HOIST_SANDBOX_DIR);
	const image = env.HOIST_SANDBOX_IMAGE_MIGRATE;
	if ((await instancePodman(env, ['image', 'exists', image])).code !== 0) {
		await podman(['pull', '-q', '--creds', `${env.HOIST_SANDBOX_REGISTRY_USER}:${env.HOIST_SANDBOX_REGISTRY_PASSWORD}`, image]);
		pulledImage = true;
	}
});

afterAll(async () => {
	await instancePodman(env, ['rm', '-f', '-t', '0', ...Object.values(names)]);
	if (pulledImage) await instancePodman(env, ['rmi', env.HOIST_SANDBOX_IMAGE_MIGRATE]);
	removeDir(tmp);
});

describe('health-scheduler.sh on the sandbox (podman 4.3.1, no systemd)', () => {
	let scheduler: ChildProcessWithoutNullStreams | undefined;
	let output = '';
	const pidfile = path.join(tmp, 'scheduler.pid');

	afterAll(() => {
		if (scheduler && scheduler.exitCode === null) scheduler.kill('SIGKILL');
	});

	it('makes podman run the healthchecks: healthy, unhealthy after start period and retries, no-healthcheck left alone; stops on TERM', async () => {
		const [command, ...args] = instanceCommand(env, [busybox, 'ash', schedulerScript], {HOIST_HEALTH_PIDFILE: pidfile, HOIST_HEALTH_SCAN: '1'});
		scheduler = spawn(command ?? 'nsenter', args, {stdio: ['pipe', 'pipe', 'pipe']});
		scheduler.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		scheduler.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

		const image = env.HOIST_SANDBOX_IMAGE_MIGRATE;
		const sleeper = ['--entrypoint', '/bin/sh', image, '-c', 'sleep 300'];
		const okId = await podman(['run', '-d', '--name', names.ok, '--health-cmd', 'true', '--health-interval', '1s', ...sleeper]);
		const failingId = await podman(['run', '-d', '--name', names.failing, '--health-cmd', 'false', '--health-interval', '1s',
			'--health-start-period', '4s', '--health-retries', '2', ...sleeper]);
		const startedAt = Date.now();
		const plainId = await podman(['run', '-d', '--name', names.plain, ...sleeper]);

		// Without the scheduler podman 4.3.1 would leave both "starting" forever.
		const seen: Array<{ms: number; ok: string; failing: string; streak: number}> = [];
		for (let i = 0; i < 80; i++) {
			const [ok = '', failing = '', streak = '0'] = (await podman(['inspect', '--format', '{{.State.Health.Status}} {{.State.Health.FailingStreak}}', names.ok, names.failing]))
				.split(/\s+/).filter((_, index) => index !== 1);
			seen.push({ms: Date.now() - startedAt, ok, failing, streak: Number(streak)});
			if (ok === 'healthy' && failing === 'unhealthy') break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const report = JSON.stringify(seen);
		expect(seen.some((s) => s.ok === 'healthy' && s.ms < 5000), report).toBe(true);
		// Start period (4 s): failures are ignored, the state stays "starting" with no failing streak.
		const inStartPeriod = seen.filter((s) => s.ms < 3500);
		expect(inStartPeriod.length, report).toBeGreaterThan(3);
		expect(inStartPeriod.every((s) => s.failing === 'starting' && s.streak === 0), report).toBe(true);
		// Then unhealthy, and only once the streak reached the retries (2).
		const unhealthy = seen.filter((s) => s.failing === 'unhealthy');
		expect(unhealthy.length, report).toBeGreaterThan(0);
		expect(unhealthy.every((s) => s.streak >= 2), report).toBe(true);
		const checksRun = Number(await podman(['inspect', '--format', '{{len .State.Health.Log}}', names.failing]));
		expect(checksRun).toBeGreaterThanOrEqual(5); // about one a second: the 4 s start period, then 2 counted failures
		expect(await podman(['inspect', '--format', '{{.State.Health.Status}}|{{.State.Health.Log}}', names.plain])).toBe('|[]');

		const short = (id: string) => id.slice(0, 12);
		expect(output).toContain(`${names.ok} ${short(okId)} starting -> healthy`);
		expect(output).toContain(`${names.failing} ${short(failingId)} starting -> unhealthy`);
		expect(output).not.toContain(short(plainId));

		const pid = Number(readOr(pidfile).trim());
		expect(pid).toBeGreaterThan(0);
		const exited = new Promise<number | null>((resolve) => scheduler?.on('exit', (code) => resolve(code)));
		const term = Date.now();
		process.kill(pid, 'SIGTERM');
		expect(await exited).toBe(0);
		expect(Date.now() - term).toBeLessThan(3000);
		expect(existsSync(pidfile)).toBe(false);
	});
});

describe('bootstrap.sh on the sandbox host, as alpine through doas (no service manager there)', () => {
	// Copies readable by the alpine user; run the way hoist runs it.
	const dir = path.join(tmp, 'templates');
	beforeAll(() => {
		cpSync(templates, dir, {recursive: true});
		chmodSync(tmp, 0o755);
		chmodSync(dir, 0o755);
	});

	it.each([['sh (dash on Debian)', '/bin/sh'], ['busybox ash (as on Alpine)', `${busybox} ash`]])('%s: changes nothing, finds podman and compose, succeeds', async (_label, shell) => {
		const result = await run('nsenter', [`--net=/run/netns/${env.HOIST_SANDBOX_NETNS}`, 'su', '-s', '/bin/sh', env.HOIST_SANDBOX_SSH_USER, '-c',
			`doas ${shell} ${dir}/bootstrap.sh`]);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		const lines = result.stdout.trim().split('\n');
		expect(lines.filter((line) => !/^hoist-(step|bootstrap) /.test(line)), 'no log output: nothing ran').toEqual([]);
		expect(lines.filter((line) => / (start|fail) /.test(line))).toEqual([]);
		expect(lines).toContain('hoist-step packages skip installed nothing (no service manager on this host)');
		expect(lines).toContain('hoist-step socket done Podman API answers on /run/podman/podman.sock');
		expect(lines.at(-1)).toBe('hoist-bootstrap os=debian version=12 manager=none compose=v1 installed=none compose_cmd=docker-compose migrate_req=yes');
	});
});
