import {copyFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {freshEmulatorPerTest, type E2eStack} from '../helpers/e2e-stack.js';
import {httpGet} from '../helpers/stack-host.js';
import {instancePodman} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();

async function ok(stack: E2eStack, args: string[]) {
	const result = await stack.run([...args, '--json']);
	const failure = result.events.find((event) => event['type'] === 'step-failed');
	expect(result.code, JSON.stringify(failure ?? result.stderr, null, 2)).toBe(0);
	return result;
}

interface Status {
	releases: Array<{number: number; restored?: number; services: Record<string, {image: string; digest?: string}>}>;
	pinnedRelease?: number;
	server: {containers: Array<{service: string; image: string; digest?: string}>};
}

async function status(stack: E2eStack): Promise<Status> {
	return JSON.parse((await stack.run(['status', '--json'])).stdout) as Status;
}

describe('images named the Docker way', () => {
	it('deploys busybox:stable and hoistdemo/web from docker.io without a login, shows their full names, and rolls back by digest', async () => {
		const sandbox = emulator.sandbox();
		// Pulled from the mirror by this run, not found in the instance's store from an earlier one (Podman resolves a
		// short name that matches a local image without asking any registry).
		await instancePodman(sandbox, ['rmi', '--force', 'docker.io/hoistdemo/web:v1', 'docker.io/hoistdemo/web:v2', 'docker.io/hoistdemo/migrate:v1', 'docker.io/library/busybox:stable']);
		// Caddy's image is in the private sandbox registry, named in a registry list (its token in the variable for its
		// server, not HOIST_REGISTRY_TOKEN); Docker Hub is pulled anonymously.
		const registry = sandbox.HOIST_SANDBOX_REGISTRY;
		const stack = emulator.stack({stack: 'short-names', noRegistry: true, extra: ['registry:', `  - server: ${registry}`, `    username: ${sandbox.HOIST_SANDBOX_REGISTRY_USER}`]});
		const tokenVariable = 'HOIST_REGISTRY_TOKEN_10_77_0_1_5000';
		const env = {HOIST_REGISTRY_TOKEN: '', [tokenVariable]: sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD};
		const run = stack.run.bind(stack);
		stack.run = (args, overrides) => run(args, {...env, ...overrides});
		copyFileSync(sandbox.HOIST_SANDBOX_SHORT_NAMES_COMPOSE_FILE, join(stack.dir, 'docker-compose.yml'));
		const up = await ok(stack, ['up']);
		expect(JSON.parse((await httpGet(sandbox, '/health')).body)).toMatchObject({version: 'v1'});
		expect(up.stdout).not.toContain(sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD);
		expect(up.events.find((event) => event['type'] === 'finish')).toMatchObject({
			images: expect.arrayContaining([{service: 'web', image: 'docker.io/hoistdemo/web:v1'}, {service: 'cache', image: 'docker.io/library/busybox:stable'}]),
		});
		expect(up.events).toContainEqual(expect.objectContaining({type: 'step-done', stepId: 'registry-login', summary: `${sandbox.HOIST_SANDBOX_REGISTRY_USER} at ${registry}`}));

		const first = await status(stack);
		expect(first.releases[0]!.services).toMatchObject({
			web: {image: 'docker.io/hoistdemo/web:v1', digest: expect.stringMatching(/^sha256:/)},
			cache: {image: 'docker.io/library/busybox:stable'},
		});
		const images = (await instancePodman(sandbox, ['ps', '--filter', 'label=com.docker.compose.project=short-names', '--format', '{{.Image}}'])).stdout;
		expect(images).toContain('docker.io/hoistdemo/web:v1');
		expect(images).toContain('docker.io/library/busybox:stable');

		writeFileSync(join(stack.dir, '.env'), 'WEB_TAG=v2\n');
		await ok(stack, ['deploy']);
		expect(JSON.parse((await httpGet(sandbox, '/health')).body)).toMatchObject({version: 'v2'});

		await ok(stack, ['rollback']);
		expect(JSON.parse((await httpGet(sandbox, '/health')).body)).toMatchObject({version: 'v1'});
		const rolledBack = await status(stack);
		expect(rolledBack.pinnedRelease).toBe(1);
		const web = rolledBack.server.containers.find((container) => container.service === 'web');
		expect(web?.digest).toBe(first.releases[0]!.services['web']!.digest);
		expect(web?.image).toBe(`docker.io/hoistdemo/web@${first.releases[0]!.services['web']!.digest}`);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	}, 300_000);
});
