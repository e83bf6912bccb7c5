import {errorView} from '../engine/events.js';
import {runPlan, type RunEnvironment, type RunOutcome} from '../engine/runner.js';
import {UserError, asHoistError} from '../errors.js';
import type {Renderer} from '../ui/renderer.js';
import type {CommandIo, ParsedArgs} from '../main.js';
import {withSession} from './session.js';

/** `hoist up`: run the plan, resuming where the journal and the world say it stopped. */
export async function run(args: ParsedArgs, io: CommandIo): Promise<number> {
	return withSession(args, io, {command: 'up', restart: args.restart === true}, async ({plan, env: firstEnv, renderer, journal, closingMessage, reload}) => {
		if (args.from !== undefined && !plan.some((step) => step.id === args.from)) {
			throw new UserError(`There is no step "${args.from}".`, {
				code: 'USAGE',
				nextSteps: [`Use one of: ${plan.map((step) => step.id).join(', ')}.`],
			});
		}
		let from = args.from;
		let env = firstEnv;
		let outcome: RunOutcome;
		for (;;) {
			outcome = await runPlan(plan, env, {command: 'up', ...(from === undefined ? {} : {from})});
			if (outcome.result !== 'failed') break;
			const next = await retryWithFreshConfig(renderer, reload);
			if (!next) break;
			// A retry resumes like a new `hoist up`, with hoist.yml read again: checks skip what is done.
			env = next;
			from = undefined;
		}
		if (outcome.result === 'ok') {
			const lines = closingMessage(journal.data, env.config);
			if (lines.length > 0) renderer.showMessage(lines);
		}
		return outcome.error?.exitCode ?? 0;
	});
}

/** Waits for r (retry) or q; a hoist.yml the user broke while fixing it is shown, and the question asked again. */
async function retryWithFreshConfig(renderer: Renderer, reload: () => RunEnvironment): Promise<RunEnvironment | undefined> {
	for (;;) {
		if ((await renderer.askRetry()) !== 'retry') return undefined;
		try {
			return reload();
		} catch (error) {
			renderer.showError(errorView(asHoistError(error)));
		}
	}
}
