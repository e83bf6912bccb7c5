import {randomBytes} from 'node:crypto';
import {constants, copyFileSync, existsSync, mkdirSync} from 'node:fs';
import {basename, dirname} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {z} from 'zod';
import {BugError, UserError, nextCommand, type NextStep} from '../errors.js';
import {writeFileAtomic} from '../files/atomic-write.js';
import {isFileSystemError} from '../files/fs-errors.js';
import {readTextFile} from '../files/read-file.js';
import {printable} from '../text/printable.js';
import type {ErrorView, RunResult} from './events.js';
import {journalOwner, rehearsalJournal, type JournalOwner} from './journal-owner.js';
import type {Redactor} from './redactor.js';
import type {ResourceRecord} from './step.js';
import {stepStatuses} from './step-status.js';
import {serverResource} from '../server/server-resources.js';

const serverResourceTypes: ReadonlySet<string> = new Set(Object.values(serverResource));

/** The journal format this hoist writes. A newer one is refused, never rewritten. */
export const JOURNAL_SCHEMA = 3;

const errorViewSchema = z.object({
	kind: z.enum(['user', 'external', 'bug', 'cancelled']),
	code: z.string(),
	message: z.string(),
	hint: z.string().optional(),
	// A next step was a sentence (journal format 3); now it is {text, command?}.
	nextSteps: z.array(z.union([z.string().transform((text) => ({text})), z.object({text: z.string(), command: z.string().optional()})])),
	command: z.string().optional(),
	output: z.string().optional(),
	stack: z.string().optional(),
});

const stepRecordSchema = z.object({
	status: z.enum(stepStatuses),
	outputs: z.record(z.string(), z.unknown()).optional(),
	startedAt: z.string().optional(),
	finishedAt: z.string().optional(),
	durationMs: z.number().optional(),
	reused: z.boolean().optional(),
	summary: z.string().optional(),
	error: errorViewSchema.optional(),
});

const resourceSchema = z.object({
	type: z.string(),
	id: z.string(),
	ownedByHoist: z.boolean(),
	region: z.string().optional(),
	createdAt: z.string().optional(),
});

const runSchema = z.object({
	command: z.string(),
	/** The command line that runs it again, when its arguments matter (`rollback 2`, `deploy --service web`). */
	resume: z.string().optional(),
	startedAt: z.string(),
	finishedAt: z.string().optional(),
	result: z.enum(['ok', 'failed', 'cancelled']).optional(),
});

const releaseSchema = z.object({
	/** 1, 2, 3 … in the order they were deployed; rollbacks get their own number. */
	number: z.number().int().positive(),
	at: z.string(),
	/** up, deploy or rollback */
	command: z.string(),
	/** Per service: the image reference and the digest that ran. */
	services: z.record(z.string(), z.object({image: z.string(), digest: z.string().optional()})),
	/** For a rollback: the release it brought back. */
	restored: z.number().int().positive().optional(),
});

const journalSchema = z.object({
	schema: z.literal(JOURNAL_SCHEMA),
	stack: z.string(),
	runId: z.string(),
	createdAt: z.string(),
	updatedAt: z.string(),
	steps: z.record(z.string(), stepRecordSchema),
	resources: z.record(z.string(), resourceSchema),
	runs: z.array(runSchema),
	destroyedAt: z.string().optional(),
	/** What was deployed, newest last (bounded): survives `--restart`, gone with `destroy`. */
	releases: z.array(releaseSchema),
	/**
	 * The release whose image digests the stack is pinned to after `hoist rollback`, until the next `hoist deploy`:
	 * every `hoist up` keeps those digests instead of whatever the tags point at now.
	 */
	pinnedRelease: z.number().int().positive().optional(),
});

export type Release = z.infer<typeof releaseSchema>;

export type JournalData = z.infer<typeof journalSchema>;
export type StepRecord = z.infer<typeof stepRecordSchema>;

const keptRuns = 20;
/** Enough history to roll back to, small enough to read at a glance. */
const keptReleases = 20;

