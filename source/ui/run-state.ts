import type {DetailRow} from '../engine/details.js';
import type {EngineEvent, ErrorView, PlannedStep, RunResult} from '../engine/events.js';
import type {StepStatus} from '../engine/step-status.js';
import type {FinishFacts} from '../engine/finish.js';


export interface StepProgress {
	message: string;
	fraction?: number;
}

export interface StepState {
	id: string;
	title: string;
	status: StepStatus;
	/** Found already done by its check, so nothing ran. */
	reused: boolean;
	summary?: string;
	startedAt?: number;
	durationMs?: number;
	progress?: StepProgress;
	/** The newest lines only; see LOG_LINES_KEPT. */
	log: string[];
	/** Structured rows under the step, newest per key, in the order each key first appeared. */
	details: DetailRow[];
	/** The view that renders the details, when the step named one. */
	view?: string;
}

export interface RunFailure {
	stepId: string;
	error: ErrorView;
}

export interface RunState {
	command: string;
	runId: string;
	/** 1 for the first run of a plan, 2 after the first retry, … */
	attempt: number;
	steps: StepState[];
	failure?: RunFailure;
	result?: RunResult;
	/** Set by the renderer while it waits for r or q. */
	awaitingRetry: boolean;
	/** A failure outside a run (config, lock), set by the renderer. */
	outsideError?: ErrorView;
	/** Closing lines from the renderer, shown under the step list. */
	messages: string[];
	/** After a successful `hoist up`: the finish screen's facts. */
	finish?: FinishFacts;
}

/** A chatty step (an image pull) must not grow memory without bound; the screen shows far fewer. */
export const LOG_LINES_KEPT = 200;
/** More rows than any screen shows; the oldest go first. */
export const DETAILS_KEPT = 100;

export const initialRunState: RunState = {command: '', runId: '', attempt: 0, steps: [], awaitingRetry: false, messages: []};

export function reduceRun(state: RunState, event: EngineEvent): RunState {
	switch (event.type) {
		case 'run-started': {
			// A new run clears the last failure and any error shown between runs (a hoist.yml that did not load).
			const {failure: _failure, result: _result, outsideError: _outsideError, ...rest} = state;
			// A retry re-runs the same plan: count attempts so the person sees this is a new try, not a stale screen.
			const attempt = isSamePlan(state, event.command, event.steps) ? state.attempt + 1 : 1;
			return {...rest, command: event.command, runId: event.runId, attempt, awaitingRetry: false, steps: event.steps.map(pendingStep)};
		}
		case 'step-started':
			return updateStep(state, event.stepId, (step) => ({...step, status: 'running', startedAt: event.at}));
		case 'step-progress': {
			const progress: StepProgress = {message: event.message};
			if (event.fraction !== undefined) progress.fraction = event.fraction;
			return updateStep(state, event.stepId, (step) => ({...step, progress}));
		}
		case 'step-log':
			return updateStep(state, event.stepId, (step) => ({...step, log: [...step.log, event.line].slice(-LOG_LINES_KEPT)}));
		case 'step-detail':
			return updateStep(state, event.stepId, (step) => ({...step, details: withDetail(step.details, {...event.detail, line: event.line})}));
		case 'step-done':
			return updateStep(state, event.stepId, (step) => {
				const done: StepState = {...step, status: 'done', reused: event.reused, durationMs: event.durationMs};
				if (event.summary !== undefined) done.summary = event.summary;
				return done;
			});
		case 'step-failed': {
			const status = event.error.kind === 'cancelled' ? 'cancelled' : 'failed';
			const failed = updateStep(state, event.stepId, (step) => ({...step, status, durationMs: event.durationMs}));
			return {...failed, failure: {stepId: event.stepId, error: event.error}};
		}
		case 'run-finished':
			return {...state, result: event.result};
	}
}

function pendingStep({id, title, view}: PlannedStep): StepState {
	return {id, title, status: 'pending', reused: false, log: [], details: [], ...(view === undefined ? {} : {view})};
}

function withDetail(details: DetailRow[], detail: DetailRow): DetailRow[] {
	const index = details.findIndex((other) => other.key === detail.key);
	if (index >= 0) return details.map((other, position) => (position === index ? detail : other));
	return [...details, detail].slice(-DETAILS_KEPT);
}

function isSamePlan(state: RunState, command: string, steps: PlannedStep[]): boolean {
	return state.command === command && state.steps.length === steps.length && state.steps.every((step, index) => step.id === steps[index]?.id);
}

function updateStep(state: RunState, stepId: string, change: (step: StepState) => StepState): RunState {
	return {...state, steps: state.steps.map((step) => (step.id === stepId ? change(step) : step))};
}
