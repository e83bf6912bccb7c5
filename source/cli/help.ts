import type {CommandSpec, FlagSpec} from './command.js';
import type {HelpEvent} from '../ui/json-events.js';
import {globalFlags} from './parse.js';

/** Help text, derived from the command table: nothing here is written twice. */
export function helpText(table: readonly CommandSpec[], command: CommandSpec | undefined): string {
	if (command !== undefined) {
		const own = Object.keys(command.flags).length > 0 ? `Options:\n${flagLines(command.flags)}\n\n` : '';
		const positionals = (command.positionals ?? []).map((spec) => `  ${spec.name.padEnd(16)}  ${spec.description}`);
		const tail = command.passThrough ? [`  -- ${command.passThrough.name.padEnd(13)}  ${command.passThrough.description}`] : [];
		const args = positionals.length + tail.length > 0 ? `Arguments:\n${[...positionals, ...tail].join('\n')}\n\n` : '';
		return `Usage: ${usageLine(command)}\n\n${command.description ? `${command.description}\n\n` : ''}${args}${own}Common options:\n${flagLines(globalFlags)}\n`;
	}
	const width = Math.max(...table.map((entry) => entry.name.length));
	const list = table.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.summary}`).join('\n');
	return `hoist — from a docker-compose.yml and a domain to https://your-domain on your own AWS account or server.

Usage: hoist <command> [options]
       hoist             picks up where the stack is: the resume screen after a failed or stopped run,
                         the status after a finished one, or how to start

Commands:
${list}

Options:
${flagLines(globalFlags)}

Run \`hoist <command> --help\` for a command's own options.
`;
}

export function usageLine(command: CommandSpec): string {
	const flags = Object.entries(command.flags).map(([key, spec]) => `[--${key}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}]`);
	const positionals = (command.positionals ?? []).map((spec) => {
		const name = `${spec.name}${spec.variadic ? '…' : ''}`;
		return spec.optional || spec.variadic ? `[${name}]` : name;
	});
	const tail = command.passThrough ? [`[-- ${command.passThrough.name}…]`] : [];
	return ['hoist', command.name, ...positionals, ...flags, '[options]', ...tail].join(' ');
}

function flagLines(flags: Record<string, FlagSpec>): string {
	const labels = Object.entries(flags).map(([key, spec]) => {
		const short = spec.short ? `-${spec.short}, ` : '    ';
		return [`  ${short}--${key}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`, spec.description] as const;
	});
	const width = Math.max(...labels.map(([label]) => label.length));
	return labels.map(([label, description]) => `${label.padEnd(width)}   ${description}`).join('\n');
}

/** `--help --json`: the same help as data, for scripts and editors; `text` is what a terminal would show. */
export function helpJson(table: readonly CommandSpec[], command: CommandSpec | undefined): HelpEvent {
	const flags = (specs: Record<string, FlagSpec>) =>
		Object.entries(specs).map(([name, spec]) => ({name, ...(spec.short ? {short: spec.short} : {}), takesValue: spec.type === 'string', description: spec.description}));
	return {
		type: 'help',
		command: command?.name ?? null,
		...(command ? {usage: usageLine(command), options: flags(command.flags)} : {commands: table.map(({name, summary}) => ({name, summary}))}),
		commonOptions: flags(globalFlags),
		text: helpText(table, command),
	};
}
