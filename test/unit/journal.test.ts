import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Journal} from '../../source/engine/journal.js';
import {Redactor} from '../../source/engine/redactor.js';
import {BugError, UserError} from '../../source/errors.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
beforeEach(() => {
	stack = makeTempStack();
	mkdirSync(join(stack.dir, '.hoist'));
});
afterEach(() => stack.cleanup());

const onDisk = () => JSON.parse(readFileSync(stack.journal, 'utf8')) as Record<string, unknown>;

function errorOf(fn: () => unknown): UserError {
	try {
		fn();
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}
	throw new Error('expected a UserError');
}

describe('journal', () => {
	it('writes every transition to disk with schema, steps, outputs, timings and resources', () => {
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		expect(existsSync(stack.journal)).toBe(false);
		journal.beginRun('up');
		journal.startStep('ami');
		expect(onDisk()).toMatchObject({schema: 1, stack: 'demo', steps: {ami: {status: 'running'}}});
		journal.recordResource({type: 'instance', id: 'i-1', ownedByHoist: true, region: 'us-east-1'});
		journal.finishStep('ami', {imageId: 'ami-1'}, 1234, false, 'ami-1');
		journal.endRun('ok');
		expect(onDisk()).toMatchObject({
			steps: {ami: {status: 'done', outputs: {imageId: 'ami-1'}, durationMs: 1234, summary: 'ami-1'}},
			resources: {'instance:i-1': {type: 'instance', id: 'i-1', ownedByHoist: true}},
			runs: [{command: 'up', result: 'ok'}],
		});
		expect(readdirNoTemp()).toEqual(['state.json']);
	});

	it('refuses to write a secret, and leaves the file as it was', () => {
		const redactor = new Redactor();
		redactor.add('ghp_supersecrettoken');
		const journal = Journal.open(stack.journal, 'demo', redactor);
		journal.beginRun('up');
		const before = readFileSync(stack.journal, 'utf8');
		expect(() => journal.finishStep('login', {token: 'ghp_supersecrettoken'}, 1, false)).toThrow(BugError);
		expect(readFileSync(stack.journal, 'utf8')).toBe(before);
		expect(readFileSync(stack.journal, 'utf8')).not.toContain('ghp_supersecrettoken');
	});

	it('gives a clear error for a damaged journal and does not touch it', () => {
		writeFileSync(stack.journal, '{"schema": 1, "stack": "demo", "steps": {');
		const error = errorOf(() => Journal.open(stack.journal, 'demo', new Redactor()));
		expect(error.code).toBe('JOURNAL_UNREADABLE');
		expect(error.message).toMatch(/^\.hoist\/state\.json is damaged and cannot be read/);
		expect(error.nextSteps.join('\n')).toContain('hoist up --restart');
		expect(readFileSync(stack.journal, 'utf8')).toBe('{"schema": 1, "stack": "demo", "steps": {');
	});

	it('refuses a journal with the wrong shape', () => {
		writeFileSync(stack.journal, JSON.stringify({schema: 1, stack: 'demo', steps: []}));
		expect(errorOf(() => Journal.open(stack.journal, 'demo', new Redactor())).code).toBe('JOURNAL_UNREADABLE');
	});

	it('refuses a journal from a newer hoist and does not touch it', () => {
		const future = JSON.stringify({schema: 7, stack: 'demo', somethingNew: true});
		writeFileSync(stack.journal, future);
		const error = errorOf(() => Journal.open(stack.journal, 'demo', new Redactor()));
		expect(error.code).toBe('JOURNAL_TOO_NEW');
		expect(error.message).toContain('journal format 7; this hoist reads 1');
		expect(readFileSync(stack.journal, 'utf8')).toBe(future);
	});

	it('--restart sets an unreadable journal aside as a numbered copy, never overwriting an older one', () => {
		writeFileSync(stack.journal, 'garbage');
		const first = Journal.openForRestart(stack.journal, 'demo', new Redactor());
		expect(first.keptCopy).toBe(`${stack.journal}.bak.1`);
		first.journal.beginRun('up');
		expect(readFileSync(`${stack.journal}.bak.1`, 'utf8')).toBe('garbage');
		expect(onDisk()).toMatchObject({schema: 1, stack: 'demo'});
		writeFileSync(stack.journal, 'more garbage');
		expect(Journal.openForRestart(stack.journal, 'demo', new Redactor()).keptCopy).toBe(`${stack.journal}.bak.2`);
		expect(readFileSync(`${stack.journal}.bak.1`, 'utf8')).toBe('garbage');
		expect(readFileSync(`${stack.journal}.bak.2`, 'utf8')).toBe('more garbage');
	});

	it('refuses a journal of another stack', () => {
		Journal.open(stack.journal, 'old-name', new Redactor()).beginRun('up');
		const error = errorOf(() => Journal.open(stack.journal, 'new-name', new Redactor()));
		expect(error.code).toBe('JOURNAL_OTHER_STACK');
		expect(error.nextSteps[0]).toContain('stack: old-name');
	});

	it('restart keeps resources, resets steps and changes the run id', () => {
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		journal.recordResource({type: 'security-group', id: 'sg-1', ownedByHoist: true});
		journal.finishStep('ami', {imageId: 'ami-1'}, 1, false);
		const runId = journal.runId;
		journal.restart();
		expect(journal.runId).not.toBe(runId);
		expect(onDisk()).toMatchObject({steps: {ami: {status: 'pending'}}, resources: {'security-group:sg-1': {id: 'sg-1'}}});
	});
});

function readdirNoTemp(): string[] {
	return readdirSync(join(stack.dir, '.hoist'));
}

