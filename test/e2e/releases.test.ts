import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {freshEmulatorPerTest, type E2eStack} from '../helpers/e2e-stack.js';
import {plainGet, requestLoops} from '../helpers/request-loop.js';
import {httpGet} from '../helpers/stack-host.js';
import {hostPodmanEnv, instancePodman, run, type SandboxEnv} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();

/** Visitors through Caddy over plain HTTP at the server's address, 20 a second, until stopped. */
const visitors = (sandbox: SandboxEnv) => requestLoops({web: plainGet(sandbox.HOIST_SANDBOX_HOST, '/health')});

function useWebTag(stack: E2eStack, tag: string): void {
	writeFileSync(join(stack.dir, '.env'), `WEB_TAG=${tag}\n`);
}

async function ok(stack: E2eStack, args: string[]) {
	const result = await stack.run([...args, '--json']);
	const failure = result.events.find((event) => event['type'] === 'step-failed');
	expect(result.code, JSON.stringify(failure ?? result.stderr, null, 2)).toBe(0);
	return result;
}

/** Points a tag of the sandbox registry at another image, as a CI pipeline pushing over a tag would. */
async function moveTag(sandbox: SandboxEnv, from: string, to: string): Promise<void> {
	const auth = mkdtempSync(join(tmpdir(), 'hoist-auth-'));
	try {
		const env = hostPodmanEnv(sandbox, join(auth, 'auth.json'));
		const podman = (args: string[], input?: string) => run('podman', args, {env, ...(input === undefined ? {} : {input})});
		expect((await podman(['login', '-u', sandbox.HOIST_SANDBOX_REGISTRY_USER, '--password-stdin', sandbox.HOIST_SANDBOX_REGISTRY], sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD)).code).toBe(0);
		expect((await podman(['pull', '-q', from])).code).toBe(0);
		expect((await podman(['tag', from, to])).code).toBe(0);
		expect((await podman(['push', '-q', to])).code).toBe(0);
	} finally {
		rmSync(auth, {recursive: true, force: true});
	}
}

describe('releases', () => {
	it('deploy v2 under load without a failed request, roll back to the digest of v1 although its tag moved, and deploy a slow starter without a failed request', async () => {
		const sandbox = emulator.sandbox();
		const registry = sandbox.HOIST_SANDBOX_REGISTRY;
		// A tag of this test's own, so moving it changes nothing for other tests.
		const tag = `${registry}/hoist/web:releases-test`;
		await moveTag(sandbox, sandbox.HOIST_SANDBOX_IMAGE_WEB_V1, tag);
		const stack = emulator.stack({stack: 'releases'});
		writeFileSync(join(stack.dir, 'hoist.yml'), readFileSync(join(stack.dir, 'hoist.yml'), 'utf8').replace('  port: 8080\n', '  port: 8080\n  healthPath: /health\n'));
		useWebTag(stack, 'releases-test');
		await ok(stack, ['up']);
		expect(JSON.parse((await httpGet(sandbox, '/health')).body)).toMatchObject({version: 'v1'});
		// A lost lookup of the web service's name costs a visitor one second, not the resolver's default five.
		const resolvConfPath = (await instancePodman(sandbox, ['inspect', '--format', '{{.ResolvConfPath}}', 'releases_hoist-caddy_1'])).stdout.trim();
		expect(readFileSync(resolvConfPath, 'utf8')).toMatch(/^options .*timeout:1.*attempts:3|^options .*attempts:3.*timeout:1/m);

		useWebTag(stack, 'v2');
		let load = visitors(sandbox);
		const deployed = await ok(stack, ['deploy']);
		let seen = await load.stop();
		expect(seen.failures).toEqual([]);
		expect(seen.sent).toBeGreaterThan(20);
		expect(seen.versions.get('web')!.at(-1)).toBe('v2');
		expect(deployed.events).toContainEqual(expect.objectContaining({type: 'message', lines: [expect.stringMatching(/^Live now: release 2: .*web sha256:/)]}));
		// The stack network's bridge has an address of its own now (addr_assign_type 3, NET_ADDR_SET): a container that
		// comes or goes no longer changes the gateway's address under Caddy (netavark 1.4 sets none).
		const bridge = (await instancePodman(sandbox, ['network', 'inspect', '--format', '{{.NetworkInterface}}', 'releases_default'])).stdout.trim();
		const assigned = await run('nsenter', [`--net=/run/netns/${sandbox.HOIST_SANDBOX_NETNS}`, 'unshare', '--mount', 'sh', '-c', `mount -t sysfs sysfs /sys && cat /sys/class/net/${bridge}/addr_assign_type`]);
		expect(assigned.stdout.trim(), assigned.stderr).toBe('3');

		const status = JSON.parse((await stack.run(['status', '--json'])).stdout) as {releases: Array<{number: number; command: string; services: Record<string, {image: string; digest?: string}>}>};
		expect(status.releases.map((release) => [release.number, release.command, release.services['web']?.image])).toEqual([
			[1, 'up', tag],
			[2, 'deploy', sandbox.HOIST_SANDBOX_IMAGE_WEB_V2],
		]);
		const v1Digest = status.releases[0]!.services['web']!.digest;
		expect(v1Digest).toMatch(/^sha256:[0-9a-f]{64}$/);

		// The tag release 1 ran now names v3; a rollback must bring back what ran, by digest.
		await moveTag(sandbox, sandbox.HOIST_SANDBOX_IMAGE_WEB_V3, tag);
		load = visitors(sandbox);
		await ok(stack, ['rollback']);
		seen = await load.stop();
		expect(seen.failures).toEqual([]);
		expect(JSON.parse((await httpGet(sandbox, '/health')).body)).toMatchObject({version: 'v1'});
		const rolledBack = JSON.parse((await stack.run(['status', '--json'])).stdout) as {releases: Array<{number: number; restored?: number; services: Record<string, {digest?: string}>}>; pinnedRelease?: number; server: {containers: Array<{service: string; digest?: string}>}};
		expect(rolledBack.releases.at(-1)).toMatchObject({number: 3, restored: 1});
		expect(rolledBack.pinnedRelease).toBe(1);
		expect(rolledBack.server.containers.find((container) => container.service === 'web')?.digest).toBe(v1Digest);
		// `hoist up` keeps the pin: nothing is redeployed from the moved tag.
		await ok(stack, ['up']);
		expect(JSON.parse((await httpGet(sandbox, '/health')).body)).toMatchObject({version: 'v1'});

		// v3 needs 5 s before it listens: traffic moves only once it answers.
		useWebTag(stack, 'v3');
		load = visitors(sandbox);
		await ok(stack, ['deploy']);
		seen = await load.stop();
		expect(seen.failures).toEqual([]);
		expect(seen.versions.get('web')!.at(-1)).toBe('v3');
		expect((await stack.run(['status', '--json'])).stdout).not.toContain('pinnedRelease');
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	}, 300_000);
});
