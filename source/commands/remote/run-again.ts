import type {CommandLine} from '../../cli/command.js';
import {HoistError, nextCommand} from '../../errors.js';
import {sh} from '../../remote/commands/quote.js';

/** The command line as it was typed (its positionals and flags), to run it again. */
export function againLine(command: string, args: Pick<CommandLine, 'positionals' | 'flags'>): string {
	const flags = Object.entries(args.flags).flatMap(([name, value]) => (value === true ? [`--${name}`] : typeof value === 'string' ? [`--${name}`, value] : []));
	return `hoist ${sh(command, ...args.positionals, ...flags)}`;
}

/**
 * The commands that run without the step runner (backup, restore, upgrade) get no resume line from it: a failure
 * whose next steps name no command gets "Run `hoist …` again." here, with the line as typed. One that names a command
 * (`hoist up` first, `hoist status`) is left as it is: running this one again is not the way on there.
 */
export function withRunAgain(error: unknown, line: string): unknown {
	if (!(error instanceof HoistError) || error.kind === 'bug' || error.code === 'CANCELLED') return error;
	if (error.nextSteps.some((step) => step.command !== undefined)) return error;
	error.nextSteps.push(nextCommand(line, 'Run {command} again.'));
	return error;
}
