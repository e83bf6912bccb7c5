import {loadConfig} from '../config/load.js';
import {Journal} from '../engine/journal.js';
import {Redactor} from '../engine/redactor.js';
import {undoPlan} from '../engine/runner.js';
import {stackFiles} from '../engine/stack-files.js';
import {CancelledError, UserError} from '../errors.js';
import type {CommandIo, ParsedArgs} from '../main.js';
import {rendererKind} from '../ui/renderer.js';
import {withSession} from './session.js';

/** `hoist destroy`: every step's undo, newest first, after a confirmation (or --yes). */
export async function run(args: ParsedArgs, io: CommandIo): Promise<number> {
	if (args.yes !== true) await confirm(args, io);
	return withSession(args, io, {command: 'destroy'}, async ({plan, env}) => {
		const outcome = await undoPlan(plan, env);
		return outcome.error?.exitCode ?? 0;
	});
}

async function confirm(args: ParsedArgs, io: CommandIo): Promise<void> {
	const {config, dir} = loadConfig(args.config);
	const interactive = io.stdin.isTTY === true && rendererKind({json: args.json, stdout: io.stdout, env: io.env}) === 'ink';
	if (!interactive) {
		throw new UserError('`hoist destroy` asks for confirmation, and there is no terminal to ask on.', {
			code: 'CONFIRMATION_NEEDED',
			nextSteps: ['Run `hoist destroy --yes` to confirm in a script.'],
		});
	}
	const journal = Journal.read(stackFiles(dir).journal, new Redactor());
	const known = Object.values(journal?.data.resources ?? {})
		.filter((resource) => resource.ownedByHoist)
		.map((resource) => `${resource.type} ${resource.id}`);
	const {confirm: ask} = await import('@inquirer/prompts');
	const what = known.length > 0 ? known.join(', ') : 'everything tagged hoist:stack=' + config.stack;
	let yes = false;
	try {
		yes = await ask({message: `Destroy stack "${config.stack}" (${what})? This cannot be undone.`, default: false});
	} catch {
		// Ctrl-C at the prompt: the same as no.
	}
	if (!yes) throw new CancelledError('Nothing was destroyed.', []);
	await handOverStdin();
}

/**
 * The prompt's readline closes stdin on the next tick and Ink's unmount unrefs it; mounting Ink in the same tick
 * would lose its keys (stack.md §6). Wait a tick and keep stdin referenced.
 */
async function handOverStdin(): Promise<void> {
	await new Promise<void>((resolve) => setImmediate(resolve));
	process.stdin.ref();
}