export function newRunId(now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
	return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function resourceKey(type: string, id: string): string {
	return `${type}:${id}`;
}

/**
 * `.hoist/state.json`: what each step did, what it produced, and every resource hoist created.
 * Written atomically after every change; refuses to write anything that contains a known secret.
 */
export class Journal {
	readonly path: string;
	#data: JournalData;
	readonly #redactor: Redactor;

	private constructor(path: string, data: JournalData, redactor: Redactor) {
		this.path = path;
		this.#data = data;
		this.#redactor = redactor;
	}

	/** The current content; change it only through the methods below, which write it to disk. */
	get data(): Readonly<JournalData> {
		return this.#data;
	}

	/** Reads the journal, or starts an empty one in memory (nothing is written until the first change). */
	static open(path: string, stack: string, redactor: Redactor): Journal {
		const data = existsSync(path) ? readJournal(path) : emptyJournal(stack);
		if (data.stack !== stack) throw otherStack(path, data, stack);
		return new Journal(path, data, redactor);
	}

	/** Reads a journal without a config (status, destroy); undefined when there is none. */
	static read(path: string, redactor: Redactor): Journal | undefined {
		return existsSync(path) ? new Journal(path, readJournal(path), redactor) : undefined;
	}

	/**
	 * `hoist up --restart`: a new run on the same journal, whose record of resources stays. Only a damaged journal
	 * that records nothing is replaced, after a numbered copy (state.json.bak.1, .2 …; never overwritten). A journal
	 * of another stack, one written by a newer hoist, or a damaged one that still names resources is refused:
	 * replacing it would forget AWS resources that cost money.
	 */
	static openForRestart(path: string, stack: string, redactor: Redactor): {journal: Journal; keptCopy?: string} {
		let journal: Journal;
		try {
			journal = Journal.open(path, stack, redactor);
		} catch (error) {
			if (!(error instanceof UserError) || error.code !== 'JOURNAL_UNREADABLE') throw error;
			refuseIfItHoldsResources(path, stack, error);
			const keptCopy = keepNumberedCopy(path);
			return {journal: new Journal(path, emptyJournal(stack), redactor), keptCopy};
		}
		journal.restart();
		return {journal};
	}

	get runId(): string {
		return this.data.runId;
	}

	step(id: string): StepRecord | undefined {
		return this.data.steps[id];
	}

	beginRun(command: string, resume?: string): void {
		this.#update((data) => {
			data.runs = [...data.runs, {command, ...(resume !== undefined && resume !== command ? {resume} : {}), startedAt: now()}].slice(-keptRuns);
			delete data.destroyedAt;
		});
	}

	endRun(result: RunResult): void {
		this.#update((data) => {
			const run = data.runs.at(-1);
			if (run) Object.assign(run, {finishedAt: now(), result});
		});
	}

	startStep(id: string): void {
		this.#update((data) => {
			const {error: _previousError, ...previous} = data.steps[id] ?? {};
			data.steps[id] = {...previous, status: 'running', startedAt: now()};
		});
	}

	finishStep(id: string, outputs: object, durationMs: number, reused: boolean, summary?: string): void {
		this.#update((data) => {
			data.steps[id] = {
				status: 'done',
				outputs: outputs as Record<string, unknown>,
				startedAt: data.steps[id]?.startedAt ?? now(),
				finishedAt: now(),
				durationMs,
				reused,
				...(summary === undefined ? {} : {summary}),
			};
		});
	}

	failStep(id: string, error: ErrorView, durationMs: number): void {
		this.#update((data) => {
			data.steps[id] = {...data.steps[id], status: 'failed', finishedAt: now(), durationMs, error};
		});
	}

	/** A step that was running when a cancel arrived: it will be checked again next time. */
	interruptStep(id: string): void {
		this.#update((data) => {
			const record = data.steps[id];
			if (record) record.status = 'pending';
		});
	}

	recordResource(resource: ResourceRecord): void {
		this.#update((data) => {
			data.resources[resourceKey(resource.type, resource.id)] = {createdAt: now(), ...resource};
		});
	}

	forgetResource(type: string, id: string): void {
		this.#update((data) => {
			delete data.resources[resourceKey(type, id)];
		});
	}

	/** `--restart`: a new run id and every step pending again; the record of created resources stays. */
	restart(): void {
		this.#update((data) => {
			data.runId = newRunId();
			for (const id of Object.keys(data.steps)) data.steps[id] = {status: 'pending'};
		});
	}

	markDestroyed(): void {
		this.#update((data) => {
			data.destroyedAt = now();
			data.runId = newRunId();
			data.steps = {};
			// The server that ran them is gone: a release can no longer be rolled back to.
			data.releases = [];
			delete data.pinnedRelease;
		});
	}

	/**
	 * Records what now runs as the next release, unless it is what the newest release already says (a second
	 * `hoist up` that changed nothing deploys nothing). Returns the release that describes the stack now.
	 */
	recordRelease(entry: Omit<Release, 'number'>): Release {
		const newest = this.data.releases.at(-1);
		if (newest && isDeepStrictEqual(newest.services, entry.services) && newest.restored === entry.restored) return newest;
		const release: Release = {...entry, number: (newest?.number ?? 0) + 1};
		this.#update((data) => {
			data.releases = [...data.releases, release].slice(-keptReleases);
		});
		return release;
	}

	/** `hoist rollback` pins the stack to a release's digests; `hoist deploy` lets go of the pin (undefined). */
	pinRelease(number: number | undefined): void {
		this.#update((data) => {
			if (number === undefined) delete data.pinnedRelease;
			else data.pinnedRelease = number;
		});
	}

	/**
	 * Applies a change to a copy, writes it, and only then makes it current: a refused or failed write leaves
	 * both the file and the journal in memory as they were.
	 */
	#update(change: (data: JournalData) => void): void {
		const next = structuredClone(this.#data);
		change(next);
		next.updatedAt = now();
		const text = `${JSON.stringify(next, null, 2)}\n`;
		// Errors and summaries arrive masked; this catches a step that put a secret into its outputs. A weak secret
		// (an ordinary word) is not looked for: it would match key names and statuses, and stop every write.
		if (this.#redactor.leaks(text)) {
			throw new BugError('Refused to write a secret into the journal.', {
				code: 'SECRET_IN_JOURNAL',
				hint: 'A step put a secret into its outputs or error; the journal was left as it was.',
			});
		}
		mkdirSync(dirname(this.path), {recursive: true, mode: 0o700});
		writeFileAtomic(this.path, text);
		this.#data = next;
	}
}

