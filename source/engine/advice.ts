/**
 * Resume advice names the command that was running, in every renderer and in the journal: after a failed or
 * stopped `hoist destroy` the way on is `hoist destroy` again. Following the advice must never re-create what
 * the user is removing, so during a destroy any next step that sends the user to `hoist up` is dropped.
 */

/** The line that says how to go on after `command` stopped at `stepId` (or before any step ran). */
export function resumeLine(command: string, stepId?: string): string {
	if (command === 'destroy') {
		return `Run \`hoist destroy\` again to finish removing what is left${stepId === undefined ? '' : ` (it goes on from step ${stepId})`}.`;
	}
	if (command === 'up') return `Run \`hoist up\` again: it resumes${stepId === undefined ? ' where it stopped' : ` at step ${stepId}`}.`;
	return `Run \`hoist ${command}\` again.`;
}

/** A failure's next steps for `command`: the step's own advice that fits this command, then how to resume. */
export function adviceFor(command: string, stepId: string | undefined, nextSteps: readonly string[]): string[] {
	// Only a destroy must never send the user to `hoist up`; other commands (`hoist dns`) may need it first.
	const fitting = command === 'destroy' ? nextSteps.filter((step) => !step.includes('`hoist up')) : [...nextSteps];
	// A step that already says how to run this command again (with its own detail, e.g. "in a minute") keeps its words.
	if (fitting.some((step) => step.includes(`\`hoist ${command}\``))) return fitting;
	return [...fitting, resumeLine(command, stepId)];
}
