import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {commandTable} from '../../source/commands/index.js';
import {runCli, type CliResult} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';
import {readmeEventTypes} from '../helpers/readme-events.js';

/**
 * The JSON output contract (issue 22): every line any command prints with --json parses and has a `type` the README's
 * table lists. Every command runs once on the fixture plan, in the order a user meets them; those that need a server
 * run against the fixture's journal, which has none, and fail fast with their JSON error.
 */
let stack: TempStack;
let env: NodeJS.ProcessEnv;
const runs: Array<{args: string[]; result: CliResult}> = [];

const hoist = async (...args: string[]) => {
	const result = await runCli(['--json', ...args], {cwd: stack.dir, fixture: true, env});
	runs.push({args, result});
	return result;
};
const lines = (result: CliResult) => result.stdout.split('\n').filter((line) => line !== '');
const types = (result: CliResult) => lines(result).map((line) => (JSON.parse(line) as {type: string}).type);

beforeAll(async () => {
	stack = makeTempStack();
	const flag = join(stack.dir, 'fail.flag');
	env = {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'beta', FIXTURE_FAIL_FLAG: flag};
	await hoist('--version');
	await hoist('--help');
	await hoist('up', '--help');
	await hoist('status');
	await hoist();
	await hoist('init');
	writeFileSync(flag, '');
	await hoist('up');
	await hoist();
	rmSync(flag);
	await hoist('up');
	await hoist('status');
	await hoist();
	await hoist('deploy');
	await hoist('rollback');
	await hoist('dns');
	await hoist('logs');
	await hoist('exec', 'web', '--', 'true');
	await hoist('ssh');
	await hoist('backup', '--list');
	await hoist('backup', '--yes');
	await hoist('restore', 'latest', '--yes');
	await hoist('upgrade', '--yes');
	await hoist('rehearse', '--on', 'alpine@127.0.0.1:9', '--yes');
	await hoist('rehearse', 'dns', 'list');
	await hoist('rehearse', 'dns', 'set', 'A', 'app.example.test', '10.77.0.9');
	await hoist('rehearse', 'status');
	await hoist('rehearse', 'logs');
	await hoist('rehearse', '--end');
	await hoist('nonsense');
	// Bare `hoist` where there is no hoist.yml.
	await hoist('--config', 'elsewhere.yml');
	await hoist('destroy');
	await hoist('destroy', '--yes');
}, 120_000);
afterAll(() => stack.cleanup());

it('runs every command of the table with --json', () => {
	const ran = new Set(runs.map(({args}) => args[0]));
	expect(commandTable.map((command) => command.name).filter((name) => !ran.has(name))).toEqual([]);
});

it('prints only JSON lines, each with a type the README lists, and at least one per command', () => {
	const listed = new Set(readmeEventTypes());
	for (const {args, result} of runs) {
		const command = `hoist ${args.join(' ')} --json`;
		expect(lines(result).length, command).toBeGreaterThan(0);
		for (const line of lines(result)) {
			let event: {type?: unknown};
			try {
				event = JSON.parse(line) as {type?: unknown};
			} catch {
				throw new Error(`${command} printed a line that is not JSON: ${line}`);
			}
			expect(listed, `${command}: ${line}`).toContain(event.type);
		}
	}
});

it('gives the status, the first-run and resume answers and the finish as typed events', () => {
	const outputs = (...args: string[]) => runs.filter((run) => run.args.join(' ') === args.join(' ')).map(({result}) => types(result));
	expect(outputs('status')).toEqual([['status'], ['status']]);
	expect(outputs()).toEqual([['first-run'], ['resume'], ['status']]);
	expect(outputs('up')[0]).toEqual(expect.arrayContaining(['run-started', 'step-failed', 'run-finished']));
	expect(outputs('--version')).toEqual([['version']]);
	expect(outputs('nonsense')).toEqual([['error']]);
	expect(outputs('--config', 'elsewhere.yml')).toEqual([['error']]);
	expect(outputs('rehearse', '--end')).toEqual([['rehearsal-ended']]);
});

it('says in `hoist status --json` that nothing has run, as a status event', () => {
	const first = runs.find(({args}) => args.join(' ') === 'status')!.result;
	expect(JSON.parse(first.stdout)).toEqual({type: 'status', at: expect.any(Number), journal: null});
	const after = runs.filter(({args}) => args.join(' ') === 'status')[1]!.result;
	expect(JSON.parse(after.stdout)).toMatchObject({type: 'status', stack: 'demo', steps: {alpha: {status: 'done'}}});
});
