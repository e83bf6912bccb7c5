import type {z} from 'zod';
import type {Config} from '../config/schema.js';
import {BugError, asHoistError, cancellationOf, type HoistError} from '../errors.js';
import {adviceFor} from './advice.js';
import type {Services} from '../services.js';
import type {DetailRow} from './details.js';
import {errorView, type EngineEvent, type EventListener, type PlannedStep, type RunResult} from './events.js';
import type {Journal} from './journal.js';
import {redactEvent, redactView, type Redactor} from './redactor.js';
import type {StackFiles} from './stack-files.js';
import {soundStepOutputs} from './outputs.js';
import {settleOnce} from './settle-once.js';
import {inStep} from './step-scope.js';
import type {AnyStep, AnyStepContext, AnyUndoContext, DestroyOptions, Plan, ResourceRecord, StepId} from './step.js';

export interface RunEnvironment {
	config: Config;
	files: StackFiles;
	services: Services;
	journal: Journal;
	redactor: Redactor;
	emit: EventListener;
	signal: AbortSignal;
}

export interface RunOutcome {
	result: RunResult;
	/** The step that failed or was interrupted. */
	stepId?: string;
	error?: HoistError;
}

/** Which steps to run: all of them (checking each first), or every step from `from` on without checking. */
export interface RunOptions {
	command: string;
	from?: string;
	/**
	 * The command line the advice tells the user to run again, when its arguments matter (`rollback 2`); default: the
	 * command. The steps' own advice names the same line (StepContext.rerun), so that a step's "run it again in a
	 * minute" replaces the runner's resume line instead of standing beside it with another command.
	 */
	resume?: string;
	/** What the steps' own advice names to see what DNS answers (StepContext.dnsView); default: `hoist dns`. */
	dnsView?: string;
}

/**
 * Runs a plan in order. Before each step its `check` looks at the world; work that is really done is skipped,
 * whatever the journal says. Every transition is written to the journal before the next one starts.
 */
export async function runPlan(plan: Plan, env: RunEnvironment, options: RunOptions): Promise<RunOutcome> {
	validatePlan(plan, options.from);
	const emit = redactingEmitter(env);
	const {journal} = env;
	journal.beginRun(options.command, options.resume);
	emit({type: 'run-started', at: Date.now(), runId: journal.runId, command: options.command, steps: plan.map(plannedStep)});

	const outputs: Record<string, object> = {};
	const schemas = outputSchemas(plan);
	let forcing = false;
	for (const step of plan) {
		if (step.id === options.from) forcing = true;
		const started = Date.now();
		emit({type: 'step-started', at: started, stepId: step.id});
		const ctx = stepContext(step, env, emit, outputs, schemas, {rerun: `hoist ${options.resume ?? options.command}`, dnsView: options.dnsView ?? 'hoist dns'});
		try {
			throwIfAborted(env.signal);
			let result = forcing ? undefined : await untilAborted(inStep(ctx.progress, () => step.check(ctx)), env.signal);
			const reused = result !== undefined;
			if (result === undefined) {
				journal.startStep(step.id);
				result = await untilAborted(inStep(ctx.progress, () => step.run(ctx)), env.signal);
			}
			const summary = step.summary?.(result as never);
			const durationMs = Date.now() - started;
			journal.finishStep(step.id, result, durationMs, reused, summary === undefined ? undefined : env.redactor.redact(summary));
			outputs[step.id] = result;
			emit({type: 'step-done', at: Date.now(), stepId: step.id, durationMs, reused, ...(summary === undefined ? {} : {summary})});
		} catch (thrown) {
			return finishWithFailure(options.resume ?? options.command, step.id, thrown, started, env, emit);
		}
	}
	journal.endRun('ok');
	emit({type: 'run-finished', at: Date.now(), result: 'ok'});
	return {result: 'ok'};
}

/**
 * `hoist destroy`: each step's undo, last step first. Undo finds its resources from the journal and by tag,
 * so it works with a partial or missing journal and can be repeated after a partial destroy.
 */
export async function undoPlan(plan: Plan, env: RunEnvironment, options: DestroyOptions = {volumes: false, snapshot: false}): Promise<RunOutcome> {
	const emit = redactingEmitter(env);
	const {journal} = env;
	const steps = [...plan].reverse().filter((step) => step.undo !== undefined);
	journal.beginRun('destroy');
	emit({type: 'run-started', at: Date.now(), runId: journal.runId, command: 'destroy', steps: steps.map((step) => ({id: step.id, title: step.undoTitle ?? `Undo: ${step.title}`}))});
	for (const step of steps) {
		const started = Date.now();
		emit({type: 'step-started', at: started, stepId: step.id});
		const schemas = outputSchemas(plan);
		const ctx: AnyUndoContext = {...baseContext(step, env, emit, schemas), previous: soundStepOutputs(journal.data, step.id as StepId, step.outputs), destroy: options};
		try {
			throwIfAborted(env.signal);
			await untilAborted(inStep(ctx.progress, () => step.undo!(ctx)), env.signal);
			emit({type: 'step-done', at: Date.now(), stepId: step.id, durationMs: Date.now() - started, reused: false});
		} catch (thrown) {
			return finishWithFailure('destroy', step.id, thrown, started, env, emit);
		}
	}
	journal.markDestroyed();
	journal.endRun('ok');
	emit({type: 'run-finished', at: Date.now(), result: 'ok'});
	return {result: 'ok'};
}

