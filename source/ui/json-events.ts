import type {EngineEvent, ErrorView} from '../engine/events.js';
import type {FinishFacts} from '../engine/finish.js';
import type {JournalData} from '../engine/journal.js';
import type {LockHolder} from '../engine/lock.js';
import type {UnfinishedRun} from '../engine/situation.js';
import type {LiveServer} from '../server/live.js';
import type {HostVersions} from '../server/commands/host-versions.js';
import type {ResumeOffer} from './resume-view.js';

/**
 * hoist's JSON output contract: every line `--json` prints is one of these, written by `writeJsonEvent`. The README's
 * table "JSON events" documents each type (a test compares it with `jsonEventTypes`). Times named `at` are epoch
 * milliseconds, except where a type says otherwise.
 */
export type JsonEvent =
	| EngineEvent
	/** A failure outside a run (config, lock, usage), or of a command that has no run. */
	| {type: 'error'; at: number; error: ErrorView}
	| {type: 'message'; at: number; lines: string[]}
	| ({type: 'finish'; at: number} & FinishFacts)
	/** The person answered no (or quit) before anything changed; exit 0. */
	| {type: 'declined'; at: number; message: string}
	| {type: 'version'; version: string}
	| HelpEvent
	| {type: 'first-run'; stack: string; destroyedAt?: string; next: string}
	| ResumeEvent
	| StatusEvent
	/** A line of a service's log (`hoist logs`). */
	| {type: 'log'; at: number; stream: OutputStream; line: string}
	/** A line a command printed on the server (`hoist exec`), then its exit status. */
	| {type: 'output'; at: number; stream: OutputStream; line: string}
	| {type: 'exit'; at: number; code: number; signal?: string}
	/** `hoist upgrade`: the versions before and after, the packages upgraded, the reboot (or that the host is not supported). */
	| UpgradeEvent
	/** `hoist rehearse --end`: whether anything was on a practice server (`server`: which one), now removed and forgotten. */
	| {type: 'rehearsal-ended'; removed: false}
	| {type: 'rehearsal-ended'; removed: true; server: string}
	/** `hoist rehearse dns list`: the rehearsal zone's records, one zone-file line each. */
	| {type: 'rehearsal-zone'; records: string[]}
	/**
	 * `hoist rehearse dns set|delete`: the record set that was replaced or removed. Its shape is spelled out here, not
	 * imported: the rehearsal builds on the commands, which build on ui/ (the rehearsal's ZoneChange must fit it).
	 */
	| {type: 'rehearsal-zone-changed'; action: 'set' | 'delete'; zone: string; record: {name: string; type: string; ttl?: number; value?: string}};

export type OutputStream = 'stdout' | 'stderr';
export type JsonEventType = JsonEvent['type'];

export interface HelpOption {
	name: string;
	short?: string;
	takesValue: boolean;
	description: string;
}

export interface HelpEvent {
	type: 'help';
	/** The command the help is about; null for hoist's own help. */
	command: string | null;
	usage?: string;
	options?: HelpOption[];
	commands?: Array<{name: string; summary: string}>;
	commonOptions: HelpOption[];
	/** What a terminal would show. */
	text: string;
}

/** Bare `hoist` after a failed or stopped run; `at` is when it stopped (ISO time), as the journal has it. */
export type ResumeEvent = {type: 'resume'; stack: string; steps: string[]; offers: ResumeOffer[]} & UnfinishedRun;

/**
 * `hoist status`: the journal's own fields at the top level (stack, runId, steps, resources, runs, releases…), `running`
 * while a run holds the lock, `server` once a stack is deployed; `journal: null` when nothing has run yet.
 */
export type StatusEvent =
	| {type: 'status'; at: number; journal: null}
	| ({type: 'status'; at: number; running?: LockHolder; server?: LiveServer & Record<string, unknown>} & JournalData);

/** `hoist upgrade`'s outcome; on a host without apk (`supported: false`) nothing was changed and there is no `after`. */
export interface UpgradeEvent {
	type: 'upgrade';
	at: number;
	server: string;
	os: string;
	supported: boolean;
	before: HostVersions;
	after?: HostVersions;
	/** "name old → new", in apk's order. */
	upgraded: string[];
	rebootedFor?: string;
	backAfterSeconds?: number;
}

/** Every type, in the order of the README's table. */
export const jsonEventTypes = [
	'run-started',
	'step-started',
	'step-progress',
	'step-log',
	'step-detail',
	'step-done',
	'step-failed',
	'run-finished',
	'finish',
	'message',
	'error',
	'declined',
	'status',
	'first-run',
	'resume',
	'log',
	'output',
	'exit',
	'upgrade',
	'rehearsal-zone',
	'rehearsal-zone-changed',
	'rehearsal-ended',
	'help',
	'version',
] as const satisfies readonly JsonEventType[];

// A type added to the union without a place in the list (and so in the README) does not compile.
type Unlisted = Exclude<JsonEventType, (typeof jsonEventTypes)[number]>;
const everyTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyTypeListed;

/** The one writer of hoist's JSON output: one event, one line. */
export function writeJsonEvent(out: NodeJS.WritableStream, event: JsonEvent): void {
	out.write(`${JSON.stringify(event)}\n`);
}
