import {defineCommand, type CommandContext} from '../cli/command.js';
import {undoPlan} from '../engine/runner.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

/** `hoist destroy`: every step's undo, newest first, after a confirmation (or --yes). */
export const destroy = defineCommand({
	name: 'destroy',
	summary: 'Remove everything hoist created for this stack',
	description: `Terminates the instance, releases the Elastic IP (only if hoist allocated it), deletes the security
group and the key pair hoist imported. Resources are found by the journal and by their hoist:stack tag,
so destroy also works after a lost journal or a partial destroy. Answering "no" changes nothing and exits 0.`,
	flags: {
		yes: {type: 'boolean', short: 'y', description: 'Do not ask for confirmation (for scripts)'},
	},
	needs: 'lock',
	async run(context) {
		if (context.args.flags['yes'] !== true) await confirm(context);
		return context.stack.withSession({command: 'destroy'}, async ({plan, env}) => {
			const outcome = await undoPlan(plan, env);
			return outcome.error?.exitCode ?? 0;
		});
	},
});

async function confirm({args, io, stack}: CommandContext): Promise<void> {
	const {askYesNo, canAsk, Declined} = await import('../cli/confirm.js');
	const {config, configError, journal} = await stack.readOnly();
	if (!config) throw configError;
	if (!(await canAsk(args, io))) {
		throw new UserError('`hoist destroy` asks for confirmation, and there is no terminal to ask on.', {
			code: 'CONFIRMATION_NEEDED',
			nextSteps: ['Run `hoist destroy --yes` to confirm in a script.'],
		});
	}
	const known = Object.values(journal?.data.resources ?? {})
		.filter((resource) => resource.ownedByHoist)
		.map((resource) => `${resource.type} ${resource.id}`);
	const what = known.length > 0 ? known.join(', ') : 'everything tagged hoist:stack=' + config.stack;
	if (!(await askYesNo(io, printable(`Destroy stack "${config.stack}" (${what})? This cannot be undone.`)))) throw new Declined('Nothing was destroyed.');
}
