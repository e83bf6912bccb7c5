import {defineCommand} from '../cli/command.js';
import type {RunEnvironment} from '../engine/runner.js';
import {runPlan, type RunOutcome} from '../engine/runner.js';
import {errorView} from '../engine/events.js';
import type {Config} from '../config/schema.js';
import type {Secrets} from '../config/secrets.js';
import type {Warning} from '../config/warnings.js';
import type {Plan} from '../engine/step.js';
import {UserError, asHoistError} from '../errors.js';
import {printable} from '../text/printable.js';
import type {Renderer} from '../ui/renderer.js';

/** `hoist up`: run the plan, resuming where the journal and the world say it stopped. */
export const up = defineCommand({
	name: 'up',
	summary: 'Create the server and deploy, step by step; resumes where the last run stopped',
	description: `Runs every step in order. Before each step hoist checks whether its work is already done
(on AWS and on the server, not only in the journal) and skips it if so; a run that failed or was
stopped therefore resumes at the first step that is not done.`,
	flags: {
		from: {type: 'string', value: 'STEP', description: 'Run STEP and every step after it again, even if they look done'},
		restart: {type: 'boolean', description: 'Start over with a new run; the record of created resources is kept'},
		yes: {type: 'boolean', short: 'y', description: 'Ask nothing: accept risky settings in hoist.yml (e.g. SSH open to all); a missing answer (HOIST_REGISTRY_TOKEN) is an error; never trusts an unknown host key'},
	},
	needs: 'lock',
	run: async ({args, io, stack}) => {
		const from = typeof args.flags['from'] === 'string' ? (await import('../wizard/catalogue.js')).stepNamed(args.flags['from']) : undefined;
		const before = async (config: Config, plan: Plan): Promise<Warning[]> => {
			if (from !== undefined && !plan.some((step) => step.id === from)) {
				throw new UserError(`There is no step "${printable(from)}".`, {
					code: 'USAGE',
					nextSteps: [`Use one of: ${plan.map((step) => step.id).join(', ')}.`],
				});
			}
			const [{canAsk}, {confirmWarnings}, {trustServerHostKey, serverAddress}, {stackFiles}, {dirname, resolve}, {missingAnswers, missingAnswersError}, {pinFor}] = await Promise.all([
				import('../cli/confirm.js'),
				import('./up/confirm-warnings.js'),
				import('./up/host-key-trust.js'),
				import('../engine/stack-files.js'),
				import('node:path'),
				import('./up/answers.js'),
				import('../remote/known-hosts.js'),
			]);
			const files = stackFiles(dirname(resolve(args.config)));
			// With --yes or without a terminal nobody answers a question: what is missing stops the run now, all of it named.
			if (args.flags['yes'] === true || !(await canAsk(args, io))) {
				const serverKeyPinned = config.server !== undefined && pinFor(files.knownHosts, await serverAddress(config, io.cancellation.signal)) !== undefined;
				const why = args.flags['yes'] === true ? '`hoist up --yes` asks nothing' : 'There is no terminal to ask on';
				const {locateConfigField} = await import('../config/locate-field.js');
				const locate = (field: Array<string | number>) => locateConfigField(resolve(args.config), field);
				const refusal = missingAnswersError(missingAnswers(config, {env: io.env, serverKeyPinned, locate}), why);
				if (refusal) throw refusal;
			}
			const warnings = await confirmWarnings(config, args, io);
			// Before the screen starts: the question about an existing server's host key is asked on the plain terminal.
			await trustServerHostKey(config, files, args, io);
			return warnings;
		};
		const completeSecrets = async (config: Config, secrets: Secrets): Promise<Secrets> => {
			const {askRegistryToken} = await import('./up/registry-token.js');
			return askRegistryToken(config, secrets, args, io);
		};
		return stack.withSession({command: 'up', restart: args.flags['restart'] === true, before, completeSecrets}, async ({plan, env: firstEnv, renderer, journal, reload}) => {
			let start = from;
			let env = firstEnv;
			let outcome: RunOutcome;
			for (;;) {
				outcome = await runPlan(plan, env, {command: 'up', ...(start === undefined ? {} : {from: start})});
				// --yes asks nothing, not even "retry?": a failed run ends with its exit code.
				if (outcome.result !== 'failed' || args.flags['yes'] === true) break;
				const next = await retryWithFreshConfig(renderer, reload);
				if (!next) break;
				// A retry resumes like a new `hoist up`, with hoist.yml read again: checks skip what is done.
				env = next;
				start = undefined;
			}
			if (outcome.result === 'ok') {
				const {recordRelease} = await import('./release/releases.js');
				recordRelease(journal, 'up');
				// One source of the finish facts; each renderer shows them its own way (screen, lines, JSON event).
				const {finishFacts} = await import('../wizard/finish.js');
				const facts = finishFacts(journal.data, env.config);
				if (facts) renderer.showFinish(facts);
			}
			return outcome.error?.exitCode ?? 0;
		});
	},
});

/** Waits for r (retry) or q; a hoist.yml the user broke while fixing it is shown, and the question asked again. */
async function retryWithFreshConfig(renderer: Renderer, reload: () => Promise<RunEnvironment>): Promise<RunEnvironment | undefined> {
	for (;;) {
		if ((await renderer.askRetry()) !== 'retry') return undefined;
		try {
			return await reload();
		} catch (error) {
			renderer.showError(errorView(asHoistError(error)));
		}
	}
}
