import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {runBare} from '../../../source/commands/bare/bare.js';
import type {CommandIo} from '../../../source/cli/io.js';
import {openReadOnly} from '../../../source/cli/read-only.js';
import {commandTable} from '../../../source/commands/index.js';
import {JOURNAL_SCHEMA, type JournalData} from '../../../source/engine/journal.js';
import {makeTempStack, type TempStack} from '../../helpers/temp-stack.js';

// Counts the reads of the stack (hoist.yml, journal, lock) while bare `hoist` decides and hands off.
vi.mock('../../../source/cli/read-only.js', async (actual) => {
	const module = await actual<typeof import('../../../source/cli/read-only.js')>();
	return {...module, openReadOnly: vi.fn(module.openReadOnly)};
});

let stack: TempStack;
beforeEach(() => {
	stack = makeTempStack();
	vi.mocked(openReadOnly).mockClear();
});
afterEach(() => stack.cleanup());

function writeJournal(runs: JournalData['runs']): void {
	const at = '2026-12-07T09:00:00.000Z';
	const data: JournalData = {schema: JOURNAL_SCHEMA, stack: 'demo', runId: 'r1', createdAt: at, updatedAt: at, steps: {}, resources: {}, runs, releases: []};
	mkdirSync(dirname(stack.journal), {recursive: true});
	writeFileSync(stack.journal, JSON.stringify(data));
}

function pipes(): {io: CommandIo; out: () => string} {
	const stdout = new PassThrough();
	let text = '';
	stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
	const controller = new AbortController();
	const io = {
		stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {CI: 'true'},
		cancellation: {signal: controller.signal, cancel: () => controller.abort(), dispose: () => undefined},
	} as unknown as CommandIo;
	return {io, out: () => text};
}

describe('bare `hoist` reads the situation once', () => {
	it('after a finished run it hands the stack as read to `hoist status`: one read of hoist.yml, journal and lock', async () => {
		writeJournal([{command: 'up', startedAt: '2026-12-07T09:00:00.000Z', finishedAt: '2026-12-07T09:01:00.000Z', result: 'ok'}]);
		const {io, out} = pipes();
		const code = await runBare({config: stack.config, json: true, flags: {}, positionals: [], rest: []}, io, commandTable);
		expect(code).toBe(0);
		expect(JSON.parse(out())).toMatchObject({stack: 'demo', runs: [{command: 'up', result: 'ok'}]});
		expect(openReadOnly).toHaveBeenCalledTimes(1);
	});

	it('nothing run yet: the way to start, from the same one read', async () => {
		const {io, out} = pipes();
		expect(await runBare({config: stack.config, json: true, flags: {}, positionals: [], rest: []}, io, commandTable)).toBe(0);
		expect(JSON.parse(out())).toEqual({type: 'first-run', stack: 'demo', next: 'hoist up'});
		expect(openReadOnly).toHaveBeenCalledTimes(1);
	});
});
