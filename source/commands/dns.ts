import {defineCommand} from '../cli/command.js';
import type {Config} from '../config/schema.js';
import type {StackFiles} from '../engine/stack-files.js';
import type {Plan} from '../engine/step.js';

/** `hoist dns`: the DNS watcher on its own, for a stack that has a server. */
export const dns = defineCommand({
	name: 'dns',
	summary: 'Watch DNS until the domain points at the server (as the CA will see it)',
	description: `Asks every authoritative server of the domain's zone (and of each alias) whether its A record holds the
server's address, with no AAAA elsewhere and a CAA that allows the CA; shows one row per server, and what
users' resolvers still cache once the authoritative servers agree. Polls every 2 s, backing off to 30 s, until
DNS is ready or dns.timeoutMinutes have passed. It asks nobody for a certificate: \`hoist up\` does that once DNS
is right. The server's address comes from the journal; nothing is asked of AWS or the server.`,
	flags: {},
	needs: 'lock',
	run: ({stack}) => {
		const plans = async () => {
			const {dnsOnlyPlan, dnsClosingMessage} = await import('../wizard/plan.js');
			return {plan: await dnsOnlyPlan(), closingMessage: dnsClosingMessage};
		};
		// On AWS, without an address in the journal there is nothing to watch for: refused before .hoist/ is touched
		// (with server: in hoist.yml the server is named there).
		const before = async (config: Config, _plan: Plan, files: StackFiles) => {
			const [{Journal}, {Redactor}, {stepOutputs}, {noServerYet}] = await Promise.all([
				import('../engine/journal.js'),
				import('../engine/redactor.js'),
				import('../engine/outputs.js'),
				import('../../steps/target.js'),
			]);
			if (config.aws && !stepOutputs(Journal.open(files.journal, config.stack, new Redactor()).data, 'elastic-ip')) throw noServerYet();
			return [];
		};
		return stack.withSession({command: 'dns', plan: plans, before}, async ({plan, env, renderer, journal, closingMessage}) => {
			const {runPlan} = await import('../engine/runner.js');
			// The watch always runs, even when DNS was confirmed before: that is what was asked for.
			const outcome = await runPlan(plan, env, {command: 'dns', from: 'dns'});
			if (outcome.result === 'ok') {
				const lines = closingMessage(journal.data, env.config);
				if (lines.length > 0) renderer.showMessage(lines);
			}
			return outcome.error?.exitCode ?? 0;
		});
	},
});
