import type {z} from 'zod';
import type {Config} from '../config/schema.js';
import type {StackFiles} from './stack-files.js';
import type {Services} from '../services.js';
import type {DetailRow} from './details.js';
import type {Release} from './journal.js';

/**
 * Outputs of every step, by step id. Each file in steps/ exports the zod schema of its outputs and adds its entry:
 *
 *   declare module '../source/engine/step.js' { interface StepOutputs { ami: AmiOutputs } }
 *
 * Outputs are written to the journal, so they are plain JSON and never hold a secret.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- empty here, filled by each step's declaration merging
export interface StepOutputs {}

export type StepId = keyof StepOutputs & string;

/** A resource a step created or adopted, recorded as soon as it exists so destroy and resume can find it. */
export interface ResourceRecord {
	/** e.g. instance, security-group, key-pair, elastic-ip */
	type: string;
	id: string;
	/** false for things the user brought (an existing Elastic IP): destroy leaves those alone. */
	ownedByHoist: boolean;
	region?: string;
	createdAt?: string;
}

interface BaseContext {
	readonly config: Config;
	readonly files: StackFiles;
	/** Stable for one journal: a resumed run keeps it, `--restart` makes a new one. */
	readonly runId: string;
	readonly services: Services;
	readonly signal: AbortSignal;
	/** What the step is doing now, shown next to its spinner. */
	progress(message: string, fraction?: number): void;
	/** A line for the step's log tail. */
	log(line: string): void;
	/** A structured fact shown under the step (a sub-step, an image, a service): the newest per key is kept. */
	detail(row: DetailRow): void;
	/** Resources recorded so far, by `${type}:${id}`. */
	readonly resources: ReadonlyMap<string, ResourceRecord>;
	/** Records a resource in the journal at once (the journal is written before this returns). */
	recordResource(resource: ResourceRecord): Promise<void>;
	/** Removes a resource from the journal's record once it is gone. */
	forgetResource(type: string, id: string): Promise<void>;
	/**
	 * What another step recorded last, typed, whatever its place in the plan: for facts a step must not lose between
	 * runs (the Caddyfile keeps the domain block once DNS was confirmed). A hint like `previous`, never proof.
	 */
	recorded<Id extends StepId>(id: Id): StepOutputs[Id] | undefined;
	/** What was deployed so far, newest last. */
	readonly releases: readonly Release[];
	/** The release `hoist rollback` pinned the stack to, until the next `hoist deploy`. */
	readonly pinnedRelease: number | undefined;
}

export interface StepContext<Id extends StepId = StepId, Needs extends StepId = never> extends BaseContext {
	/** Outputs of the earlier steps this step declared in `needs`. */
	readonly outputs: {readonly [K in Needs]: StepOutputs[K]};
	/** What this step recorded last time, if anything: a hint for `check`, never proof. */
	readonly previous: StepOutputs[Id] | undefined;
	/**
	 * The command that runs this flow again, as the person types it: the run's own resume line (`hoist up`,
	 * `hoist deploy --service web`, a rehearsal's `hoist rehearse …`). A step's advice to run it again names this, never
	 * `hoist up` itself, and never in words ("run the command again"): the runner then adds no second resume line.
	 */
	readonly rerun: string;
	/** The command that shows what DNS answers for this flow's names: `hoist dns`, or a rehearsal's zone listing. */
	readonly dnsView: string;
}

/** What `hoist destroy` was asked to do beyond removing what hoist created. */
export interface DestroyOptions {
	/** Remove the stack's named volumes too (the user's data); without it an existing server keeps them. */
	volumes: boolean;
	/** On AWS: keep an EBS snapshot of the instance's root volume before it is terminated. */
	snapshot: boolean;
	/**
	 * The journal records no run that could have made anything (a lost .hoist/, a fresh checkout): its record of
	 * resources proves nothing, so undo looks at the world by name (on AWS it always finds by tag anyway).
	 */
	withoutJournal?: boolean;
}

export interface UndoContext<Id extends StepId = StepId> extends BaseContext {
	/** What this step recorded, if the journal still has it; undo must also find its resources by tag. */
	readonly previous: StepOutputs[Id] | undefined;
	readonly destroy: DestroyOptions;
}

/** What a step's local check may look at: this machine only, before `.hoist/` exists or is touched. */
export interface LocalCheckContext {
	readonly config: Config;
	readonly files: StackFiles;
	readonly environment: Readonly<Record<string, string | undefined>>;
}

/**
 * The contract of one wizard step. Steps never import UI code; they report through the context. Its title is not
 * here: the catalogue (source/wizard/catalogue.ts) gives every step its place and title, once.
 * `check` looks at the world (not just the journal): it returns the outputs if the work is really done.
 * `run` does the work; it must be safe to call again after a crash at any point (adopt what exists).
 * `undo` removes what the step created, for `hoist destroy`; it too must be safe to repeat.
 */
export interface Step<Id extends StepId = StepId, Needs extends StepId = never> {
	readonly id: Id;
	readonly needs: readonly Needs[];
	/** The shape of its outputs: what the journal holds is checked against it before another step reads it. */
	readonly outputs: z.ZodType<StepOutputs[Id]>;
	check(ctx: StepContext<Id, Needs>): Promise<StepOutputs[Id] | undefined>;
	run(ctx: StepContext<Id, Needs>): Promise<StepOutputs[Id]>;
	/**
	 * What can be checked on this machine alone, before the command takes the lock or opens the journal: a mistake
	 * found here (a UserError) refuses the command with `.hoist/` exactly as it was. Commands that undo skip it.
	 */
	localCheck?(ctx: LocalCheckContext): void;
	undo?(ctx: UndoContext<Id>): Promise<void>;
	/** What `hoist destroy` shows while undo runs, e.g. "Terminate the instance". */
	readonly undoTitle?: string;
	/** One line shown when the step is done, e.g. the image id it chose. */
	summary?(outputs: StepOutputs[Id]): string;
	/** The Ink view for this step's details; the step list's detail rows when absent. */
	readonly view?: string;
}

export function defineStep<Id extends StepId, Needs extends StepId = never>(step: Step<Id, Needs>): Step<Id, Needs> {
	return step;
}

/** The engine's view of a step in a plan: ids and outputs are only strings and JSON objects to it. */
export interface AnyStep extends AnyStepDefinition {
	/** What the screen calls it. */
	readonly title: string;
}

/** A step as its file defines it, before the catalogue gives it its title. */
export interface AnyStepDefinition {
	readonly id: string;
	readonly needs: readonly string[];
	readonly outputs?: z.ZodType<object>;
	check(ctx: AnyStepContext): Promise<object | undefined>;
	run(ctx: AnyStepContext): Promise<object>;
	localCheck?(ctx: LocalCheckContext): void;
	undo?(ctx: AnyUndoContext): Promise<void>;
	readonly undoTitle?: string;
	summary?(outputs: never): string;
	readonly view?: string;
}

export interface AnyStepContext extends BaseContext {
	readonly outputs: Readonly<Record<string, object>>;
	readonly previous: object | undefined;
	readonly rerun: string;
	readonly dnsView: string;
}

export interface AnyUndoContext extends BaseContext {
	readonly previous: object | undefined;
	readonly destroy: DestroyOptions;
}

export type Plan = readonly AnyStep[];
