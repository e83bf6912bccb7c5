import type {z} from 'zod';
import type {JournalData} from './journal.js';
import type {StepId, StepOutputs} from './step.js';

/**
 * Another step's recorded outputs, typed, for code outside that step (commands, closing messages, other steps). The
 * journal holds them as plain JSON: with the schema the step's file exports (wherever that step is loaded, as in a
 * run) a record of another shape (a hand edit, an older hoist) counts as none, never as something it is not; the
 * step that made it checks the world and records it again.
 */
export function stepOutputs<Id extends StepId>(journal: Pick<JournalData, 'steps'>, id: Id, schema?: z.ZodType<object>): StepOutputs[Id] | undefined {
	const recorded = journal.steps[id]?.outputs;
	if (recorded === undefined || schema === undefined) return recorded as StepOutputs[Id] | undefined;
	const parsed = schema.safeParse(recorded);
	return parsed.success ? (parsed.data as StepOutputs[Id]) : undefined;
}
