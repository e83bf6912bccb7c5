import {spawn} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {freshEmulatorPerTest, type E2eStack} from '../helpers/e2e-stack.js';
import {expectWiped, hostInventory, httpGet, parseTimeline, readTrace, sshAsStack} from '../helpers/stack-host.js';
import {instancePodman} from '../sandbox/sandbox.js';
import {stackLockPath} from '../../source/server/commands/stack-lock.js';

const emulator = freshEmulatorPerTest();

/** The steps every `hoist up` runs again whatever the journal says: the local compose check and the AWS account check. */
const alwaysChecked = new Set(['compose', 'preflight']);

async function deployed(stack: E2eStack, env: NodeJS.ProcessEnv = {}) {
	const result = await stack.run(['up', '--json'], env);
	const failure = result.events.find((event) => event['type'] === 'step-failed');
	expect(result.code, JSON.stringify(failure ?? result.stderr, null, 2)).toBe(0);
	return result;
}

function setCompose(stack: E2eStack, change: (text: string) => string): void {
	const file = join(stack.dir, 'docker-compose.yml');
	writeFileSync(file, change(readFileSync(file, 'utf8')));
}

describe('hoist up deploys the compose stack', () => {
	it('from nothing: migrate, then seed, then web, behind Caddy; one SSH connection; a second up changes nothing; the volume persists', async () => {
		const sandbox = emulator.sandbox();
		const stack = emulator.stack({stack: 'fixture'});
		const trace = join(stack.dir, 'trace.jsonl');
		await deployed(stack, {HOIST_SSH_TRACE: trace});
		expect(readTrace(trace).filter((entry) => entry.type === 'connect')).toHaveLength(1);

		const page = await httpGet(sandbox, '/');
		expect(page.status).toBe(200);
		expect(page.body).toContain('hoist fixture app v1');
		const timeline = parseTimeline((await httpGet(sandbox, '/timeline')).body);
		expect(timeline.map((entry) => entry.name)).toEqual(['migrate', 'seed', 'web']);
		expect(timeline[0]!.at).toBeLessThan(timeline[1]!.at);
		expect(timeline[1]!.at).toBeLessThan(timeline[2]!.at);

		rmSync(trace);
		const second = await deployed(stack, {HOIST_SSH_TRACE: trace});
		const done = second.events.filter((event) => event['type'] === 'step-done');
		expect(done.filter((event) => !alwaysChecked.has(String(event['stepId'])) && event['reused'] !== true)).toEqual([]);
		const sent = readTrace(trace);
		expect(sent.filter((entry) => entry.type === 'upload')).toEqual([]);
		expect(sent.filter((entry) => /podman pull|compose.* up /.test(entry.line ?? ''))).toEqual([]);
		// One round trip per remote step's check: ssh-ready, bootstrap, registry-login, upload, deploy.
		expect(sent.filter((entry) => entry.type === 'exec')).toHaveLength(5);

		const again = await stack.run(['up', '--from', 'deploy', '--json']);
		expect(again.code, again.stdout).toBe(0);
		const volume = (await instancePodman(sandbox, ['volume', 'inspect', '--format', '{{.Mountpoint}}', 'fixture_appdata'])).stdout.trim();
		const jobs = parseTimeline(readFileSync(join(volume, 'timeline'), 'utf8')).map((entry) => entry.name);
		expect(jobs).toEqual(['migrate', 'seed', 'migrate', 'seed']);
		expect(readFileSync(join(volume, 'seeded'), 'utf8')).toMatch(/^\d{4}-/);

		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
		await expectWiped(sandbox, 'fixture');
	});

	it('a migration that fails stops the deploy with its output (exit 1); once fixed, hoist up resumes at deploy', async () => {
		const stack = emulator.stack({stack: 'failing'});
		setCompose(stack, (text) => text.replace('command: ["migrate"]', 'command: ["fail"]'));
		const failed = await stack.run(['up']);
		expect(failed.code, failed.stdout).toBe(1);
		expect(failed.stdout).toContain('✖ Start the stack');
		expect(failed.stdout).toContain('Error: The one-shot service "migrate" exited with code 1.');
		expect(failed.stdout).toContain('migrate: ERROR: relation "users" already exists');
		expect(failed.stdout).toContain('Run `hoist up` again: it resumes at step deploy.');
		expect(failed.stdout).not.toMatch(/^\s+at /m);
		const inventory = await hostInventory(emulator.sandbox(), 'failing');
		expect(inventory.containers.map((container) => container.service).sort()).toEqual(['hoist-caddy', 'migrate']);

		setCompose(stack, (text) => text.replace('command: ["fail"]', 'command: ["migrate"]'));
		const fixed = await deployed(stack);
		const ran = fixed.events.filter((event) => event['type'] === 'step-done' && event['reused'] === false).map((event) => event['stepId']);
		expect(ran).toEqual(['compose', 'preflight', 'upload', 'deploy', 'dns', 'certificate']);
		expect((await httpGet(emulator.sandbox(), '/health')).body).toContain('"seeded":true');
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('a wrong registry token: exit 2 naming the registry and user; the token is nowhere, not even in the host\'s process list', async () => {
		const stack = emulator.stack({stack: 'badtoken'});
		const token = `wrong token $(id) 'quoted' "double" ;|& \`back\``;
		const trace = join(stack.dir, 'trace.jsonl');
		const run = stack.start(['up', '--json'], {HOIST_REGISTRY_TOKEN: token, HOIST_SSH_TRACE: trace});
		const seen = new Set<string>();
		const sampler = setInterval(() => {
			for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
				try {
					seen.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
				} catch {
					// gone
				}
			}
		}, 20);
		const result = await run.done;
		clearInterval(sampler);
		expect(result.code, result.stdout + result.stderr).toBe(2);
		const failed = result.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {code: string; message: string}};
		expect(failed.stepId).toBe('registry-login');
		expect(failed.error.code).toBe('REGISTRY_LOGIN_REFUSED');
		expect(failed.error.message).toBe(`${emulator.sandbox().HOIST_SANDBOX_REGISTRY} refused the login of deployer: the token is wrong or lacks permission.`);

		const stateDir = join(stack.dir, '.hoist');
		const everything = [
			result.stdout,
			result.stderr,
			readFileSync(trace, 'utf8'),
			...readdirSync(stateDir).map((file) => readFileSync(join(stateDir, file), 'utf8')),
			[...seen].join('\n'),
		].join('\n');
		expect(everything).toContain('registry-login');
		for (const part of [token, 'wrong token', "'quoted'"]) expect(everything).not.toContain(part);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});
});