function finishWithFailure(command: string, stepId: string, thrown: unknown, started: number, env: RunEnvironment, emit: EventListener): RunOutcome {
	const error = env.signal.aborted ? cancellationOf(env.signal) : asHoistError(thrown);
	const view = redactView(errorView(error), env.redactor);
	view.nextSteps = adviceFor(command, stepId, view.nextSteps);
	const durationMs = Date.now() - started;
	if (error.kind === 'cancelled') env.journal.interruptStep(stepId);
	else env.journal.failStep(stepId, view, durationMs);
	const result: RunResult = error.kind === 'cancelled' ? 'cancelled' : 'failed';
	env.journal.endRun(result);
	emit({type: 'step-failed', at: Date.now(), stepId, durationMs, error: view});
	emit({type: 'run-finished', at: Date.now(), result, error: view});
	return {result, stepId, error};
}

function baseContext(step: AnyStep, env: RunEnvironment, emit: EventListener, schemas: OutputSchemas) {
	const {journal} = env;
	return {
		config: env.config,
		files: env.files,
		runId: journal.runId,
		services: env.services,
		signal: env.signal,
		progress: (message: string, fraction?: number) =>
			emit({type: 'step-progress', at: Date.now(), stepId: step.id, message, ...(fraction === undefined ? {} : {fraction})}),
		log: (line: string) => emit({type: 'step-log', at: Date.now(), stepId: step.id, line}),
		detail: ({line, ...detail}: DetailRow) => emit({type: 'step-detail', at: Date.now(), stepId: step.id, detail, line}),
		get resources(): ReadonlyMap<string, ResourceRecord> {
			return new Map(Object.entries(journal.data.resources));
		},
		recordResource: async (resource: ResourceRecord) => journal.recordResource(resource),
		forgetResource: async (type: string, id: string) => journal.forgetResource(type, id),
		recorded: <Id extends StepId>(id: Id) => soundStepOutputs(journal.data, id, schemas.get(id)),
		get releases() {
			return journal.data.releases;
		},
		get pinnedRelease() {
			return journal.data.pinnedRelease;
		},
	};
}

function stepContext(step: AnyStep, env: RunEnvironment, emit: EventListener, outputs: Record<string, object>, schemas: OutputSchemas, commands: {rerun: string; dnsView: string}): AnyStepContext {
	const needed: Record<string, object> = {};
	for (const id of step.needs) needed[id] = outputs[id]!;
	return {...baseContext(step, env, emit, schemas), outputs: needed, previous: soundStepOutputs(env.journal.data, step.id as StepId, step.outputs), ...commands};
}

type OutputSchemas = ReadonlyMap<string, z.ZodType<object>>;

/** The outputs' schemas of the plan's steps: what a step reads of another's record is checked against them. */
function outputSchemas(plan: Plan): OutputSchemas {
	return new Map(plan.flatMap((step) => (step.outputs ? [[step.id, step.outputs] as const] : [])));
}

function plannedStep(step: AnyStep): PlannedStep {
	return {id: step.id, title: step.title, ...(step.view === undefined ? {} : {view: step.view})};
}

function validatePlan(plan: Plan, from: string | undefined): void {
	const seen = new Set<string>();
	for (const step of plan) {
		for (const need of step.needs) {
			if (!seen.has(need)) throw new BugError(`Step "${step.id}" needs "${need}", which does not run before it.`);
		}
		seen.add(step.id);
	}
	if (from !== undefined && !seen.has(from)) throw new BugError(`Unknown step "${from}".`);
}

function throwIfAborted(signal: AbortSignal): void {
	if (signal.aborted) throw cancellationOf(signal);
}

/** Stops waiting for a step that ignores the signal; the journal is saved and the process can exit. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
	return settleOnce<T>({signal, aborted: () => cancellationOf(signal)}, (settle) => void work.then(settle.resolve, settle.reject));
}

function redactingEmitter(env: RunEnvironment): EventListener {
	return (event: EngineEvent) => env.emit(redactEvent(event, env.redactor));
}
