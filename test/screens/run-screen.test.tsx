import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {EngineEvent, ErrorView} from '../../source/engine/events.js';
import {RunScreen} from '../../source/ui/ink/RunScreen.js';
import {initialRunState, reduceRun, type RunState} from '../../source/ui/run-state.js';
import {failedRun, T0, until} from './run-events.js';

afterEach(() => {
	cleanup();
});

function frameOf(state: RunState): string {
	const {lastFrame} = render(<RunScreen state={state} now={T0 + 1_000} tick={0} />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

const cancelled: ErrorView = {kind: 'cancelled', code: 'CANCELLED', message: 'Cancelled.', nextSteps: [{text: 'Run `hoist up` again to resume where it stopped.', command: 'hoist up'}]};

describe('RunScreen', () => {
	it('says a cancelled step was cancelled, with the way to resume', () => {
		const events: EngineEvent[] = [
			...until(failedRun(), 'step-failed'),
			{type: 'step-failed', at: T0 + 900, stepId: 'launch', durationMs: 870, error: cancelled},
			{type: 'run-finished', at: T0 + 910, result: 'cancelled', error: cancelled},
		];
		const frame = frameOf(events.reduce(reduceRun, initialRunState));
		expect(frame).toContain('⊘ Launch instance (870ms)');
		expect(frame).toContain('Launch instance was cancelled');
		expect(frame).toContain('1. Run `hoist up` again to resume where it stopped.');
		expect(frame).not.toContain('All steps done.');
	});

	it('shows nothing but the error and messages before any run started', () => {
		const frame = frameOf({...initialRunState, outsideError: cancelled, messages: ['Bye.']});
		expect(frame).toContain('Stopped: Cancelled.');
		expect(frame).toContain('Bye.');
		expect(frame).not.toContain('· run');
	});
});
