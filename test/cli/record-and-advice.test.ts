import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runCli, startCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';
import {journalBefore, put} from './bad-inputs/case.js';

/** Issue 8's three "must fix (record and advice)" items, as written there. */
let stack: TempStack;
afterEach(() => stack.cleanup());

const hoist = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, {cwd: stack.dir, fixture: true, env: {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), ...env}});
const stateDir = () => readdirSync(join(stack.dir, '.hoist')).sort();

describe('1. `hoist up --restart` never drops another stack\'s record of resources', () => {
	it('refuses, twice, a journal of stack "old-shop" holding an instance, says what it holds and how to destroy it; no .bak is written', async () => {
		stack = makeTempStack();
		put(stack.dir, '.hoist/state.json', journalBefore('old-shop'));
		const before = readFileSync(stack.journal, 'utf8');
		expect((await hoist(['up'])).code).toBe(2);
		for (const attempt of [1, 2]) {
			const restart = await hoist(['up', '--restart']);
			expect(restart.code, `attempt ${attempt}`).toBe(2);
			expect(restart.stderr).toContain('belongs to stack "old-shop", but hoist.yml says stack "demo". It records 1 AWS resource: instance i-0abc.');
			expect(restart.stderr).toContain('run `hoist destroy`');
			expect(readFileSync(stack.journal, 'utf8')).toBe(before);
			expect(stateDir()).toEqual(['state.json']);
		}
	});

	it('refuses to replace a damaged journal that still records resources', async () => {
		stack = makeTempStack();
		const damaged = journalBefore().replace('"done"', '"finished"');
		put(stack.dir, '.hoist/state.json', damaged);
		const restart = await hoist(['up', '--restart', '--json']);
		expect(restart.code).toBe(2);
		expect(restart.events.at(-1)).toMatchObject({type: 'error', error: {code: 'JOURNAL_HOLDS_RESOURCES'}});
		expect(restart.stdout).toContain('instance i-0abc');
		expect(readFileSync(stack.journal, 'utf8')).toBe(damaged);
	});

	it('numbers the copies of damaged journals and never overwrites one', async () => {
		stack = makeTempStack();
		for (const content of ['{first', '{second', '{third']) {
			put(stack.dir, '.hoist/state.json', content);
			const restart = await hoist(['up', '--restart']);
			expect(restart.code).toBe(0);
		}
		expect(stateDir()).toEqual(['state.json', 'state.json.bak.1', 'state.json.bak.2', 'state.json.bak.3']);
		expect(['1', '2', '3'].map((n) => readFileSync(`${stack.journal}.bak.${n}`, 'utf8'))).toEqual(['{first', '{second', '{third']);
	});
});

describe('2. a failed or interrupted `hoist destroy` advises `hoist destroy`, never `hoist up`', () => {
	const undoFails = {FIXTURE_UNDO_FAIL: 'beta'};

	it('after a failed undo, in plain output: the step\'s own `hoist up` advice is dropped, `hoist destroy` named', async () => {
		stack = makeTempStack();
		const result = await hoist(['destroy', '--yes'], undoFails);
		expect(result.code).toBe(2);
		expect(result.stdout).toContain('1. Wait a minute.');
		expect(result.stdout).toContain('2. Run `hoist destroy` again to finish removing what is left (it goes on from step beta).');
		expect(result.stdout).not.toContain('hoist up');
	});

	it('after a failed undo, in JSON and in the journal that `hoist status` reads', async () => {
		stack = makeTempStack();
		const result = await hoist(['destroy', '--yes', '--json'], undoFails);
		const advice = [{text: 'Wait a minute.'}, {text: 'Run `hoist destroy` again to finish removing what is left (it goes on from step beta).', command: 'hoist destroy'}];
		expect(result.events.find((event) => event['type'] === 'step-failed')).toMatchObject({error: {nextSteps: advice}});
		expect(result.events.at(-1)).toMatchObject({type: 'run-finished', result: 'failed', error: {nextSteps: advice}});
		const status = await hoist(['status']);
		expect(status.stdout).toContain('Last: hoist destroy started');
		expect(status.stdout).toContain('2. Run `hoist destroy` again');
		expect(status.stdout).not.toContain('hoist up');
	});

	it('after Ctrl-C, and following the advice finishes the removal without creating anything', async () => {
		stack = makeTempStack();
		expect((await hoist(['up'])).code).toBe(0);
		const run = startCli(['destroy', '--yes'], {cwd: stack.dir, fixture: true, env: {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_SLOW_MS: '5000'}});
		await new Promise((resolve) => run.child.stdout?.once('data', resolve));
		await new Promise((resolve) => setTimeout(resolve, 300));
		run.child.kill('SIGINT');
		const stopped = await run.done;
		expect(stopped.code).toBe(130);
		expect(stopped.stdout).toContain('Run `hoist destroy` again to finish removing what is left');
		expect(stopped.stdout).not.toContain('hoist up');
		const again = await hoist(['destroy', '--yes', '--json']);
		expect(again.code).toBe(0);
		expect(again.events.filter((event) => event['type'] === 'step-started').length).toBe(4);
		expect(readFileSync(join(stack.dir, 'effects.log'), 'utf8')).toBe('');
	});
});

describe('3. a refused command does not change the journal, and arguments are checked before anything touches disk', () => {
	it('`hoist up --restart --from bogus` exits 2 and leaves the journal as it was', async () => {
		stack = makeTempStack();
		expect((await hoist(['up'])).code).toBe(0);
		const before = readFileSync(stack.journal, 'utf8');
		const result = await hoist(['up', '--restart', '--from', 'bogus']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('There is no step "bogus"');
		expect(readFileSync(stack.journal, 'utf8')).toBe(before);
	});

	it('`hoist up --from nope` creates no .hoist/ and takes no lock', async () => {
		stack = makeTempStack();
		const result = await hoist(['up', '--from', 'nope']);
		expect(result.code).toBe(2);
		expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
	});

	it('a bad AWS variable is refused before .hoist/ exists', async () => {
		stack = makeTempStack();
		const result = await hoist(['up'], {AWS_REGION: 'us east 1'});
		expect(result.code).toBe(2);
		expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
	});

	it('a journal left as it was by a refused destroy (no terminal to confirm on)', async () => {
		stack = makeTempStack();
		put(stack.dir, '.hoist/state.json', journalBefore());
		const before = readFileSync(stack.journal, 'utf8');
		expect((await hoist(['destroy'])).code).toBe(2);
		expect(readFileSync(stack.journal, 'utf8')).toBe(before);
		expect(stateDir()).toEqual(['state.json']);
	});
});
