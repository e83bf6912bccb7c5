import {readFileSync} from 'node:fs';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {UserError, asHoistError, exitCodes} from './errors.js';
import type {Plan} from './engine/step.js';
import {commands, helpText, type CommandName} from './help.js';

export interface MainOptions {
	/** Replaces the wizard's steps: for tests that run the engine on fixture steps through the real CLI. */
	plan?: Plan;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	env?: NodeJS.ProcessEnv;
}

export interface CommandIo {
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	env: NodeJS.ProcessEnv;
	plan?: Plan;
}

const globalOptions = {
	config: {type: 'string', short: 'c'},
	json: {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'v'},
} as const satisfies ParseArgsConfig['options'];

const commandOptions = {
	up: {from: {type: 'string'}, restart: {type: 'boolean'}},
	status: {},
	destroy: {yes: {type: 'boolean', short: 'y'}},
} as const satisfies Partial<Record<CommandName, ParseArgsConfig['options']>>;

export type ParsedArgs = {
	config: string;
	json: boolean;
	from?: string;
	restart?: boolean;
	yes?: boolean;
};

/** Runs one hoist command and returns the exit code; user errors are printed without a stack trace. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
	const io: CommandIo = {
		stdout: options.stdout ?? process.stdout,
		stderr: options.stderr ?? process.stderr,
		stdin: options.stdin ?? process.stdin,
		env: options.env ?? process.env,
		...(options.plan ? {plan: options.plan} : {}),
	};
	const json = argv.includes('--json');
	try {
		const [first, ...rest] = argv;
		const name = first && !first.startsWith('-') ? first : undefined;
		if (name === undefined) return topLevel(argv, io);
		if (!(name in commands)) {
			throw new UserError(`Unknown command "${name}".`, {code: 'USAGE', nextSteps: ['Run `hoist --help` to see the commands.']});
		}
		if (!(name in commandOptions)) {
			throw new UserError(`\`hoist ${name}\` is not available in this version yet.`, {
				code: 'NOT_YET',
				nextSteps: ['Run `hoist --help` to see what this version can do.'],
			});
		}
		const command = name as keyof typeof commandOptions;
		const own = commandOptions[command];
		const args = parse(rest, {...globalOptions, ...own}, command);
		if (args.values['help'] === true) {
			io.stdout.write(helpText(command));
			return 0;
		}
		const parsed: ParsedArgs = {
			config: typeof args.values['config'] === 'string' ? args.values['config'] : 'hoist.yml',
			json: args.values['json'] === true,
			...pick(args.values, ['from', 'restart', 'yes']),
		};
		process.env['NODE_ENV'] ??= 'production';
		// The SDK's notice about future Node versions would land in the middle of the screen; hoist's engines say what it needs.
		process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
		const module = await loadCommand(command);
		return await module.run(parsed, io);
	} catch (error) {
		const failure = asHoistError(error);
		const {errorView} = await import('./engine/events.js');
		const view = errorView(failure);
		if (json) {
			io.stdout.write(`${JSON.stringify({type: 'error', at: Date.now(), error: view})}\n`);
		} else {
			const {formatError} = await import('./ui/format-error.js');
			io.stderr.write(`${formatError(view).join('\n')}\n`);
		}
		return failure.exitCode ?? exitCodes.bug;
	}
}

function topLevel(argv: string[], io: CommandIo): number {
	const args = parse(argv, globalOptions, undefined);
	if (args.values['version'] === true) {
		io.stdout.write(`${version()}\n`);
		return 0;
	}
	io.stdout.write(helpText(undefined));
	return args.values['help'] === true || argv.length === 0 ? 0 : exitCodes.user;
}

function parse(argv: string[], options: ParseArgsConfig['options'], command: CommandName | undefined): {values: Record<string, unknown>} {
	try {
		return parseArgs({args: argv, options, allowPositionals: false, strict: true});
	} catch (error) {
		const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
		throw new UserError(message, {
			code: 'USAGE',
			nextSteps: [`Run \`hoist ${command ? `${command} ` : ''}--help\` to see the options.`],
		});
	}
}

function pick(values: Record<string, unknown>, keys: string[]): Partial<ParsedArgs> {
	return Object.fromEntries(keys.filter((key) => values[key] !== undefined).map((key) => [key, values[key]]));
}

interface CommandModule {
	run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

async function loadCommand(command: keyof typeof commandOptions): Promise<CommandModule> {
	switch (command) {
		case 'up':
			return import('./commands/up.js');
		case 'status':
			return import('./commands/status.js');
		case 'destroy':
			return import('./commands/destroy.js');
	}
}

function version(): string {
	const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
	return packageJson.version;
}
