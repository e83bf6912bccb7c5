import {describe, expect, it} from 'vitest';
import type {EngineEvent, ErrorView} from '../../source/engine/events.js';
import {initialRunState, LOG_LINES_KEPT, reduceRun, type RunState} from '../../source/ui/run-state.js';
import {capacityError, detailedRun, failedRun, launchLog, plan, successfulRetry, T0, until} from '../screens/run-events.js';

function reduceAll(events: EngineEvent[], from: RunState = initialRunState): RunState {
	return events.reduce(reduceRun, from);
}

function step(state: RunState, id: string) {
	const found = state.steps.find((candidate) => candidate.id === id);
	if (found === undefined) throw new Error(`no step ${id}`);
	return found;
}

describe('reduceRun', () => {
	it('lists the planned steps as pending when a run starts', () => {
		const state = reduceRun(initialRunState, {type: 'run-started', at: T0, runId: 'run-1', command: 'up', steps: plan});
		expect(state).toMatchObject({command: 'up', runId: 'run-1', attempt: 1, awaitingRetry: false});
		expect(state.steps.map(({id, status}) => [id, status])).toEqual([
			['credentials', 'pending'],
			['launch', 'pending'],
			['ssh', 'pending'],
		]);
	});

	it('tracks a running step with its start time, latest progress and log', () => {
		const state = reduceAll(until(failedRun(), 'step-failed'));
		expect(step(state, 'launch')).toMatchObject({
			status: 'running',
			startedAt: T0 + 30,
			progress: {message: 'Requesting t4g.small', fraction: 0.25},
			log: launchLog,
		});
		expect(step(state, 'ssh').status).toBe('pending');
	});

	it('marks a step found already done as reused, with its summary', () => {
		const state = reduceAll(until(failedRun(), 'step-progress'));
		expect(step(state, 'credentials')).toMatchObject({status: 'done', reused: true, durationMs: 10, summary: 'account 123456789012'});
	});

	it('records the failure and the result of a failed run', () => {
		const state = reduceAll(failedRun());
		expect(step(state, 'launch')).toMatchObject({status: 'failed', durationMs: 2_500});
		expect(state.failure).toEqual({stepId: 'launch', error: capacityError});
		expect(state.result).toBe('failed');
	});

	it('marks a cancelled step as cancelled, not failed', () => {
		const cancelled: ErrorView = {kind: 'cancelled', code: 'CANCELLED', message: 'Cancelled.', nextSteps: []};
		const state = reduceAll([
			...until(failedRun(), 'step-failed'),
			{type: 'step-failed', at: T0 + 900, stepId: 'launch', durationMs: 870, error: cancelled},
			{type: 'run-finished', at: T0 + 910, result: 'cancelled'},
		]);
		expect(step(state, 'launch').status).toBe('cancelled');
		expect(state.result).toBe('cancelled');
	});

	it('keeps only the newest log lines of a chatty step', () => {
		const lines = Array.from({length: LOG_LINES_KEPT + 50}, (_, index): EngineEvent => ({type: 'step-log', at: T0, stepId: 'launch', line: `line ${index}`}));
		const state = reduceAll([...until(failedRun(), 'step-progress'), {type: 'step-started', at: T0, stepId: 'launch'}, ...lines]);
		const {log} = step(state, 'launch');
		expect(log).toHaveLength(LOG_LINES_KEPT);
		expect(log[0]).toBe('line 50');
		expect(log.at(-1)).toBe(`line ${LOG_LINES_KEPT + 49}`);
	});

	it('keeps the newest detail per key, in the order the keys first appeared', () => {
		const state = reduceAll(detailedRun());
		expect(step(state, 'launch').details.map(({kind, data}) => ({kind, ...data}))).toEqual([
			{kind: 'substep', id: 'podman', title: 'Podman API socket', state: 'done'},
			{kind: 'image', image: 'ghcr.io/acme/web:v1', state: 'pulled', note: 'sha256:abc'},
			{kind: 'service', service: 'db', state: 'running', health: 'starting', note: 'pg_isready: no response'},
		]);
	});

	it('does not change its input', () => {
		const before = reduceAll(until(failedRun(), 'step-failed'));
		const snapshot = structuredClone(before);
		reduceAll(failedRun().slice(-2), before);
		expect(before).toEqual(snapshot);
	});

	describe('a retry of the same plan', () => {
		const afterFailure: RunState = {...reduceAll(failedRun()), awaitingRetry: true, messages: ['Retrying…']};
		const restarted = reduceRun(afterFailure, successfulRetry()[0]!);

		it('counts the attempt and resets every step, clearing the old failure, result and logs', () => {
			expect(restarted.attempt).toBe(2);
			expect(restarted.steps.every((candidate) => candidate.status === 'pending' && candidate.log.length === 0)).toBe(true);
			expect(restarted.failure).toBeUndefined();
			expect(restarted.result).toBeUndefined();
			expect(restarted.awaitingRetry).toBe(false);
		});

		it("keeps the renderer's messages", () => {
			expect(restarted.messages).toEqual(['Retrying…']);
		});

		it('clears an error shown between the runs (a hoist.yml that did not load at the first retry)', () => {
			const outsideError = {kind: 'user', code: 'CONFIG_INVALID', message: 'hoist.yml:3:1: bad', nextSteps: []} as const;
			expect(reduceRun({...afterFailure, outsideError: {...outsideError, nextSteps: []}}, successfulRetry()[0]!).outsideError).toBeUndefined();
		});

		it('ends with every step done', () => {
			const state = reduceAll(successfulRetry().slice(1), restarted);
			expect(state.steps.map(({status, reused}) => [status, reused])).toEqual([
				['done', true],
				['done', false],
				['done', false],
			]);
			expect(step(state, 'launch')).toMatchObject({summary: 'i-0abc123', durationMs: 12_300});
			expect(state.result).toBe('ok');
		});

		it('starts again at attempt 1 for a different plan', () => {
			const destroy = reduceRun(afterFailure, {type: 'run-started', at: T0, runId: 'run-1', command: 'destroy', steps: plan.slice(0, 1)});
			expect(destroy.attempt).toBe(1);
			expect(destroy.steps).toHaveLength(1);
		});
	});
});
