import {UserError, nextCommand} from '../errors.js';
import {printable} from '../text/printable.js';
import type {z} from 'zod';
import type {JournalData} from './journal.js';
import {stackJournal, type JournalOwner} from './journal-owner.js';
import {outputShapes, shapeIssue} from './output-shapes.js';
import type {StepId, StepOutputs} from './step.js';

type Steps = Pick<JournalData, 'steps'>;

/**
 * Another step's recorded outputs, typed, for code outside that step (commands, closing messages). The journal
 * holds them as plain JSON; this is the one place that says which type they have, so it is also where outputs of
 * the wrong shape are refused as a damaged journal (exit 2, the file untouched), not met later as a TypeError.
 * `owner`: which journal this is, for the advice (the rehearsal's is repaired by `hoist rehearse`, never `hoist up`).
 */
export function stepOutputs<Id extends StepId>(journal: Steps, id: Id, owner: JournalOwner = stackJournal): StepOutputs[Id] | undefined {
	const outputs = journal.steps[id]?.outputs;
	const issue = outputs === undefined ? undefined : issueOf(id, outputs);
	if (issue) {
		const where = ['steps', id, 'outputs', ...issue.path].join('.');
		throw new UserError(printable(`${owner.file} is damaged: ${where} is not what the step records (expected ${issue.expected}).`), {
			code: 'JOURNAL_UNREADABLE',
			hint: 'hoist did not change it.',
			nextSteps: [
				`If you edited ${owner.file} by hand, undo the edit; or`,
				nextCommand(owner.command, `run {command}: step ${printable(id)} looks at the server again and records what it finds.`),
			],
		});
	}
	return outputs as unknown as StepOutputs[Id] | undefined;
}

/**
 * The same for a step's hint about another during a run (`recorded`): outputs of the wrong shape count as none, never
 * as proof; with the schema the step's file exports (that step is loaded in a run) the whole record is checked, and
 * the step that made it looks at the world and records it again.
 */
export function soundStepOutputs<Id extends StepId>(journal: Steps, id: Id, schema?: z.ZodType<object>): StepOutputs[Id] | undefined {
	const outputs = journal.steps[id]?.outputs;
	if (outputs === undefined || issueOf(id, outputs)) return undefined;
	if (schema === undefined) return outputs as unknown as StepOutputs[Id];
	const parsed = schema.safeParse(outputs);
	return parsed.success ? (parsed.data as StepOutputs[Id]) : undefined;
}

function issueOf(id: string, outputs: unknown): ReturnType<typeof shapeIssue> {
	const shape = outputShapes[id];
	return shape === undefined ? undefined : shapeIssue(outputs, shape);
}
