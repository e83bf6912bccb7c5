import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';
import {put} from './bad-inputs/case.js';

/** `hoist rollback` and `hoist deploy` through the real CLI, on the fixture plan (it stands in for the release step). */
let stack: TempStack;
afterEach(() => stack.cleanup());

const hoist = async (args: string[], env: NodeJS.ProcessEnv = {}, fixture = true) => {
	const result = await runCli(args, {cwd: stack.dir, fixture, env: {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), ...env}});
	return {...result, output: `${result.stdout}${result.stderr}`};
};
const journal = () => JSON.parse(readFileSync(stack.journal, 'utf8')) as {pinnedRelease?: number; steps: Record<string, {error?: {nextSteps: Array<{text: string; command?: string}>}}>};

/** A deployed stack with releases 1–5, each with digests. */
function deployedJournal(): string {
	const at = '2026-01-01T00:00:00.000Z';
	const services = (n: number) => ({web: {image: 'registry.test/web:latest', digest: `sha256:${String(n).repeat(64)}`}});
	const release = {at, services: services(5)};
	return JSON.stringify({
		schema: 2,
		stack: 'demo',
		runId: '20260101T000000Z-abcdef',
		createdAt: at,
		updatedAt: at,
		steps: {deploy: {status: 'done', outputs: {release}, startedAt: at, finishedAt: at, durationMs: 1, reused: false}},
		resources: {},
		runs: [{command: 'up', startedAt: at, finishedAt: at, result: 'ok'}],
		releases: [1, 2, 3, 4, 5].map((number) => ({number, at, command: 'deploy', services: services(number)})),
	});
}

describe('a failed `hoist rollback 2`', () => {
	it('advises `hoist rollback 2` again, and following the advice keeps release 2 pinned', {timeout: 20_000}, async () => {
		stack = makeTempStack();
		put(stack.dir, '.hoist/state.json', deployedJournal());
		const flag = join(stack.dir, 'fail.flag');
		writeFileSync(flag, '');
		const failing = {FIXTURE_FAIL: 'beta', FIXTURE_FAIL_FLAG: flag};

		const failed = await hoist(['rollback', '2'], failing);
		expect(failed.code).toBe(2);
		expect(failed.output).toContain('Run `hoist rollback 2` again.');
		expect(failed.output).not.toMatch(/`hoist rollback` again/);
		expect(journal().pinnedRelease).toBe(2);
		expect(journal().steps['beta']?.error?.nextSteps).toContainEqual({text: 'Run `hoist rollback 2` again.', command: 'hoist rollback 2'});

		const advised = /Run `hoist (rollback[^`]*)` again/.exec(failed.output)![1]!.split(' ');
		const again = await hoist(advised);
		expect(again.code).toBe(0);
		expect(journal().pinnedRelease).toBe(2);
	});

	it('without a number, names the release it chose in its advice', {timeout: 20_000}, async () => {
		stack = makeTempStack();
		put(stack.dir, '.hoist/state.json', deployedJournal());
		const flag = join(stack.dir, 'fail.flag');
		writeFileSync(flag, '');
		const failed = await hoist(['rollback'], {FIXTURE_FAIL: 'beta', FIXTURE_FAIL_FLAG: flag});
		expect(failed.code).toBe(2);
		expect(failed.output).toContain('Run `hoist rollback 4` again.');
		expect(journal().pinnedRelease).toBe(4);
	});
});

describe('refused before .hoist/ is touched', {timeout: 20_000}, () => {
	// `hoist dns` runs its own plan, which the fixture would replace: it runs as shipped (it refuses before any step).
	it.each([
		[['rollback'], /Nothing is deployed yet, so there is nothing to roll back/, true],
		[['rollback', '2'], /Nothing is deployed yet/, true],
		[['deploy'], /Nothing is deployed yet, so there is nothing to deploy/, true],
		[['dns'], /This stack has no server yet/, false],
	])('`hoist %j` on a fresh stack: exit 2, no .hoist/', async (args, message, fixture) => {
		stack = makeTempStack();
		const result = await hoist(args, {}, fixture);
		expect(result.code).toBe(2);
		expect(result.output).toMatch(message);
		expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
	});
});
