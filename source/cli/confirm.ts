import type {CommandLine} from './command.js';
import type {CommandIo} from './io.js';
import type {Choice} from './terminal.js';

/** Whether a person can answer a question: a terminal on both ends, and the screen (not --json, CI or a pipe). */
export async function canAsk(args: CommandLine, io: CommandIo): Promise<boolean> {
	const {rendererKind} = await import('../ui/renderer.js');
	return io.stdin.isTTY === true && rendererKind({json: args.json, stdout: io.stdout, env: io.env}) === 'ink';
}

/**
 * Asks a yes/no question on the terminal (default no), through the terminal hand-off. "n" is an answer, not an interruption: it returns false.
 * Ctrl-C at the prompt, or SIGTERM/SIGHUP, is an interruption and throws CancelledError, with nothing changed.
 */
export async function askYesNo(io: CommandIo, message: string): Promise<boolean> {
	const {terminalAsk} = await import('./terminal.js');
	return terminalAsk(io).confirm({message, default: false});
}

/**
 * Asks the person to pick one of `choices` (arrow keys, Enter). Ctrl-C, SIGTERM or SIGHUP at the prompt is an
 * interruption, with nothing changed, as for askYesNo.
 */
export async function askChoice<Value extends string>(io: CommandIo, message: string, choices: ReadonlyArray<Choice<Value>>, preselected?: Value): Promise<Value> {
	const {terminalAsk} = await import('./terminal.js');
	return terminalAsk(io).select<Value>({message, choices: [...choices], ...(preselected === undefined ? {} : {default: preselected})});
}

/** After "no": says that nothing changed, in the output's own form, and exits 0 (a decline is not a failure). */
export async function declined(json: boolean, stdout: NodeJS.WritableStream, message: string): Promise<number> {
	if (json) (await import('../ui/json-events.js')).writeJsonEvent(stdout, {type: 'declined', at: Date.now(), message});
	else stdout.write(`${message}\n`);
	return 0;
}

/** Thrown when the person answers no before anything was touched; the command exits 0 (see `declined`). */
export class Declined extends Error {}
