import {nextCommand, type NextStep} from '../errors.js';

/**
 * Resume advice names the command that was running, in every renderer and in the journal: after a failed or
 * stopped `hoist destroy` the way on is `hoist destroy` again. Following the advice must never re-create what
 * the user is removing, so during a destroy any next step that runs `hoist up` is dropped. Next steps are data
 * (engine: errors.ts NextStep): these rules read their `command`, never their words.
 */

/** The step that says how to go on after `command` stopped at `stepId` (or before any step ran). */
export function resumeStep(command: string, stepId?: string): NextStep {
	const line = `hoist ${command}`;
	if (command === 'destroy') {
		return stepId === undefined
			? nextCommand(line, 'Run {command} again to finish removing what is left.')
			: nextCommand(line, `Run {command} again to finish removing what is left (it goes on from step ${stepId}).`);
	}
	// A rehearsal runs the same plan as `hoist up` (its command line carries its options: `rehearse --on …`).
	const [name] = command.split(' ');
	if (name === 'up' || name === 'rehearse') return nextCommand(line, `Run {command} again: it resumes ${stepId === undefined ? 'where it stopped' : `at step ${stepId}`}.`);
	return nextCommand(line, 'Run {command} again.');
}

/** A failure's next steps for `command`: the step's own advice that fits this command, then how to resume. */
export function adviceFor(command: string, stepId: string | undefined, nextSteps: readonly NextStep[]): NextStep[] {
	// Only a destroy must never send the user to `hoist up`; other commands (`hoist dns`) may need it first.
	const fitting = command === 'destroy' ? nextSteps.filter((step) => !runsUp(step)) : [...nextSteps];
	// A step that already says how to run this command again (with its own detail, e.g. "in a minute") keeps its words.
	if (fitting.some((step) => step.command === `hoist ${command}`)) return fitting;
	return [...fitting, resumeStep(command, stepId)];
}

/** `hoist up`, with options or without (`hoist up --restart` creates as much as `hoist up`). */
function runsUp(step: NextStep): boolean {
	const [program, command] = step.command?.split(/\s+/) ?? [];
	return program === 'hoist' && command === 'up';
}
