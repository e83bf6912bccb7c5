import type {JournalData} from './journal.js';
import type {StepId, StepOutputs} from './step.js';

/**
 * Another step's recorded outputs, typed, for code outside that step (commands, closing messages). The journal
 * holds them as plain JSON; this is the one place that says which type they have.
 */
export function stepOutputs<Id extends StepId>(journal: Pick<JournalData, 'steps'>, id: Id): StepOutputs[Id] | undefined {
	return journal.steps[id]?.outputs as StepOutputs[Id] | undefined;
}
