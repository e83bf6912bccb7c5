import {defineCommand, type CommandContext} from '../cli/command.js';
import type {Config} from '../config/schema.js';
import type {JournalData} from '../engine/journal.js';
import {undoPlan} from '../engine/runner.js';
import {UserError, nextCommand} from '../errors.js';
import {printable} from '../text/printable.js';

/** `hoist destroy`: every step's undo, newest first, after a confirmation (or --yes). */
export const destroy = defineCommand({
	name: 'destroy',
	summary: 'Remove everything hoist created for this stack',
	description: `On AWS: terminates the instance (its disk, with the stack's named volumes, goes with it; --snapshot keeps
a copy), releases the Elastic IP (only if hoist allocated it), deletes the security group and the key pair hoist
imported. Resources are found by the journal and by their hoist:stack tag, so destroy also works after a lost journal
or a partial destroy. On an existing server (server: in hoist.yml): stops and removes the stack's containers and
networks, /srv/hoist/<stack> and its boot service, never the machine; the named volumes (your data) stay unless
--volumes is given. Answering "no" changes nothing and exits 0.`,
	flags: {
		yes: {type: 'boolean', short: 'y', description: 'Do not ask for confirmation (for scripts)'},
		volumes: {type: 'boolean', description: 'On an existing server: remove the stack\'s named volumes too (your data)'},
		snapshot: {type: 'boolean', description: 'On AWS: keep an EBS snapshot of the instance\'s disk (tagged for the stack; destroy leaves it)'},
	},
	needs: 'lock',
	async run(context) {
		const options = {volumes: context.args.flags['volumes'] === true, snapshot: context.args.flags['snapshot'] === true};
		if (context.args.flags['yes'] !== true) await confirm(context, options);
		const before = async (config: Config) => {
			checkOptions(config, options);
			return [];
		};
		return context.stack.withSession({command: 'destroy', before, undoes: true}, async ({plan, env, journal}) => {
			const outcome = await undoPlan(plan, env, {...options, withoutJournal: !recordsAnyRun(journal.data)});
			return outcome.error?.exitCode ?? 0;
		});
	},
});

/**
 * Whether the journal could know what hoist made: it has recorded a run other than a destroy. Without one (a lost
 * .hoist/, a fresh checkout, or only a destroy that believed it) its empty record of resources proves nothing.
 */
function recordsAnyRun(journal: Readonly<JournalData>): boolean {
	return journal.runs.some((run) => run.command !== 'destroy');
}

/** Each option belongs to one kind of target: given to the other, it would silently do nothing. */
function checkOptions(config: Config, options: {volumes: boolean; snapshot: boolean}): void {
	if (options.snapshot && !config.aws) {
		throw new UserError('--snapshot keeps a copy of an EC2 instance\'s disk; this stack runs on an existing server.', {
			code: 'USAGE',
			nextSteps: ['Leave out --snapshot: on an existing server destroy keeps the named volumes unless you add --volumes.'],
		});
	}
	if (options.volumes && config.aws) {
		throw new UserError('--volumes is for a stack on an existing server: on AWS the volumes go with the instance anyway.', {
			code: 'USAGE',
			nextSteps: ['Leave out --volumes; add --snapshot to keep a copy of the instance\'s disk.'],
		});
	}
}

async function confirm({args, io, stack}: CommandContext, options: {volumes: boolean; snapshot: boolean}): Promise<void> {
	const {askYesNo, canAsk, Declined} = await import('../cli/confirm.js');
	const {config, configError, journal} = await stack.readOnly();
	if (!config) throw configError;
	checkOptions(config, options);
	if (!(await canAsk(args, io))) {
		throw new UserError('`hoist destroy` asks for confirmation, and there is no terminal to ask on.', {
			code: 'CONFIRMATION_NEEDED',
			nextSteps: [nextCommand('hoist destroy --yes', 'Run {command} to confirm in a script.')],
		});
	}
	const known = Object.values(journal?.data.resources ?? {})
		.filter((resource) => resource.ownedByHoist)
		.map((resource) => `${resource.type} ${resource.id}`);
	const what =
		known.length > 0
			? known.join(', ')
			: config.server
				? `what hoist put on ${config.server.host} for it: the compose project ${config.stack} and /srv/hoist/${config.stack}`
				: `everything tagged hoist:stack=${config.stack}`;
	const {volumeLines} = await import('./destroy/destroy-volumes.js');
	const question = [`Destroy stack "${config.stack}" (${what})? This cannot be undone.`, ...volumeLines(config, journal?.data, options)];
	if (!(await askYesNo(io, question.map(printable).join('\n  ')))) throw new Declined('Nothing was destroyed.');
}