function now(): string {
	return new Date().toISOString();
}

function emptyJournal(stack: string): JournalData {
	const at = now();
	return {schema: JOURNAL_SCHEMA, stack, runId: newRunId(), createdAt: at, updatedAt: at, steps: {}, resources: {}, runs: [], releases: []};
}

/** The biggest journal hoist reads: 20 runs of a few dozen steps are far below it. */
const maxJournalBytes = 16 << 20;

function readJournal(path: string): JournalData {
	const owner = journalOwner(path);
	const name = owner.file;
	const text = readTextFile(path, {
		what: 'The journal',
		maxBytes: maxJournalBytes,
		nextSteps: [`hoist keeps its journal in ${printable(path)}: move what is there aside, then run the command again.`],
	});
	let raw: unknown;
	try {
		raw = parseJson(text);
	} catch (error) {
		throw unreadable(owner, path, error instanceof Error ? error.message : 'not JSON');
	}
	const schema = (raw as {schema?: unknown} | null)?.schema;
	if (typeof schema === 'number' && schema > JOURNAL_SCHEMA) {
		throw new UserError(`${name} was written by a newer hoist (journal format ${schema}; this hoist reads ${JOURNAL_SCHEMA}).`, {
			code: 'JOURNAL_TOO_NEW',
			hint: 'The file was left untouched.',
			nextSteps: ['Upgrade hoist (npm install -g hoist@latest), then run the command again.'],
		});
	}
	const parsed = journalSchema.safeParse(migrate(raw));
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw unreadable(owner, path, `${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`);
	}
	return parsed.data;
}

/** A journal saved by an editor that adds a UTF-8 byte order mark is still the same JSON (it is written back without). */
function parseJson(text: string): unknown {
	return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
}

/** Older journals, brought up to this format in memory, one version at a time (the file is rewritten at the next change). */
function migrate(raw: unknown): unknown {
	const schema = (raw as {schema?: unknown} | null)?.schema;
	if (schema === 1) return migrate(withReleaseHistory(raw as OldJournal));
	if (schema === 2) return releaseIntoDeploy(raw as OldJournal);
	return raw;
}

interface OldJournal {
	schema: number;
	steps?: Record<string, OldStepRecord>;
}

interface OldStepRecord {
	status?: unknown;
	outputs?: {release?: {at: string; services: Release['services']}; at?: string; services?: Release['services']; replaced?: string[]};
	startedAt?: string;
	finishedAt?: string;
}

/** 1 → 2: the release history; the release the deploy step recorded, if any, becomes release 1. */
function withReleaseHistory(journal: OldJournal): OldJournal {
	const deployed = journal.steps?.['deploy']?.outputs?.release;
	const releases: Release[] = deployed ? [{number: 1, at: deployed.at, command: 'up', services: deployed.services}] : [];
	return {...journal, schema: 2, releases} as OldJournal;
}

/**
 * 2 → 3: `hoist deploy` and `hoist rollback` swap in the deploy step; they had a step of their own, `release`. Its
 * record, when newer than the deploy step's, becomes the deploy step's (a failed release resumes at deploy), with its
 * outputs in the deploy step's shape; an older one (a `hoist up` ran since) is dropped.
 */
function releaseIntoDeploy(journal: OldJournal): OldJournal {
	const {release, ...steps} = journal.steps ?? {};
	const deploy = steps['deploy'];
	if (release && (release.startedAt ?? '') >= (deploy?.finishedAt ?? '')) {
		const {at, services, replaced} = release.outputs ?? {};
		const outputs = at !== undefined && services !== undefined ? {release: {at, services}, ...(replaced ? {replaced} : {})} : deploy?.outputs;
		steps['deploy'] = {...release, ...(outputs ? {outputs} : {})};
	}
	return {...journal, schema: 3, steps};
}

