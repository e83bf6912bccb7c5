import type {ErrorView} from './events.js';
import type {JournalData} from './journal.js';
import type {LockHolder} from './lock.js';

/** How the last run of a stack ended, as the journal tells it: what bare `hoist` decides from. */
export type Situation =
	/** No journal, or one in which nothing ever ran. */
	| {state: 'none'}
	/** Another hoist holds the stack's lock right now. */
	| {state: 'running'; holder: LockHolder}
	/** The last run finished (up, deploy, rollback, dns). */
	| {state: 'complete'}
	/** The last run was a `hoist destroy` that finished. */
	| {state: 'destroyed'; at: string}
	| UnfinishedRun;

export interface UnfinishedRun {
	state: 'unfinished';
	/** The command that did not finish: the way on is that command again (a destroy is never resumed as an up). */
	command: string;
	/** That command line, when its arguments matter (`rollback 2`): what resuming runs. */
	resume?: string;
	/** failed: a step failed; interrupted: Ctrl-C, a signal, or the process was killed (no result recorded). */
	outcome: 'failed' | 'interrupted';
	/** The step it stopped at, when the journal says. */
	stepId?: string;
	error?: ErrorView;
	/** When it stopped (ISO time): the end of the run, or the start of the step that a kill cut short. */
	at: string;
}

/**
 * Reads the last run from the journal. A run without a result and without a live lock holder was killed (or the
 * machine went down): that is an interruption too, at the step the journal still records as running.
 */
export function situationOf(journal: Readonly<JournalData> | undefined, running?: LockHolder): Situation {
	if (running) return {state: 'running', holder: running};
	const last = journal?.runs.at(-1);
	if (!journal || !last) return {state: 'none'};
	if (last.result === 'ok') return last.command === 'destroy' ? {state: 'destroyed', at: journal.destroyedAt ?? last.finishedAt ?? last.startedAt} : {state: 'complete'};
	const steps = Object.entries(journal.steps);
	const startedInRun = ([, step]: (typeof steps)[number]) => step.startedAt !== undefined && step.startedAt >= last.startedAt;
	const stopped =
		last.result === 'failed'
			? // The newest failure: an earlier run's failed step may still be on record.
				steps.filter(([, step]) => step.status === 'failed').sort(([, a], [, b]) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))[0]
			: last.result === 'cancelled'
				? // The runner writes an interrupted step back as pending (it is checked again next time).
					steps.find((entry) => entry[1].status === 'pending' && startedInRun(entry))
				: steps.find(([, step]) => step.status === 'running');
	const record = stopped?.[1];
	return {
		state: 'unfinished',
		command: last.command,
		...(last.resume === undefined ? {} : {resume: last.resume}),
		outcome: last.result === 'failed' ? 'failed' : 'interrupted',
		...(stopped ? {stepId: stopped[0]} : {}),
		...(record?.error ? {error: record.error} : {}),
		at: last.finishedAt ?? record?.startedAt ?? last.startedAt,
	};
}
