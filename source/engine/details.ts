/**
 * What a step shows beyond one progress line (its sub-steps, one row per image pulled, per-service state, the DNS
 * watcher's rows), in a form the engine and the generic renderers need not understand: a kind (which a step's own
 * view may know), a key (details with the same key describe the same thing: the newest replaces the older one on
 * screen), the facts as data, and the plain line that says them, so the plain and JSON renderers never lose a fact
 * that a screen shows. Each kind's data type and text belong to the code that reports it.
 */
export interface StepDetail<Data extends object = object> {
	kind: string;
	key: string;
	data: Data;
}

/** A detail as a step hands it over: with its plain line. */
export interface DetailRow<Data extends object = object> extends StepDetail<Data> {
	line: string;
}

/** One of a step's own sub-steps: a file uploaded, a bootstrap stage, a check that passed. */
export interface SubstepData {
	id: string;
	title: string;
	state: 'running' | 'done' | 'skipped' | 'failed';
	note?: string;
}

const substepIcons = {running: '…', done: '✔', skipped: '–', failed: '✖'} as const;

export function substepRow(data: SubstepData): DetailRow<SubstepData> {
	return {kind: 'substep', key: `substep:${data.id}`, data, line: `${substepIcons[data.state]} ${data.title}${noteText(data.note)}`};
}

/** " — why", or nothing: how every row's line ends with its note. */
export function noteText(note: string | undefined): string {
	return note ? ` — ${note}` : '';
}
