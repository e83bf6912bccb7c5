import type {UnfinishedRun} from '../engine/situation.js';
import {printable} from '../text/printable.js';
import {formatDuration} from './format-duration.js';
import {formatError} from './format-error.js';
import type {ResumeEvent} from './json-events.js';

/** One way on from an unfinished run, and the command that does it (what a script runs instead of choosing). */
export interface ResumeOffer {
	action: 'resume' | 'restart-from' | 'destroy';
	label: string;
	command: string;
}

/** Everything the resume screen shows; the Ink screen, the plain lines and the JSON are all made from this. */
export interface ResumeView {
	stack: string;
	run: UnfinishedRun;
	/** The plan's steps, in order (for "restart from a step" and the stopped step's title). */
	steps: Array<{id: string; title: string}>;
	offers: ResumeOffer[];
	/** For "5m ago": the screen is a pure function of this view. */
	now: number;
}

/** The commands whose run can be picked up again by running them once more. */
const resumable = new Set(['up', 'deploy', 'rollback', 'dns', 'destroy']);

/**
 * The ways on. After a destroy the only one is to finish it: following the advice must never re-create what the
 * user is removing (engine/advice.ts). After an `up`: resume, restart from a step, or destroy.
 */
export function resumeOffers(run: UnfinishedRun, steps: ReadonlyArray<{id: string}>): ResumeOffer[] {
	if (run.command === 'destroy') return [{action: 'resume', label: 'Finish the destroy', command: 'hoist destroy'}];
	const offers: ResumeOffer[] = [];
	if (resumable.has(run.command)) {
		const where = run.command === 'up' && run.stepId !== undefined ? ` (at step ${run.stepId})` : '';
		offers.push({action: 'resume', label: `Resume${where}`, command: `hoist ${run.resume ?? run.command}`});
	}
	if (run.command === 'up' && steps.length > 0) {
		offers.push({action: 'restart-from', label: 'Restart from a step you choose', command: 'hoist up --from STEP'});
	}
	offers.push({action: 'destroy', label: 'Destroy what hoist created for this stack', command: 'hoist destroy'});
	return offers;
}

/** "The last `hoist up` failed at step deploy (Start the stack)" */
export function resumeHeadline(view: ResumeView): string {
	const {run} = view;
	const what = run.outcome === 'failed' ? 'failed' : 'was interrupted';
	const title = view.steps.find((step) => step.id === run.stepId)?.title;
	const where = run.stepId === undefined ? '' : ` at step ${run.stepId}${title ? ` (${title})` : ''}`;
	return printable(`The last \`hoist ${run.command}\` of stack ${view.stack} ${what}${where}.`);
}

/** "2026-11-30 02:50:12 UTC, 5m02s ago" */
export function resumeWhen(view: ResumeView): string {
	const at = Date.parse(view.run.at);
	if (Number.isNaN(at)) return printable(view.run.at);
	const seconds = Math.round((view.now - at) / 1000);
	const ago = seconds < 0 ? '' : seconds === 0 ? ', just now' : `, ${formatDuration(seconds * 1000)} ago`;
	return `${new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${ago}`;
}

/** What the error says, or why there is none (a killed run records no error). */
export function resumeErrorLines(view: ResumeView): string[] {
	if (view.run.error) return formatError(view.run.error);
	return view.run.outcome === 'interrupted'
		? ['Stopped (Ctrl-C, a signal, or a kill) before it finished; the journal is saved.']
		: [];
}

/** The step ids "restart from a step" offers. */
export function stepList(view: ResumeView): string {
	return view.steps.map((step) => step.id).join(', ');
}

/** Without a terminal: the same facts as lines, and each offer as the command a script or a person runs. */
export function resumeLines(view: ResumeView): string[] {
	const width = Math.max(...view.offers.map((offer) => offer.label.length));
	return [
		resumeHeadline(view),
		`When: ${resumeWhen(view)}`,
		...resumeErrorLines(view),
		'',
		'What you can do (hoist asks on a terminal; here, run the command):',
		...view.offers.map((offer) => `  ${offer.label.padEnd(width)}  ${offer.command}`),
		...(view.offers.some((offer) => offer.action === 'restart-from') ? [`  Steps: ${stepList(view)}`] : []),
	];
}

/** --json: the same facts as one object. */
export function resumeJson(view: ResumeView): ResumeEvent {
	return {
		type: 'resume',
		stack: view.stack,
		...view.run,
		steps: view.steps.map((step) => step.id),
		offers: view.offers,
	};
}
