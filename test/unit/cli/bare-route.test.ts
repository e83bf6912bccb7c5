import {describe, expect, it} from 'vitest';
import {bareRoute} from '../../../source/commands/bare/bare-route.js';
import type {JournalData} from '../../../source/engine/journal.js';
import {situationOf, type Situation} from '../../../source/engine/situation.js';

const t = (minute: number) => `2026-11-30T02:${String(minute).padStart(2, '0')}:00.000Z`;

function journal(parts: Partial<JournalData>): JournalData {
	return {schema: 3, stack: 'demo', runId: 'r1', createdAt: t(0), updatedAt: t(9), steps: {}, resources: {}, runs: [], releases: [], ...parts};
}

const failedStep = {kind: 'user' as const, code: 'FIXTURE', message: 'beta broke', nextSteps: [{text: 'Run `hoist up` again: it resumes at step beta.', command: 'hoist up'}]};

describe('situationOf: how the last run ended, from the journal', () => {
	it('no journal, or one with no run: none', () => {
		expect(situationOf(undefined)).toEqual({state: 'none'});
		expect(situationOf(journal({}))).toEqual({state: 'none'});
	});

	it('a live lock holder wins: someone is running it now', () => {
		const holder = {pid: 1, host: 'h', startedAt: t(1), command: 'up'};
		expect(situationOf(journal({runs: [{command: 'up', startedAt: t(1)}]}), holder)).toEqual({state: 'running', holder});
	});

	it('a finished up is complete; a finished destroy is destroyed, with its time', () => {
		expect(situationOf(journal({runs: [{command: 'up', startedAt: t(1), finishedAt: t(2), result: 'ok'}]}))).toEqual({state: 'complete'});
		const destroyed = journal({destroyedAt: t(5), runs: [{command: 'destroy', startedAt: t(4), finishedAt: t(5), result: 'ok'}]});
		expect(situationOf(destroyed)).toEqual({state: 'destroyed', at: t(5)});
	});

	it('a failed run: the newest failed step, its error, and when the run ended', () => {
		const data = journal({
			runs: [{command: 'up', startedAt: t(1), finishedAt: t(3), result: 'failed'}],
			steps: {
				alpha: {status: 'done', startedAt: t(1), finishedAt: t(2)},
				old: {status: 'failed', startedAt: t(0), finishedAt: t(0), error: {...failedStep, message: 'older'}},
				beta: {status: 'failed', startedAt: t(2), finishedAt: t(3), error: failedStep},
			},
		});
		expect(situationOf(data)).toEqual({state: 'unfinished', command: 'up', outcome: 'failed', stepId: 'beta', error: failedStep, at: t(3)});
	});

	it('Ctrl-C: interrupted at the step written back as pending in this run', () => {
		const data = journal({
			runs: [{command: 'up', startedAt: t(4), finishedAt: t(6), result: 'cancelled'}],
			steps: {alpha: {status: 'done', startedAt: t(4)}, stale: {status: 'pending', startedAt: t(1)}, beta: {status: 'pending', startedAt: t(5)}},
		});
		expect(situationOf(data)).toEqual({state: 'unfinished', command: 'up', outcome: 'interrupted', stepId: 'beta', at: t(6)});
	});

	it('killed (no result, no lock holder): interrupted at the step still recorded as running, at its start', () => {
		const data = journal({runs: [{command: 'up', startedAt: t(4)}], steps: {alpha: {status: 'done'}, beta: {status: 'running', startedAt: t(5)}}});
		expect(situationOf(data)).toEqual({state: 'unfinished', command: 'up', outcome: 'interrupted', stepId: 'beta', at: t(5)});
	});

	it('a destroy that failed is unfinished as a destroy (the way on is to finish it)', () => {
		const data = journal({runs: [{command: 'up', startedAt: t(1), result: 'ok'}, {command: 'destroy', startedAt: t(7), finishedAt: t(8), result: 'failed'}], steps: {beta: {status: 'failed', finishedAt: t(8), error: failedStep}}});
		expect(situationOf(data)).toMatchObject({state: 'unfinished', command: 'destroy', outcome: 'failed', stepId: 'beta'});
	});
});

describe('bareRoute: what bare `hoist` does', () => {
	const unfinished: Situation = {state: 'unfinished', command: 'up', outcome: 'failed', stepId: 'beta', at: t(3)};
	const cases: Array<[string, boolean, Situation, boolean, ReturnType<typeof bareRoute>]> = [
		['no hoist.yml, on a terminal', false, {state: 'none'}, true, {kind: 'setup'}],
		['no hoist.yml, even with a journal', false, unfinished, false, {kind: 'setup'}],
		['nothing run yet, on a terminal: offers to run up', true, {state: 'none'}, true, {kind: 'first-run', ask: true}],
		['nothing run yet, no terminal: says to run up', true, {state: 'none'}, false, {kind: 'first-run', ask: false}],
		['destroyed: like the first run, with the time', true, {state: 'destroyed', at: t(5)}, false, {kind: 'first-run', ask: false, destroyedAt: t(5)}],
		['complete: the status', true, {state: 'complete'}, true, {kind: 'status'}],
		['running now: the status (it says who runs)', true, {state: 'running', holder: {pid: 1, host: 'h', startedAt: t(1), command: 'up'}}, true, {kind: 'status'}],
		['failed, on a terminal: the resume screen asks', true, unfinished, true, {kind: 'resume', ask: true, run: unfinished as Extract<Situation, {state: 'unfinished'}>}],
		['failed, no terminal: the resume facts, no question', true, unfinished, false, {kind: 'resume', ask: false, run: unfinished as Extract<Situation, {state: 'unfinished'}>}],
	];
	it.each(cases)('%s', (_name, configFound, situation, terminal, expected) => {
		expect(bareRoute({configFound, situation, terminal})).toEqual(expected);
	});
});
