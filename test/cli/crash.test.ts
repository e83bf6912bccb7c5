import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {JOURNAL_SCHEMA} from '../../source/engine/journal.js';
import {runCli, startCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

const steps = ['alpha', 'beta', 'gamma', 'delta'];
let stack: TempStack;
afterEach(() => stack?.cleanup());

function effects(): string[] {
	const file = join(stack.dir, 'effects.log');
	return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function journalStatuses(): Record<string, string> {
	const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {schema: number; steps: Record<string, {status: string}>};
	expect(journal.schema).toBe(JOURNAL_SCHEMA);
	return Object.fromEntries(Object.entries(journal.steps).map(([id, step]) => [id, step.status]));
}

async function resumeAndCheck(): Promise<void> {
	// Whatever the kill interrupted, the journal must still parse...
	if (existsSync(stack.journal)) journalStatuses();
	// ...and a plain re-run finishes with every side effect done exactly once.
	const second = await runCli(['up', '--json'], {cwd: stack.dir, fixture: true, env: {FIXTURE_EFFECTS: join(stack.dir, 'effects.log')}});
	expect(second.stderr).toBe('');
	expect(second.code).toBe(0);
	expect([...effects()].sort()).toEqual([...steps].sort());
	expect(journalStatuses()).toEqual(Object.fromEntries(steps.map((id) => [id, 'done'])));
}

describe('a run killed with SIGKILL converges on re-run', () => {
	const points = ['alpha:check', 'alpha:before', 'alpha:after', 'beta:check', 'beta:before', 'beta:after', 'gamma:check', 'gamma:after', 'delta:before', 'delta:after'];
	it.each(points)('killed at %s', async (point) => {
		stack = makeTempStack();
		const first = await runCli(['up', '--json'], {cwd: stack.dir, fixture: true, env: {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_KILL: point}});
		expect(first.signal).toBe('SIGKILL');
		// The dead run left its lock behind; the next run must take it over as stale.
		expect(existsSync(join(stack.dir, '.hoist', 'lock'))).toBe(true);
		await resumeAndCheck();
	});

	it.each([120, 380, 650, 900, 1150, 1500])('killed from outside after %i ms', async (delay) => {
		stack = makeTempStack();
		const run = startCli(['up', '--json'], {cwd: stack.dir, fixture: true, env: {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_SLOW_MS: '400'}});
		await run.waitForEvent((event) => event['type'] === 'run-started');
		await new Promise((resolve) => setTimeout(resolve, delay));
		run.child.kill('SIGKILL');
		await run.done;
		await resumeAndCheck();
	});
});
