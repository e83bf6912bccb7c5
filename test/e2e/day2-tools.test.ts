// hoist logs, exec, upgrade, ssh and status against a stack deployed on the sandbox (AWS flow, one deploy for the file).
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, release} from 'node:os';
import {join} from 'node:path';
import {DescribeSnapshotsCommand} from '@aws-sdk/client-ec2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ec2For} from '../helpers/aws-inventory.js';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {processesMatching} from '../helpers/remote-target.js';
import {hostInventory, sshAsStack} from '../helpers/stack-host.js';
import {instancePodman, readSandboxEnv, resetMoto, rotateHostKey, run, setSshd, sshArgs, type SandboxEnv} from '../sandbox/sandbox.js';

let sandbox: SandboxEnv;
let stack: E2eStack;

beforeAll(async () => {
	await resetMoto();
	sandbox = readSandboxEnv();
	stack = e2eStack(sandbox, {stack: 'tools'});
	const up = await stack.run(['up', '--json']);
	expect(up.code, up.stdout + up.stderr).toBe(0);
});

afterAll(async () => {
	await setSshd('start');
	await stack?.run(['destroy', '--yes']);
	stack?.cleanup();
});

/** The compose processes a `hoist logs` leaves on the host (which is this machine): none, once it ended. */
const logReaders = () => [...processesMatching('logs --no-color'), ...processesMatching('podman logs')].filter((process) => !process.includes('vitest'));

async function webContainer(): Promise<string> {
	const ps = await instancePodman(sandbox, ['ps', '--quiet', '--filter', 'label=com.docker.compose.project=tools', '--filter', 'label=com.docker.compose.service=web']);
	const id = ps.stdout.trim().split('\n')[0];
	if (!id) throw new Error(`no web container: ${ps.stderr}`);
	return id;
}

/** Makes web print a line on its own stdout (what its log records). */
async function webSays(text: string): Promise<void> {
	const said = await instancePodman(sandbox, ['exec', await webContainer(), 'sh', '-c', `echo ${text} >/proc/1/fd/1`]);
	expect(said.code, said.stderr).toBe(0);
}

describe('hoist logs', () => {
	it('logs web -f shows a line web prints within 2 s; Ctrl-C exits 130 and leaves no logs process on the host', async () => {
		const run = stack.start(['logs', 'web', '-f']);
		let out = '';
		run.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
		await expect.poll(() => out, {timeout: 15_000}).toContain('listening on :8080');
		expect(logReaders().length).toBeGreaterThan(0);

		const marker = `hoist-marker-${Date.now()}`;
		const said = Date.now();
		await webSays(marker);
		await expect.poll(() => out, {timeout: 2_000, interval: 20}).toContain(marker);
		const shownAfter = Date.now() - said;
		expect(out).toMatch(new RegExp(`^web_1 +\\| ${marker}$`, 'm'));

		const interrupted = Date.now();
		run.child.kill('SIGINT');
		const result = await run.done;
		const stoppedAfter = Date.now() - interrupted;
		expect(stoppedAfter).toBeLessThan(3_000);
		expect(result.code).toBe(130);
		expect(result.stderr).toBe('');
		expect(logReaders()).toEqual([]);
		console.info(`logs -f: the line showed ${shownAfter} ms after web printed it; Ctrl-C to exit ${stoppedAfter} ms`);
	});

	it('without a service: every service, each line prefixed as compose does; --tail; --since (podman logs on compose v1, same prefix)', async () => {
		const all = await stack.run(['logs', '--tail', '5']);
		expect(all.code, all.stderr).toBe(0);
		for (const container of ['migrate_1', 'seed_1', 'web_1', 'hoist-caddy_1']) expect(all.stdout).toMatch(new RegExp(`^${container} +\\| `, 'm'));
		expect(all.stdout).toContain('migrate: done');

		const marker = `hoist-since-${Date.now()}`;
		const since = String(Math.floor(Date.now() / 1000));
		await webSays(marker);
		const recent = await stack.run(['logs', 'web', 'migrate', '--since', since, '--tail', 'all']);
		expect(recent.code, recent.stderr).toBe(0);
		expect(recent.stdout).toMatch(new RegExp(`^web_1 +\\| ${marker}$`, 'm'));
		expect(recent.stdout).not.toContain('migrate: done');
		expect(logReaders()).toEqual([]);

		const json = await stack.run(['logs', 'web', '--tail', '1', '--json']);
		expect(json.events.every((event) => event['type'] === 'log')).toBe(true);
		expect(json.events.filter((event) => String(event['line']).includes(marker))).toEqual([expect.objectContaining({type: 'log', stream: 'stdout'})]);
	});

	it('usage errors before any connection: an unknown service, a time it does not understand (exit 2)', async () => {
		const unknown = await stack.run(['logs', 'nope']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('The stack has no service "nope".');
		expect(unknown.stderr).toContain('Use one of: migrate, seed, web, hoist-caddy');
		const since = await stack.run(['logs', '--since', 'yesterday']);
		expect(since.code).toBe(2);
		expect(since.stderr).toContain('--since "yesterday" is not a time hoist understands.');
	});
});

describe('hoist exec', () => {
	it('exec web -- cat /srv/www/health prints the fixture\'s health JSON', async () => {
		const started = Date.now();
		const result = await stack.run(['exec', 'web', '--', 'cat', '/srv/www/health']);
		console.info(`exec web -- cat: ${Date.now() - started} ms`);
		expect(result.code, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout)).toEqual({migrated: true, seeded: true, schema: 1, version: 'v1'});
	});

	it('passes the exit status through, each word as given, stdin forwarded; --json gives lines and the exit', async () => {
		const failed = await stack.run(['exec', 'web', '--', 'sh', '-c', 'echo "it is $0" >&2; exit 7', 'a b']);
		expect(failed.code).toBe(7);
		expect(failed.stderr).toContain('it is a b');
		const piped = await runWithInput(['exec', 'web', '--', 'sh', '-c', 'wc -c'], 'twelve bytes');
		expect(piped.stdout.trim()).toBe('12');
		const json = await stack.run(['exec', 'web', '--json', '--', 'cat', '/srv/www/health']);
		expect(json.events.map((event) => event['type'])).toEqual(['output', 'exit']);
		expect(json.events[1]).toMatchObject({type: 'exit', code: 0});
	});
});

