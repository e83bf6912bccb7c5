import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Journal} from '../../source/engine/journal.js';
import {Redactor} from '../../source/engine/redactor.js';
import {runCli, startCli} from '../helpers/run-cli.js';
import {makeTempStack, minimalConfig, type TempStack} from '../helpers/temp-stack.js';
import {keepCapture} from '../screens/artifacts.js';

// Bare `hoist` without a terminal (the test's pipes, CI=true): it never asks, it prints what it would offer.
// Exit codes: 0 nothing to do or nothing run yet, 1 the last run failed or was interrupted, 2 no hoist.yml.
let stack: TempStack;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
	stack = makeTempStack();
	env = {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'beta', FIXTURE_FAIL_FLAG: join(stack.dir, 'flag')};
});
afterEach(() => stack.cleanup());

const hoist = (args: string[] = [], extra: NodeJS.ProcessEnv = {}) => runCli(args, {cwd: stack.dir, fixture: true, env: {...env, ...extra}});

describe('bare `hoist` without a terminal', () => {
	it('no hoist.yml: says to run `hoist init`, exit 2, and creates nothing', async () => {
		const empty = mkdtempSync(join(tmpdir(), 'hoist-empty-'));
		try {
			const result = await runCli([], {cwd: empty, fixture: true, env});
			expect(result.code).toBe(2);
			expect(result.stderr).toContain('No hoist.yml here: run `hoist init` to create one.');
			expect(existsSync(join(empty, '.hoist'))).toBe(false);
			const json = await runCli(['--json'], {cwd: empty, fixture: true, env});
			expect(json.code).toBe(2);
			expect(json.events[0]).toMatchObject({type: 'error', error: {code: 'NO_CONFIG'}});
		} finally {
			rmSync(empty, {recursive: true, force: true});
		}
	});

	it('hoist.yml and no journal: says to run `hoist up`, exit 0, runs nothing', async () => {
		const result = await hoist();
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Nothing has run for stack demo yet');
		expect(result.stdout).toContain('Next: run `hoist up`');
		expect(existsSync(stack.journal)).toBe(false);
		expect(existsSync(env['FIXTURE_EFFECTS']!)).toBe(false);
		expect((await hoist(['--json'])).events).toEqual([{type: 'first-run', stack: 'demo', next: 'hoist up'}]);
	});

	it('after a failed up: what happened and the command behind each offer, exit 1; nothing runs', async () => {
		writeFileSync(env['FIXTURE_FAIL_FLAG']!, '');
		expect((await hoist(['up'])).code).toBe(2);
		const result = await hoist();
		keepCapture('bare-failed-plain', result.stdout);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('The last `hoist up` of stack demo failed at step beta (Fixture step beta).');
		expect(result.stdout).toMatch(/^When: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/m);
		expect(result.stdout).toContain('Error: fixture step beta failed on purpose');
		expect(result.stdout).toMatch(/^ {2}Resume \(at step beta\) +hoist up$/m);
		expect(result.stdout).toMatch(/^ {2}Restart from a step you choose +hoist up --from STEP$/m);
		expect(result.stdout).toMatch(/^ {2}Destroy what hoist created for this stack +hoist destroy$/m);
		expect(result.stdout).toContain('Steps: alpha, beta, gamma, delta');
		expect(result.stdout).not.toContain('?');
		expect(result.stdout).not.toContain('gamma made');

		const json = await hoist(['--json']);
		expect(json.code).toBe(1);
		expect(json.events).toHaveLength(1);
		expect(json.events[0]).toMatchObject({
			type: 'resume', stack: 'demo', command: 'up', outcome: 'failed', stepId: 'beta',
			error: {message: 'fixture step beta failed on purpose'},
			steps: ['alpha', 'beta', 'gamma', 'delta'],
			offers: [{action: 'resume', command: 'hoist up'}, {action: 'restart-from', command: 'hoist up --from STEP'}, {action: 'destroy', command: 'hoist destroy'}],
		});
	});

	it('after Ctrl-C during a step: interrupted at that step, exit 1', async () => {
		const run = startCli(['up', '--json'], {cwd: stack.dir, fixture: true, env: {...env, FIXTURE_SLOW_MS: '4000'}});
		await run.waitForEvent((event) => event['type'] === 'step-progress' && event['stepId'] === 'alpha');
		run.child.kill('SIGINT');
		expect((await run.done).code).toBe(130);
		const result = await hoist();
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('The last `hoist up` of stack demo was interrupted at step alpha (Fixture step alpha).');
	});

	it('after a kill (no result recorded, the lock left behind): interrupted at the step that was running', async () => {
		const killed = await hoist(['up', '--json'], {FIXTURE_KILL: 'gamma:before'});
		expect(killed.signal).toBe('SIGKILL');
		const result = await hoist();
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('The last `hoist up` of stack demo was interrupted at step gamma (Fixture step gamma).');
		expect(result.stdout).toContain('Stopped (Ctrl-C, a signal, or a kill) before it finished; the journal is saved.');
	});

	it('after a finished up: the status, exit 0', async () => {
		expect((await hoist(['up'])).code).toBe(0);
		const result = await hoist();
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^Stack demo — run /m);
		expect(result.stdout).toMatch(/Last: hoist up started .*, ok/);
		expect(result.stdout).toMatch(/^ {2}✔ delta +done/m);
	});

	it('after a failed destroy: the only offer is to finish the destroy; nothing says `hoist up`', async () => {
		expect((await hoist(['up'])).code).toBe(0);
		expect((await hoist(['destroy', '--yes'], {FIXTURE_UNDO_FAIL: 'gamma'})).code).toBe(2);
		const result = await hoist();
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('The last `hoist destroy` of stack demo failed at step gamma');
		expect(result.stdout).toMatch(/^ {2}Finish the destroy +hoist destroy$/m);
		expect(result.stdout).not.toContain('hoist up');
	});

	it('after a failed rollback: resume offers the rollback with its release again, not only destroy', async () => {
		expect((await hoist(['up'])).code).toBe(0);
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		journal.beginRun('rollback', 'rollback 2');
		journal.endRun('failed');
		const result = await hoist();
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^ {2}Resume +hoist rollback 2$/m);
		expect((await hoist(['--json'])).events[0]).toMatchObject({type: 'resume', command: 'rollback', resume: 'rollback 2', offers: [{action: 'resume', command: 'hoist rollback 2'}, {action: 'destroy'}]});
	});

	it('after a finished destroy: says to run `hoist up` again, exit 0', async () => {
		expect((await hoist(['up'])).code).toBe(0);
		expect((await hoist(['destroy', '--yes'])).code).toBe(0);
		const result = await hoist();
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^Stack demo was destroyed at \d{4}-/m);
		expect(result.stdout).toContain('Next: run `hoist up`');
	});
});