function unreadable(owner: JournalOwner, path: string, why: string): UserError {
	return new UserError(printable(`${owner.file} is damaged and cannot be read (${why}).`), {
		code: 'JOURNAL_UNREADABLE',
		hint: `hoist did not change it. What hoist created is found again without it: on AWS by the tag hoist:stack, on a server by the stack's name (its compose project and /srv/hoist/<stack>).`,
		nextSteps: [`Look at ${printable(path)} — if you edited it by hand, undo the edit; or`, startAfresh(owner)],
	});
}

/** The way past a damaged journal: `hoist up --restart` for the stack's; the rehearsal has no --restart of its own. */
function startAfresh(owner: JournalOwner): NextStep {
	if (owner === rehearsalJournal) {
		return nextCommand(owner.command, 'move it aside and run {command}: the rehearsal starts a new journal, and its steps find what is already on the practice server.');
	}
	return nextCommand('hoist up --restart', 'run {command}: it keeps a numbered copy (state.json.bak.1, .2 …) and starts a new journal, unless the journal still records resources.');
}

/** "records 2 AWS resources: instance i-0abc, security-group sg-1."; "records 1 server resource: stack-dir …". */
function holdings(resources: ReadonlyArray<{type: string; id: string}>): string {
	if (resources.length === 0) return 'records no resources.';
	const list = resources.map((resource) => `${resource.type} ${resource.id}`).join(', ');
	return `records ${resources.length} ${resourceWord(resources)}${resources.length === 1 ? '' : 's'}: ${list}.`;
}

/** Where they are, from their types: what hoist put on an existing server, or on AWS. */
function resourceWord(resources: ReadonlyArray<{type: string}>): string {
	const onServer = resources.filter((resource) => serverResourceTypes.has(resource.type)).length;
	return onServer === resources.length ? 'server resource' : onServer === 0 ? 'AWS resource' : 'resource';
}

function otherStack(path: string, data: JournalData, stack: string): UserError {
	const resources = Object.values(data.resources);
	return new UserError(printable(`${basename(path)} belongs to stack "${data.stack}", but hoist.yml says stack "${stack}". It ${holdings(resources)}`), {
		code: 'JOURNAL_OTHER_STACK',
		hint: 'Renaming a stack would lose track of what hoist created under the old name, so hoist (even `hoist up --restart`) leaves this journal alone.',
		nextSteps: [
			printable(`Put back "stack: ${data.stack}" in hoist.yml, or`),
			nextCommand('hoist destroy', `to rename: put back "stack: ${printable(data.stack)}", run {command}, then change the name and run \`hoist up\`.`),
			...(resources.length === 0 ? [printable(`It holds no resources: to start afresh under the new name, move ${path} aside yourself.`)] : []),
		],
	});
}

/** A damaged journal is replaced only when nothing in it still points at resources or at another stack. */
function refuseIfItHoldsResources(path: string, stack: string, damage: UserError): void {
	const raw = salvage(path);
	const resources = Object.values(raw.resources ?? {}).filter(
		(resource): resource is {type: string; id: string} => typeof resource?.type === 'string' && typeof resource.id === 'string',
	);
	const foreign = typeof raw.stack === 'string' && raw.stack !== stack ? ` of stack "${raw.stack}"` : '';
	if (resources.length === 0 && foreign === '') return;
	throw new UserError(printable(`${damage.message} It is the journal${foreign} and ${holdings(resources)}`), {
		code: 'JOURNAL_HOLDS_RESOURCES',
		hint: '`hoist up --restart` does not replace a journal that still records resources or belongs to another stack: the record would be lost.',
		nextSteps: [
			nextCommand('hoist destroy', `Repair ${printable(path)} by hand (the message above says where it is damaged), then run {command} or \`hoist up\`; or`),
			nextCommand('hoist up --restart', `once those resources are gone (${resourceWord(resources) === 'server resource' ? 'on the server: the compose project and /srv/hoist/<stack>' : 'EC2 console, tag hoist:stack'}), move ${printable(path)} aside yourself and run {command}.`),
		],
	});
}

function salvage(path: string): {stack?: unknown; resources?: Record<string, {type?: unknown; id?: unknown} | null>} {
	try {
		const raw: unknown = parseJson(readTextFile(path, {what: 'The journal', maxBytes: maxJournalBytes}));
		return raw !== null && typeof raw === 'object' ? (raw as ReturnType<typeof salvage>) : {};
	} catch {
		return {};
	}
}

/** Copies the journal to the first free state.json.bak.N; an older copy is never overwritten. */
function keepNumberedCopy(path: string): string {
	for (let number = 1; ; number++) {
		const copy = `${path}.bak.${number}`;
		try {
			copyFileSync(path, copy, constants.COPYFILE_EXCL);
			return copy;
		} catch (error) {
			if (!isFileSystemError(error) || error.code !== 'EEXIST') throw error;
		}
	}
}