async function runWithInput(args: string[], input: string) {
	const {runCli} = await import('../helpers/run-cli.js');
	return runCli(args, {cwd: stack.dir, env: stack.env(), input});
}

describe('hoist upgrade', () => {
	it('never runs while another run holds the lock (exit 2); on this Debian host: not supported, nothing changed, exit 0', async () => {
		const lock = join(stack.dir, '.hoist', 'lock');
		writeFileSync(lock, `${JSON.stringify({pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: 'deploy'})}\n`);
		try {
			const busy = await stack.run(['upgrade', '--yes']);
			expect(busy.code).toBe(2);
			expect(busy.stderr).toContain('This stack is busy');
			expect(busy.stderr).toContain(`hoist deploy (pid ${process.pid} on`);
		} finally {
			rmSync(lock, {force: true});
		}

		const before = await hostInventory(sandbox, 'tools');
		const started = Date.now();
		// No terminal and no --yes: a host it does not upgrade asks nothing.
		const plain = await stack.run(['upgrade']);
		expect(plain.code, plain.stderr).toBe(0);
		expect(plain.stdout).toMatch(/^hoist upgrade is not supported yet on Debian[^:]*: hoist upgrades the packages of Alpine hosts \(apk\) only\. Nothing was changed\.$/m);
		expect(plain.stdout).toContain(`Now: kernel ${release()}, Podman `);
		expect(plain.stdout).toContain('`sudo apt-get update && sudo apt-get upgrade`');
		const json = await stack.run(['upgrade', '--json']);
		expect(json.code, json.stderr).toBe(0);
		expect(json.events.map((event) => event['type'])).toEqual(['upgrade', 'message']);
		expect(json.events[0]).toMatchObject({supported: false, os: expect.stringMatching(/^Debian/), before: {kernel: release(), apk: false}, upgraded: []});
		console.info(`hoist upgrade on a host without apk: two runs in ${Date.now() - started} ms`);

		// Nothing changed: no reboot asked for, the same containers, still running; the stack answers.
		const marker = await sshAsStack(sandbox, stack.dir, 'test -e /var/lib/hoist/reboot-requested && echo present || echo absent');
		expect(marker.stdout.trim()).toBe('absent');
		expect(await hostInventory(sandbox, 'tools')).toEqual(before);
		const status = await stack.run(['status']);
		expect(status.code).toBe(0);
		expect(status.stdout).toMatch(/^ {2}web +running/m);
	});
});