describe('`hoist up` when nobody can answer (--yes, or no terminal)', () => {
	const incomplete = (extra: string) => minimalConfig({extra}).replace('aws:\n  sshCidr: 10.77.0.1/32\n', '');

	it('a registry section without HOIST_REGISTRY_TOKEN: exit 2 naming it, before anything is touched', async () => {
		writeFileSync(stack.config, minimalConfig({extra: 'registry:\n  server: ghcr.io\n  username: me\n'}));
		for (const args of [['up', '--yes'], ['up']]) {
			const result = await hoist(args);
			expect(result.code).toBe(2);
			expect(result.stderr).toContain('HOIST_REGISTRY_TOKEN');
			expect(result.stderr).toContain('registry section present (ghcr.io, user me) but HOIST_REGISTRY_TOKEN is not set');
			expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
			expect(existsSync(env['FIXTURE_EFFECTS']!)).toBe(false);
		}
		expect((await hoist(['up', '--yes'])).stderr).toMatch(/^Error: `hoist up --yes` asks nothing, and an answer is missing: HOIST_REGISTRY_TOKEN \(for registry\.server at hoist\.yml:9:11\)\.$/m);
	});

	it('a token variable missing for one of two registries: exit 2 before anything runs, naming the variable, the field and its file:line', async () => {
		writeFileSync(stack.config, minimalConfig({extra: 'registry:\n  - server: ghcr.io\n    username: me\n  - server: docker.io\n    username: hub\n'}));
		const result = await hoist(['up', '--yes'], {HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^Error: `hoist up --yes` asks nothing, and an answer is missing: HOIST_REGISTRY_TOKEN_DOCKER_IO \(for registry\.1\.server at hoist\.yml:11:13\)\.$/m);
		expect(result.stderr).toContain('hoist.yml:11:13: registry section present (docker.io, user hub) but HOIST_REGISTRY_TOKEN_DOCKER_IO is not set');
		expect(result.stderr).not.toContain('GHCR_IO');
		expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
		expect(existsSync(env['FIXTURE_EFFECTS']!)).toBe(false);
	});

	it('each missing answer named at once: the token and an existing server\'s host key', async () => {
		writeFileSync(stack.config, incomplete('server:\n  host: 10.77.0.250\nregistry:\n  server: ghcr.io\n  username: me\n'));
		const result = await hoist(['up', '--yes']);
		keepCapture('up-yes-missing-answers', result.stderr);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('2 answers are missing: HOIST_REGISTRY_TOKEN (for registry.server at hoist.yml:9:11), server.hostKey.');
		expect(result.stderr).toContain('server.hostKey is not set and no key of 10.77.0.250 is pinned yet');
		const json = await hoist(['up', '--yes', '--json']);
		expect(json.events.at(-1)).toMatchObject({type: 'error', error: {code: 'ANSWERS_MISSING'}});
	});

	it('with the token in the environment `up --yes` runs to the end with plain lines and no question', async () => {
		writeFileSync(stack.config, minimalConfig({extra: 'registry:\n  server: ghcr.io\n  username: me\n'}));
		const result = await hoist(['up', '--yes'], {HOIST_REGISTRY_TOKEN: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d ✔ Fixture step delta/m);
		expect(result.stdout).toContain('All steps done.');
		expect(result.stdout).not.toContain('?');
	});
});

describe('aws.alpineRelease: latest', () => {
	it('`up --yes` goes on, and says before the first step that the line may not be the checked one', async () => {
		writeFileSync(stack.config, minimalConfig({extra: '  alpineRelease: latest\n'}));
		const result = await hoist(['up', '--yes']);
		expect(result.code, result.stderr).toBe(0);
		const output = `${result.stderr}${result.stdout}`;
		expect(output).toMatch(/^Warning: aws\.alpineRelease is latest: hoist installs the newest published Alpine line, .*\(the checked line is 3\.23\)/m);
		expect(result.stdout).toMatch(/✔ Fixture step/);
		const json = await hoist(['up', '--yes', '--json']);
		const warning = json.events.findIndex((event) => JSON.stringify(event).includes('aws.alpineRelease is latest'));
		const firstStep = json.events.findIndex((event) => event['type'] === 'step-started');
		expect(warning).toBeGreaterThan(-1);
		expect(warning).toBeLessThan(firstStep);
	});
});

describe('bad settings of the first real run refused before anything runs, at their file:line', () => {
	it.each([
		['a registry list with a duplicate server', 'registry:\n  - server: ghcr.io\n    username: me\n  - server: GHCR.io\n    username: other\n', 'hoist.yml:11:13: registry.1.server: GHCR.io is listed twice (entry 1 and 2): one login per registry'],
		['aws.alpineRelease older than the oldest accepted line', '  alpineRelease: "3.19"\n', 'hoist.yml:8:18: aws.alpineRelease: Alpine 3.19 is older than the oldest line hoist accepts (3.20)'],
		['aws.alpineRelease that is not a release line', '  alpineRelease: "3.23.1"\n', 'hoist.yml:8:18: aws.alpineRelease: expected a release line like "3.23", or latest'],
	])('%s: exit 2', async (_name, extra, expected) => {
		writeFileSync(stack.config, minimalConfig({extra}));
		const result = await hoist(['up', '--yes'], {HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`Error: ${expected}`);
		expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
		expect(existsSync(env['FIXTURE_EFFECTS']!)).toBe(false);
	});
});
