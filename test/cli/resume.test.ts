import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runCli, startCli, type CliResult} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
	stack = makeTempStack();
	env = {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'gamma', FIXTURE_FAIL_FLAG: join(stack.dir, 'fail-flag')};
});
afterEach(() => stack.cleanup());

const up = (...args: string[]) => runCli(['up', '--json', ...args], {cwd: stack.dir, fixture: true, env});
const effects = () => readFileSync(join(stack.dir, 'effects.log'), 'utf8').split('\n').filter(Boolean);
const done = (result: CliResult) =>
	Object.fromEntries(result.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], event['reused']]));

describe('resume', () => {
	it('resumes at the failed step without re-running the steps whose check passes', async () => {
		writeFileSync(env['FIXTURE_FAIL_FLAG']!, '');
		const first = await up();
		expect(first.code).toBe(2);
		const failed = first.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {message: string}};
		expect(failed.stepId).toBe('gamma');
		expect(failed.error.message).toBe('fixture step gamma failed on purpose');
		expect(done(first)).toEqual({alpha: false, beta: false});

		rmSync(env['FIXTURE_FAIL_FLAG']!);
		const second = await up();
		expect(second.code).toBe(0);
		expect(done(second)).toEqual({alpha: true, beta: true, gamma: false, delta: false});
		expect(effects()).toEqual(['alpha', 'beta', 'gamma', 'delta']);
	});

	it('re-runs a step the journal calls done when its check says the work is gone', async () => {
		expect((await up()).code).toBe(0);
		writeFileSync(join(stack.dir, 'effects.log'), 'alpha\ngamma\ndelta\n');
		const second = await up();
		expect(second.code).toBe(0);
		expect(done(second)).toEqual({alpha: true, beta: false, gamma: true, delta: true});
		expect(effects()).toEqual(['alpha', 'gamma', 'delta', 'beta']);
	});

	it('--from re-runs the named step and every later one', async () => {
		expect((await up()).code).toBe(0);
		const second = await up('--from', 'gamma');
		expect(done(second)).toEqual({alpha: true, beta: true, gamma: false, delta: false});
		expect(effects()).toEqual(['alpha', 'beta', 'gamma', 'delta', 'gamma', 'delta']);
	});

	it('--from with an unknown step names the real ones', async () => {
		const result = await runCli(['up', '--from', 'nope'], {cwd: stack.dir, fixture: true, env});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('There is no step "nope"');
		expect(result.stderr).toContain('alpha, beta, gamma, delta');
	});

	it('--restart starts a new run id and keeps the record of resources', async () => {
		expect((await up()).code).toBe(0);
		const before = JSON.parse(readFileSync(stack.journal, 'utf8')) as {runId: string};
		const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {resources: Record<string, unknown>};
		journal.resources['instance:i-1'] = {type: 'instance', id: 'i-1', ownedByHoist: true};
		writeFileSync(stack.journal, JSON.stringify(journal));
		const second = await up('--restart');
		expect(second.code).toBe(0);
		const after = JSON.parse(readFileSync(stack.journal, 'utf8')) as {runId: string; resources: Record<string, unknown>};
		expect(after.runId).not.toBe(before.runId);
		expect(Object.keys(after.resources)).toEqual(['instance:i-1']);
	});

	it('Ctrl-C stops the running step, saves the journal and exits 130; the next run completes', async () => {
		const run = startCli(['up', '--json'], {cwd: stack.dir, fixture: true, env: {...env, FIXTURE_SLOW_MS: '4000'}});
		await run.waitForEvent((event) => event['type'] === 'step-progress' && event['stepId'] === 'alpha');
		run.child.kill('SIGINT');
		const first = await run.done;
		expect(first.code).toBe(130);
		expect(first.events.at(-1)).toMatchObject({type: 'run-finished', result: 'cancelled'});
		const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {steps: Record<string, {status: string}>; runs: Array<{result: string}>};
		expect(journal.steps['alpha']?.status).toBe('pending');
		expect(journal.runs.at(-1)?.result).toBe('cancelled');
		const second = await up();
		expect(second.code).toBe(0);
	});
});