describe('hoist ssh and status', () => {
	it('ssh -- cat /etc/hostname prints the host\'s name with exit 0; a command\'s status is passed through', async () => {
		const started = Date.now();
		const result = await stack.run(['ssh', '--', 'cat', '/etc/hostname']);
		const took = Date.now() - started;
		const plainStarted = Date.now();
		const plain = await run('ssh', [...sshArgs(sandbox, join(stack.dir, '.hoist', 'id_ed25519')), 'cat', '/etc/hostname']);
		console.info(`ssh -- cat /etc/hostname: hoist ${took} ms, plain ssh ${Date.now() - plainStarted} ms (exit ${plain.code})`);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout.trim()).toBe(readFileSync('/etc/hostname', 'utf8').trim());
		expect((await stack.run(['ssh', '--', 'exit', '3'])).code).toBe(3);
	});

	it('status with sshd down: the journal, and that the server does not answer (exit 1); back once sshd is', async () => {
		await setSshd('stop');
		try {
			const down = await stack.run(['status']);
			expect(down.code).toBe(1);
			expect(down.stdout).toMatch(/^Stack tools — run /);
			expect(down.stdout).toMatch(/✔ deploy +done/);
			expect(down.stdout).toContain('Server alpine@10.77.0.2 — instance running');
			expect(down.stdout).toContain('  The server does not answer: the port is closed (connection refused)');
			const json = await stack.run(['status', '--json']);
			expect(json.code).toBe(1);
			expect(json.events[0]).toMatchObject({stack: 'tools', server: {reachable: false, reason: 'the port is closed (connection refused)'}});
			const logs = await stack.run(['logs', 'web']);
			expect(logs.code).toBe(1);
			expect(logs.stderr).toContain('the port is closed (connection refused)');
		} finally {
			await setSshd('start');
		}
		const up = await stack.run(['status']);
		expect(up.code).toBe(0);
		expect(up.stdout).toMatch(/^ {2}web +running/m);
	});

	it('with the host key rotated, ssh refuses with the pinned-key message and the pin stays (last: it changes the key)', async () => {
		const knownHosts = join(stack.dir, '.hoist', 'known_hosts');
		const pinned = readFileSync(knownHosts, 'utf8');
		await rotateHostKey();
		const result = await stack.run(['ssh', '--', 'cat', '/etc/hostname']);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('Error: The SSH host key of 10.77.0.2 has changed; hoist did not connect.');
		expect(result.stderr).toMatch(/Instance i-\S+ was pinned with SHA256:\S+ and now presents SHA256:\S+/);
		expect(readFileSync(knownHosts, 'utf8')).toBe(pinned);
		const exec = await stack.run(['exec', 'web', '--', 'true']);
		expect(exec.code).toBe(2);
		expect(exec.stderr).toContain('has changed; hoist did not connect');
	});
});

describe('hoist destroy --snapshot', () => {
	it('keeps a snapshot of the root volume, tagged for the stack and the instance, listed by status; the instance is gone', async () => {
		const instanceId = (await stack.inventory()).instances[0]?.id;
		expect(instanceId).toMatch(/^i-/);
		const result = await stack.run(['destroy', '--snapshot', '--yes', '--json']);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		// The host key changed in the test before: stopping the containers first is best effort, the copy is taken anyway.
		const logs = result.events.filter((event) => event['type'] === 'step-log').map((event) => String(event['line']));
		expect(logs).toContainEqual(expect.stringMatching(/^could not stop the containers \(The SSH host key of 10\.77\.0\.2 has changed/));
		const snapshots = (await ec2For(sandbox).send(new DescribeSnapshotsCommand({OwnerIds: ['self'], Filters: [{Name: 'tag:hoist:stack', Values: ['tools']}]}))).Snapshots ?? [];
		expect(snapshots).toHaveLength(1);
		expect(snapshots[0]).toMatchObject({State: 'completed', Tags: expect.arrayContaining([{Key: 'hoist:instance', Value: instanceId}])});
		expect(logs).toContainEqual(`kept the snapshot ${snapshots[0]!.SnapshotId} of ${instanceId}'s root volume (${snapshots[0]!.VolumeSize} GiB)`);
		expect((await stack.inventory()).instances).toEqual([]);
		const status = await stack.run(['status']);
		expect(status.stdout).toMatch(new RegExp(`^ {2}snapshot +${snapshots[0]!.SnapshotId} {2}\\(yours: destroy leaves it\\)$`, 'm'));
	});
});
