import {runPlan, type RunOutcome} from '../engine/runner.js';
import {UserError} from '../errors.js';
import type {CommandIo, ParsedArgs} from '../main.js';
import {withSession} from './session.js';

/** `hoist up`: run the plan, resuming where the journal and the world say it stopped. */
export async function run(args: ParsedArgs, io: CommandIo): Promise<number> {
	return withSession(args, io, {command: 'up', restart: args.restart === true}, async ({plan, env, renderer, journal, closingMessage, config}) => {
		if (args.from !== undefined && !plan.some((step) => step.id === args.from)) {
			throw new UserError(`There is no step "${args.from}".`, {
				code: 'USAGE',
				nextSteps: [`Use one of: ${plan.map((step) => step.id).join(', ')}.`],
			});
		}
		let from = args.from;
		let outcome: RunOutcome;
		for (;;) {
			outcome = await runPlan(plan, env, {command: 'up', ...(from === undefined ? {} : {from})});
			if (outcome.result !== 'failed' || (await renderer.askRetry()) !== 'retry') break;
			// A retry resumes like a new `hoist up`: checks skip what is done, the failed step runs again.
			from = undefined;
		}
		if (outcome.result === 'ok') {
			const lines = closingMessage(journal.data, config);
			if (lines.length > 0) renderer.showMessage(lines);
		}
		return outcome.error?.exitCode ?? 0;
	});
}
