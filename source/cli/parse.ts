import {parseArgs, type ParseArgsConfig} from 'node:util';
import {UserError, nextCommand} from '../errors.js';
import {didYouMean} from '../text/did-you-mean.js';
import {printable} from '../text/printable.js';
import type {CommandLine, CommandSpec, FlagSpec} from './command.js';

/** Options every command takes, before or after the command name. */
export const globalFlags: Record<string, FlagSpec> = {
	config: {type: 'string', short: 'c', value: 'PATH', description: 'The hoist.yml to use (default: ./hoist.yml); .hoist/ is kept beside it'},
	json: {type: 'boolean', description: 'One JSON event per line instead of the screen'},
	help: {type: 'boolean', short: 'h', description: 'Show help'},
	version: {type: 'boolean', short: 'v', description: 'Show the version'},
};

export interface Invocation {
	/** Undefined for `hoist`, `hoist --help`, `hoist --version`. */
	command: CommandSpec | undefined;
	args: CommandLine;
	help: boolean;
	version: boolean;
}

/**
 * Finds the command in the table and parses the whole line against its flags and positionals. Everything the user
 * typed wrong is a usage error (exit 2) that names the problem and the help to read.
 */
export function parseCommandLine(argv: string[], table: readonly CommandSpec[]): Invocation {
	const terminator = argv.indexOf('--');
	const before = terminator < 0 ? argv : argv.slice(0, terminator);
	const rest = terminator < 0 ? [] : argv.slice(terminator + 1);
	// The command is the first word that is not an option or an option's value.
	const name = firstWord(before, table);
	const command = name === undefined ? undefined : table.find((candidate) => candidate.name === name);
	if (name !== undefined && command === undefined) {
		throw new UserError(`Unknown command "${printable(name)}"${didYouMean(name, table.map((candidate) => candidate.name))}.`, {
			code: 'USAGE',
			nextSteps: [nextCommand('hoist --help', `Run {command} to see the commands: ${table.map((candidate) => candidate.name).join(', ')}.`)],
		});
	}
	const flags = {...globalFlags, ...command?.flags};
	let values: Record<string, string | boolean | undefined>;
	let positionals: string[];
	try {
		const parsed = parseArgs({args: before, options: toParseArgs(flags), allowPositionals: true, strict: true});
		// No flag is declared `multiple`, so every value is one string or boolean.
		values = parsed.values as Record<string, string | boolean | undefined>;
		positionals = parsed.positionals;
	} catch (error) {
		throw usage(command, parseArgsMessage((error as Error).message));
	}
	if (command !== undefined) positionals = positionals.slice(positionals.indexOf(command.name) + 1);
	// Every value is checked here, before anything touches disk: an empty --config would mean the current folder.
	const empty = Object.keys(flags).find((key) => flags[key]!.type === 'string' && values[key] === '');
	if (empty !== undefined) throw usage(command, `--${empty} needs a value.`);
	if (terminator >= 0 && !command?.passThrough) throw usage(command, '`--` is not expected here.');
	if (values['help'] !== true && values['version'] !== true) checkPositionals(command, positionals);
	return {
		command,
		help: values['help'] === true,
		version: values['version'] === true,
		args: {
			config: typeof values['config'] === 'string' ? values['config'] : 'hoist.yml',
			json: values['json'] === true,
			flags: Object.fromEntries(Object.keys(command?.flags ?? {}).map((key) => [key, values[key]])),
			positionals,
			rest,
		},
	};
}

function firstWord(argv: string[], table: readonly CommandSpec[]): string | undefined {
	// Options may come before the command (`hoist --json up`, `hoist --from ami up`): any option that takes a value.
	const valued = [globalFlags, ...table.map((command) => command.flags)].flatMap((flags) =>
		Object.entries(flags).filter(([, spec]) => spec.type === 'string').flatMap(([key, spec]) => [`--${key}`, ...(spec.short ? [`-${spec.short}`] : [])]),
	);
	for (let index = 0; index < argv.length; index++) {
		const word = argv[index]!;
		if (!word.startsWith('-')) return word;
		// An option that takes a value, given as a separate word: skip the value.
		if (valued.includes(word)) index++;
	}
	return undefined;
}

/** node's parser speaks of itself over several lines; the error is one line about what the user typed. */
function parseArgsMessage(message: string): string {
	// `--tail -5`: a value that starts with a dash is taken for an option.
	const ambiguous = /^Option '([^']+)' argument is ambiguous\.[\s\S]*use '([^']+)'/.exec(message);
	if (ambiguous) return `${ambiguous[1]} needs a value, and the word after it starts with a dash: to give that value, write ${ambiguous[2]!.replace('XYZ', 'VALUE')}.`;
	return message.replace(/\. To specify a positional argument.*$/s, '.').replace(/\s*\n\s*/g, ' ');
}

function checkPositionals(command: CommandSpec | undefined, positionals: string[]): void {
	const specs = command?.positionals ?? [];
	const variadic = specs.some((spec) => spec.variadic);
	if (!variadic && positionals.length > specs.length) {
		throw usage(command, `Unexpected argument "${printable(positionals[specs.length]!)}".`);
	}
	const missing = specs.filter((spec, index) => !spec.optional && !spec.variadic && positionals[index] === undefined);
	if (missing.length > 0) throw usage(command, `Missing ${missing.map((spec) => spec.name).join(' ')}.`);
}

function toParseArgs(flags: Record<string, FlagSpec>): NonNullable<ParseArgsConfig['options']> {
	return Object.fromEntries(
		Object.entries(flags).map(([key, spec]) => [key, {type: spec.type, ...(spec.short === undefined ? {} : {short: spec.short})}]),
	);
}

function usage(command: CommandSpec | undefined, message: string): UserError {
	return new UserError(printable(message), {
		code: 'USAGE',
		nextSteps: [nextCommand(`hoist ${command ? `${command.name} ` : ''}--help`, `Run {command} to see the ${command ? 'options' : 'commands'}.`)],
	});
}
