import {copyFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {freshEmulatorPerTest, type E2eStack} from '../helpers/e2e-stack.js';
import {repoRoot} from '../helpers/run-cli.js';
import {httpGet, parseTimeline, sshAsStack} from '../helpers/stack-host.js';
import {instancePodman} from '../sandbox/sandbox.js';

/**
 * The sandbox host has no systemd, like Alpine with OpenRC: Podman alone never runs a healthcheck there, and a stack
 * whose migration waits for `db` to be healthy would wait forever. hoist's health scheduler runs them.
 */
const emulator = freshEmulatorPerTest();

function healthStack(name: string): E2eStack {
	const stack = emulator.stack({stack: name});
	copyFileSync(join(repoRoot, 'test/fixtures/app/health.compose.yml'), join(stack.dir, 'docker-compose.yml'));
	return stack;
}

describe('healthchecks on a host without systemd', () => {
	it('db healthy → migrate → seed → web, in that order, proven by the fixture\'s timeline; the deploy shows db while it starts', async () => {
		const stack = healthStack('healthy');
		const result = await stack.run(['up', '--json']);
		expect(result.code, JSON.stringify(result.events.find((event) => event['type'] === 'step-failed') ?? result.stderr)).toBe(0);
		const timeline = parseTimeline((await httpGet(emulator.sandbox(), '/timeline')).body);
		expect(timeline.map((entry) => entry.name)).toEqual(['db-healthy', 'migrate', 'seed', 'web']);
		for (let index = 1; index < timeline.length; index++) expect(timeline[index - 1]!.at).toBeLessThan(timeline[index]!.at);
		const dbRows = result.events
			.filter((event) => event['type'] === 'step-detail' && (event['detail'] as {data: {service?: string}}).data.service === 'db')
			.map((event) => String(event['line']));
		expect(dbRows.some((line) => /service db: waiting \(starting\) — to become healthy; last check: db: not accepting connections yet/.test(line))).toBe(true);
		expect(dbRows.at(-1)).toBe('service db: running (healthy)');
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('a db that never becomes healthy fails the deploy within its own retry budget, showing what the check said; the journal resumes', async () => {
		const stack = healthStack('unhealthy');
		const started = Date.now();
		const result = await stack.run(['up'], {DB_HEALTHCHECK: 'never-healthy'});
		const took = Date.now() - started;
		expect(result.code, result.stdout).toBe(1);
		expect(result.stdout).toContain('Error: The service "db" is unhealthy: its healthcheck kept failing.');
		expect(result.stdout).toContain('db: FATAL: password authentication failed for user "app"');
		// start_period 12 s, then 3 failures 1 s apart: well under the 5-minute settle limit.
		expect(took).toBeLessThan(60_000);
		const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {steps: Record<string, {status: string}>};
		expect(journal.steps['deploy']?.status).toBe('failed');
		expect(journal.steps['upload']?.status).toBe('done');

		const fixed = await stack.run(['up', '--json']);
		expect(fixed.code).toBe(0);
		expect((await httpGet(emulator.sandbox(), '/health')).status).toBe(200);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('after a reboot (every container and the scheduler stopped) the boot path brings healthchecks back and the stack returns to healthy', async () => {
		const sandbox = emulator.sandbox();
		const stack = healthStack('reboot-health');
		expect((await stack.run(['up'])).code).toBe(0);
		expect((await sshAsStack(sandbox, stack.dir, 'doas sh -c \'kill "$(cat /run/hoist/health-scheduler.pid)"\'')).code).toBe(0);
		expect((await instancePodman(sandbox, ['stop', '--all', '--time', '1'])).code).toBe(0);

		const boot = await sshAsStack(sandbox, stack.dir, 'doas sh /srv/hoist/reboot-health/hoist-boot.sh start');
		expect(boot.code, boot.stdout + boot.stderr).toBe(0);
		expect(boot.stdout).toContain('hoist-health started');
		const health = async () => (await instancePodman(sandbox, ['inspect', '--format', '{{.State.Health.Status}}', 'reboot-health_db_1'])).stdout.trim();
		await expect.poll(health, {timeout: 30_000, interval: 500}).toBe('healthy');
		await expect.poll(async () => (await httpGet(sandbox, '/health').catch(() => ({status: 0}))).status, {timeout: 30_000}).toBe(200);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});
});
