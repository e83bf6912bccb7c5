import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
	stack = makeTempStack();
	env = {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'beta', FIXTURE_FAIL_FLAG: join(stack.dir, 'flag')};
});
afterEach(() => stack.cleanup());

it('says there is nothing yet before the first run', async () => {
	const result = await runCli(['status'], {cwd: stack.dir, fixture: true, env});
	expect(result.code).toBe(0);
	expect(result.stdout).toContain('nothing has run for this stack');
	expect(result.stdout).toContain('hoist up');
});

it('after a failed run: each step, the failed one with its error and next steps', async () => {
	writeFileSync(env['FIXTURE_FAIL_FLAG']!, '');
	const up = await runCli(['up'], {cwd: stack.dir, fixture: true, env});
	expect(up.code).toBe(2);
	// Without a TTY the plain renderer writes timestamped lines.
	expect(up.stdout).toMatch(/^\d\d:\d\d:\d\d ✔ Fixture step alpha \(\d+ms\) — alpha made$/m);
	expect(up.stdout).toMatch(/^\d\d:\d\d:\d\d ✖ Fixture step beta/m);
	expect(up.stdout).toContain('Error: fixture step beta failed on purpose');

	const status = await runCli(['status'], {cwd: stack.dir, fixture: true, env});
	expect(status.code).toBe(0);
	expect(status.stdout).toMatch(/^ {2}✔ alpha +done +\d+ms +alpha made$/m);
	expect(status.stdout).toMatch(/^ {2}✖ beta +failed/m);
	expect(status.stdout).toContain('Last error, in step beta:');
	expect(status.stdout).toContain('1. remove the flag file');
	expect(status.stdout).toMatch(/Last: hoist up started .*, failed/);

	const json = await runCli(['status', '--json'], {cwd: stack.dir, fixture: true, env});
	const journal = JSON.parse(json.stdout) as {steps: Record<string, {status: string}>};
	expect(journal.steps['beta']?.status).toBe('failed');
});
