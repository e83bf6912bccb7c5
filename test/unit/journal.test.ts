import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {JOURNAL_SCHEMA, Journal} from '../../source/engine/journal.js';
import {situationOf} from '../../source/engine/situation.js';
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
	it('keeps the command line a run resumes with when its arguments matter (rollback 2), read back on the next open', () => {
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		journal.beginRun('up', 'up');
		journal.endRun('ok');
		journal.beginRun('rollback', 'rollback 2 --with-jobs');
		journal.startStep('deploy');
		journal.endRun('failed');
		const runs = onDisk()['runs'] as Array<Record<string, unknown>>;
		expect(runs[0]).not.toHaveProperty('resume');
		expect(runs[1]).toMatchObject({command: 'rollback', resume: 'rollback 2 --with-jobs', result: 'failed'});
		expect(situationOf(Journal.open(stack.journal, 'demo', new Redactor()).data)).toMatchObject({state: 'unfinished', command: 'rollback', resume: 'rollback 2 --with-jobs'});
	});

	it('writes every transition to disk with schema, steps, outputs, timings and resources', () => {
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		expect(existsSync(stack.journal)).toBe(false);
		journal.beginRun('up');
		journal.startStep('ami');
		expect(onDisk()).toMatchObject({schema: JOURNAL_SCHEMA, stack: 'demo', steps: {ami: {status: 'running'}}});
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
		expect(error.nextSteps.map((step) => step.command)).toContain('hoist up --restart');
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
		expect(error.message).toContain(`journal format 7; this hoist reads ${JOURNAL_SCHEMA}`);
		expect(readFileSync(stack.journal, 'utf8')).toBe(future);
	});

	it('--restart sets an unreadable journal aside as a numbered copy, never overwriting an older one', () => {
		writeFileSync(stack.journal, 'garbage');
		const first = Journal.openForRestart(stack.journal, 'demo', new Redactor());
		expect(first.keptCopy).toBe(`${stack.journal}.bak.1`);
		first.journal.beginRun('up');
		expect(readFileSync(`${stack.journal}.bak.1`, 'utf8')).toBe('garbage');
		expect(onDisk()).toMatchObject({schema: JOURNAL_SCHEMA, stack: 'demo'});
		writeFileSync(stack.journal, 'more garbage');
		expect(Journal.openForRestart(stack.journal, 'demo', new Redactor()).keptCopy).toBe(`${stack.journal}.bak.2`);
		expect(readFileSync(`${stack.journal}.bak.1`, 'utf8')).toBe('garbage');
		expect(readFileSync(`${stack.journal}.bak.2`, 'utf8')).toBe('more garbage');
	});

	it('refuses a journal of another stack', () => {
		Journal.open(stack.journal, 'old-name', new Redactor()).beginRun('up');
		const error = errorOf(() => Journal.open(stack.journal, 'new-name', new Redactor()));
		expect(error.code).toBe('JOURNAL_OTHER_STACK');
		expect(error.nextSteps[0]?.text).toContain('stack: old-name');
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

describe('releases', () => {
	const v1 = {web: {image: 'ghcr.io/acme/web:1', digest: 'sha256:aaa'}};
	const v2 = {web: {image: 'ghcr.io/acme/web:2', digest: 'sha256:bbb'}};

	it('numbers each release, skips one that changed nothing, keeps them across --restart and forgets them on destroy', () => {
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		expect(journal.recordRelease({at: 't1', command: 'up', services: v1}).number).toBe(1);
		expect(journal.recordRelease({at: 't2', command: 'up', services: v1}).number).toBe(1);
		expect(journal.recordRelease({at: 't3', command: 'deploy', services: v2}).number).toBe(2);
		journal.pinRelease(1);
		journal.restart();
		expect(onDisk()).toMatchObject({releases: [{number: 1, services: v1}, {number: 2, command: 'deploy', services: v2}], pinnedRelease: 1});
		journal.markDestroyed();
		expect(onDisk()).toMatchObject({releases: []});
		expect(onDisk()['pinnedRelease']).toBeUndefined();
	});

	it('reads a journal of format 1: the release its deploy step recorded becomes release 1, written back in the current format', () => {
		const old = {
			schema: 1, stack: 'demo', runId: 'r', createdAt: 'c', updatedAt: 'u', runs: [], resources: {},
			steps: {deploy: {status: 'done', outputs: {release: {at: '2026-01-02T03:04:05Z', services: v1}}}},
		};
		writeFileSync(stack.journal, JSON.stringify(old));
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		expect(journal.data.releases).toEqual([{number: 1, at: '2026-01-02T03:04:05Z', command: 'up', services: v1}]);
		journal.beginRun('up');
		expect(onDisk()).toMatchObject({schema: JOURNAL_SCHEMA, releases: [{number: 1}]});
	});
});

function readdirNoTemp(): string[] {
	return readdirSync(join(stack.dir, '.hoist'));
}

describe('a journal of format 2, when the swap of hoist deploy was a step of its own (release)', () => {
	const v1 = {web: {image: 'ghcr.io/acme/web:1', digest: 'sha256:aaa'}};
	const v2 = {web: {image: 'ghcr.io/acme/web:2', digest: 'sha256:bbb'}};
	const at = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
	const format2 = (steps: object) => ({
		schema: 2, stack: 'demo', runId: 'r', createdAt: at(0), updatedAt: at(9), resources: {}, releases: [{number: 1, at: at(1), command: 'up', services: v1}],
		runs: [{command: 'up', startedAt: at(0), finishedAt: at(2), result: 'ok'}, {command: 'deploy', startedAt: at(3), finishedAt: at(5), result: 'failed'}],
		steps,
	});
	const deployed = {status: 'done', outputs: {release: {at: at(1), services: v1}}, startedAt: at(1), finishedAt: at(2), durationMs: 60_000, reused: false};
	const error = {kind: 'external', code: 'RELEASE_NOT_ANSWERING', message: 'The new web did not answer within 120s.', nextSteps: ['Look at its logs.']};

	it('a failed release becomes the deploy step\'s failure: the resume screen and `hoist up` resume at deploy', () => {
		writeFileSync(stack.journal, JSON.stringify(format2({deploy: deployed, release: {status: 'failed', startedAt: at(4), finishedAt: at(5), durationMs: 60_000, error}})));
		const journal = Journal.open(stack.journal, 'demo', new Redactor());
		expect(journal.data.schema).toBe(JOURNAL_SCHEMA);
		expect(journal.data.steps['release']).toBeUndefined();
		expect(journal.data.steps['deploy']).toEqual({status: 'failed', outputs: {release: {at: at(1), services: v1}}, startedAt: at(4), finishedAt: at(5), durationMs: 60_000, error: {...error, nextSteps: [{text: 'Look at its logs.'}]}});
		expect(situationOf(journal.data)).toMatchObject({state: 'unfinished', command: 'deploy', stepId: 'deploy'});
	});

	it('a release that went through becomes the deploy step\'s record, in its shape; one older than the deploy step\'s is dropped', () => {
		const released = {status: 'done', outputs: {at: at(4), services: v2, replaced: ['web']}, startedAt: at(4), finishedAt: at(5), durationMs: 60_000, reused: false, summary: 'replaced web'};
		writeFileSync(stack.journal, JSON.stringify(format2({deploy: deployed, release: released})));
		expect(Journal.open(stack.journal, 'demo', new Redactor()).data.steps['deploy']).toEqual({...released, outputs: {release: {at: at(4), services: v2}, replaced: ['web']}});

		const upSince = {...deployed, startedAt: at(6), finishedAt: at(7)};
		writeFileSync(stack.journal, JSON.stringify(format2({deploy: upSince, release: released})));
		expect(Journal.open(stack.journal, 'demo', new Redactor()).data.steps).toEqual({deploy: upSince});
	});
});
