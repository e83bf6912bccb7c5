import type {DetailRow} from '../engine/details.js';
import {errorView, type EngineEvent, type PlannedStep} from '../engine/events.js';
import {asHoistError, cancellationOf, type HoistError} from '../errors.js';

export interface TaskReport {
	progress(message: string, fraction?: number): void;
	log(line: string): void;
	/** A row under the task (a sub-step, a service), as a step's details. */
	detail(row: DetailRow): void;
}

/**
 * Backup and restore through the engine's one event stream, so the screen, plain lines and --json show them as
 * they show a run: each item is a step of its own (started, progress, done or failed). They are not the wizard's
 * steps and leave the journal alone: a backup changes nothing hoist records.
 */
export class TaskStream {
	readonly #emit: (event: EngineEvent) => void;
	readonly #signal: AbortSignal;
	#failure: HoistError | undefined;

	constructor(emit: (event: EngineEvent) => void, signal: AbortSignal) {
		this.#emit = emit;
		this.#signal = signal;
	}

	start(runId: string, command: string, steps: PlannedStep[]): void {
		this.#emit({type: 'run-started', at: Date.now(), runId, command, steps});
	}

	/**
	 * Runs one task; a failure is reported on its step and thrown on, so the caller can clean up. `evenIfStopped`: the
	 * clean-up itself (starting stopped services again), which must run after Ctrl-C too.
	 */
	async task<T>(id: string, work: (report: TaskReport) => Promise<{value: T; summary?: string}>, options: {evenIfStopped?: boolean} = {}): Promise<T> {
		const started = Date.now();
		this.#emit({type: 'step-started', at: started, stepId: id});
		try {
			if (options.evenIfStopped !== true) this.#signal.throwIfAborted();
			const {value, summary} = await work({
				progress: (message, fraction) => this.#emit({type: 'step-progress', at: Date.now(), stepId: id, message, ...(fraction === undefined ? {} : {fraction})}),
				log: (line) => this.#emit({type: 'step-log', at: Date.now(), stepId: id, line}),
				detail: ({line, ...detail}) => this.#emit({type: 'step-detail', at: Date.now(), stepId: id, detail, line}),
			});
			this.#emit({type: 'step-done', at: Date.now(), stepId: id, durationMs: Date.now() - started, reused: false, ...(summary === undefined ? {} : {summary})});
			return value;
		} catch (thrown) {
			const error = this.#signal.aborted && options.evenIfStopped !== true ? cancellationOf(this.#signal) : asHoistError(thrown);
			this.#failure ??= error;
			this.#emit({type: 'step-failed', at: Date.now(), stepId: id, durationMs: Date.now() - started, error: errorView(error)});
			throw error;
		}
	}

	/** Ends the run; the exit code is the first failure's (or 0). `thrown`: a failure outside any task. */
	finish(thrown?: unknown): number {
		if (thrown !== undefined) this.#failure ??= this.#signal.aborted ? cancellationOf(this.#signal) : asHoistError(thrown);
		const error = this.#failure;
		this.#emit({type: 'run-finished', at: Date.now(), result: error ? (error.kind === 'cancelled' ? 'cancelled' : 'failed') : 'ok', ...(error ? {error: errorView(error)} : {})});
		return error?.exitCode ?? 0;
	}
}
