import {join} from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {runCli, startCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
afterEach(() => stack.cleanup());

it('a second hoist up on the same stack exits non-zero naming the holder of the lock', async () => {
	stack = makeTempStack();
	const env = {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_SLOW_MS: '3000'};
	const first = startCli(['up', '--json'], {cwd: stack.dir, fixture: true, env});
	await first.waitForEvent((event) => event['type'] === 'step-started');
	const second = await runCli(['up'], {cwd: stack.dir, fixture: true, env});
	expect(second.code).toBe(2);
	expect(second.stderr).toContain(`hoist up (pid ${first.child.pid} on`);
	expect(second.stderr).toContain('This stack is busy');
	expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace
	first.child.kill('SIGINT');
	expect((await first.done).code).toBe(130);
});