describe('crashes and restarts of the server half', () => {
	it.each([
		['during the pull', (event: Record<string, unknown>) => event['type'] === 'step-detail' && (event['detail'] as {kind: string}).kind === 'image'],
		['during compose up', (event: Record<string, unknown>) => event['type'] === 'step-log' && String(event['line']).startsWith('Creating')],
	])('SIGKILL %s, then hoist up: exactly one container per service', async (_when, point) => {
		const stack = emulator.stack({stack: 'killed'});
		const run = stack.start(['up', '--json']);
		await run.waitForEvent(point);
		run.child.kill('SIGKILL');
		expect((await run.done).signal).toBe('SIGKILL');
		await deployed(stack);
		const services = (await hostInventory(emulator.sandbox(), 'killed')).containers.map((container) => container.service).sort();
		expect(services).toEqual(['hoist-caddy', 'migrate', 'seed', 'web']);
		expect((await httpGet(emulator.sandbox(), '/health')).status).toBe(200);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('a compose command still holding the stack\'s lock on the server (a killed run\'s): hoist deploy waits for it, says so, then releases', async () => {
		const stack = emulator.stack({stack: 'locked'});
		// Deployed first: a new instance's disk is wiped (the sandbox's stand-in for EC2), lock file and all.
		await deployed(stack);
		// The sandbox host is this machine: the lock is the file hoist's compose commands take there (underStackLock).
		mkdirSync(dirname(stackLockPath('locked')), {recursive: true});
		const holder = spawn('flock', [stackLockPath('locked'), 'sleep', '300'], {stdio: 'ignore', detached: true});
		try {
			writeFileSync(join(stack.dir, '.env'), 'WEB_TAG=v2\n');
			const run = stack.start(['deploy', '--json']);
			const waited = await run.waitForEvent((event) => event['type'] === 'step-log' && String(event['line']).includes('another command is changing stack locked on this server'));
			expect(waited['stepId']).toBe('deploy');
			await new Promise((resolve) => setTimeout(resolve, 2_000));
			const releasedAt = Date.now();
			process.kill(-holder.pid!, 'SIGTERM');
			const result = await run.done;
			expect(result.code, result.stderr).toBe(0);
			// The new web container was created once the lock was let go, not before (compose's own lines say when).
			const created = result.events.filter((event) => event['type'] === 'step-log' && String(event['line']).startsWith('Creating locked_web'));
			expect(created.length).toBeGreaterThan(0);
			expect(created.every((event) => Number(event['at']) > releasedAt)).toBe(true);
		} finally {
			if (holder.exitCode === null && holder.signalCode === null) process.kill(-holder.pid!, 'SIGKILL');
		}
		expect(JSON.parse((await httpGet(emulator.sandbox(), '/health')).body)).toMatchObject({version: 'v2'});
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('two stacks one after another, destroyed in between: both answer, and nothing of the first is left', async () => {
		const sandbox = emulator.sandbox();
		const first = emulator.stack({stack: 'first'});
		await deployed(first);
		expect((await httpGet(sandbox, '/health')).status).toBe(200);
		expect((await hostInventory(sandbox, 'first')).volumes.sort()).toEqual(['first_appdata', 'first_hoist_caddy_config', 'first_hoist_caddy_data']);
		expect((await first.run(['destroy', '--yes'])).code).toBe(0);
		await expectWiped(sandbox, 'first');

		const second = emulator.stack({stack: 'second'});
		await deployed(second);
		expect((await httpGet(sandbox, '/')).body).toContain('hoist fixture app v1');
		expect((await hostInventory(sandbox, 'first')).containers).toEqual([]);
		expect((await second.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('after a reboot (every container stopped) the boot script brings the stack back without hoist', async () => {
		const sandbox = emulator.sandbox();
		const stack = emulator.stack({stack: 'reboot'});
		const result = await deployed(stack);
		expect(result.events.find((event) => event['type'] === 'finish')).toMatchObject({bootCommand: '/srv/hoist/reboot/hoist-boot.sh start'});
		expect((await instancePodman(sandbox, ['stop', '--all', '--time', '1'])).code).toBe(0);
		await expect(httpGet(sandbox, '/health')).rejects.toThrow();
		const boot = await sshAsStack(sandbox, stack.dir, 'doas sh /srv/hoist/reboot/hoist-boot.sh start');
		expect(boot.code, boot.stdout + boot.stderr).toBe(0);
		await expect.poll(async () => (await httpGet(sandbox, '/health').catch(() => ({status: 0}))).status, {timeout: 20_000}).toBe(200);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});
});
