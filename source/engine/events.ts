import {ExternalError, type ErrorKind, type HoistError, type NextStep} from '../errors.js';
import type {StepDetail} from './details.js';

/** A failure as renderers and the journal see it: plain data, no stack unless it is a bug. */
export interface ErrorView {
	kind: ErrorKind;
	code: string;
	message: string;
	hint?: string;
	nextSteps: NextStep[];
	command?: string;
	output?: string;
	stack?: string;
}

export interface PlannedStep {
	id: string;
	title: string;
	/** The screen that shows this step's details (e.g. the DNS watcher); the step list's rows otherwise. */
	view?: string;
}

/**
 * The one stream every renderer (Ink, plain lines, JSON) is built from. Times are epoch milliseconds.
 * A step either runs (started → progress/log → done|failed) or is found already done by its check
 * (started → done with `reused: true`).
 */
export type EngineEvent =
	| {type: 'run-started'; at: number; runId: string; command: string; steps: PlannedStep[]}
	| {type: 'step-started'; at: number; stepId: string}
	| {type: 'step-progress'; at: number; stepId: string; message: string; fraction?: number}
	| {type: 'step-log'; at: number; stepId: string; line: string}
	| {type: 'step-detail'; at: number; stepId: string; detail: StepDetail; line: string}
	| {type: 'step-done'; at: number; stepId: string; durationMs: number; reused: boolean; summary?: string}
	| {type: 'step-failed'; at: number; stepId: string; durationMs: number; error: ErrorView}
	| {type: 'run-finished'; at: number; result: RunResult; error?: ErrorView};

export type RunResult = 'ok' | 'failed' | 'cancelled';

export type EventListener = (event: EngineEvent) => void;

export function errorView(error: HoistError): ErrorView {
	const view: ErrorView = {kind: error.kind, code: error.code, message: error.message, nextSteps: [...error.nextSteps]};
	if (error.hint !== undefined) view.hint = error.hint;
	if (error instanceof ExternalError) {
		view.command = error.command;
		if (error.output !== undefined) view.output = error.output;
	}
	if (error.kind === 'bug' && error.stack !== undefined) view.stack = error.stack;
	return view;
}
