import {copyFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {repoRoot} from '../helpers/run-cli.js';
import {sshAsStack} from '../helpers/stack-host.js';
import {deleteDnsRecord, instancePodman, run, runScript, setDnsRecord, type SandboxEnv} from '../sandbox/sandbox.js';

/**
 * test/sandbox/reboot.sh stops every container and the Podman API service, clears what a reboot clears, and starts the
 * stack's boot script before Podman's API service: the stack must come back by itself, over HTTPS, from the same
 * release, with its healthchecks running again (the stack waits for db to be healthy).
 */
const emulator = freshEmulatorPerTest();

/** GET /health over HTTPS as a browser would, trusting Pebble's root; undefined while nothing answers. */
async function healthOverHttps(sandbox: SandboxEnv, domain: string): Promise<{version: string} | undefined> {
	const result = await run('curl', ['-sS', '--fail', '--max-time', '3', '--resolve', `${domain}:443:${sandbox.HOIST_SANDBOX_HOST}`,
		'--cacert', sandbox.HOIST_SANDBOX_ACME_ROOT, `https://${domain}/health`]);
	return result.code === 0 ? (JSON.parse(result.stdout) as {version: string}) : undefined;
}

describe('after a reboot of the instance', () => {
	it('the stack comes back by itself over HTTPS from the same release within 60 s, healthchecks running again', async () => {
		const sandbox = emulator.sandbox();
		// A name of this run's own, already pointing at the instance: the certificate comes without waiting for DNS.
		const domain = `reboot-${Date.now().toString(36)}.${sandbox.HOIST_SANDBOX_DNS_ZONE}`;
		await setDnsRecord('all', domain, 'A', sandbox.HOIST_SANDBOX_HOST);
		try {
			await rebootAndCheck(sandbox, domain);
		} finally {
			await deleteDnsRecord('all', domain, 'A');
		}
	}, 300_000);
});

async function rebootAndCheck(sandbox: SandboxEnv, domain: string): Promise<void> {
	const stack = emulator.stack({stack: 'reboot', domain, dns: [`expectAddress: ${sandbox.HOIST_SANDBOX_HOST}`]});
	copyFileSync(join(repoRoot, 'test/fixtures/app/health.compose.yml'), join(stack.dir, 'docker-compose.yml'));
	const up = await stack.run(['up', '--json']);
	expect(up.code, JSON.stringify(up.events.find((event) => event['type'] === 'step-failed') ?? up.stderr)).toBe(0);
	const before = await healthOverHttps(sandbox, domain);
	expect(before).toMatchObject({version: 'v1'});
	const scheduler = (await sshAsStack(sandbox, stack.dir, 'cat /run/hoist/health-scheduler.pid')).stdout.trim();

	const rebooted = Date.now();
	const reboot = await runScript('reboot.sh');
	expect(reboot.stderr).toMatch(/boot scripts started: .*\breboot\b/);
	expect(reboot.stderr).toMatch(/Podman API service started 3s after the boot scripts/);
	// The boot script found no Podman API, said so, and waited for it.
	const bootLog = readFileSync(join(sandbox.HOIST_SANDBOX_DIR, 'run', 'reboot-reboot.log'), 'utf8');
	expect(bootLog).toMatch(/hoist-boot: stack reboot: waiting for the Podman API at \/run\/podman\/podman\.sock/);
	expect(bootLog).toMatch(/hoist-boot: stack reboot: the Podman API answered after \d+s/);
	expect(bootLog).toContain('hoist-boot: stack reboot started');

	await expect.poll(() => healthOverHttps(sandbox, domain), {timeout: 60_000 - (Date.now() - rebooted), interval: 500}).toMatchObject({version: 'v1'});
	const health = async () => (await instancePodman(sandbox, ['inspect', '--format', '{{.State.Health.Status}}', 'reboot_db_1'])).stdout.trim();
	await expect.poll(health, {timeout: 30_000, interval: 500}).toBe('healthy');
	const again = await sshAsStack(sandbox, stack.dir, 'pid=$(cat /run/hoist/health-scheduler.pid) && [ -d "/proc/$pid" ] && echo "$pid"');
	expect(again.code, again.stderr).toBe(0);
	expect(again.stdout.trim()).not.toBe(scheduler);

	const status = JSON.parse((await stack.run(['status', '--json'])).stdout) as {releases: unknown[]; server: {containers: Array<{service: string; state: string}>}};
	expect(status.releases).toHaveLength(1);
	expect(status.server.containers.find((container) => container.service === 'web')?.state).toBe('running');
	expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
}
