import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {isatty} from 'node:tty';
import type {CommandSpec} from './cli/command.js';
import type {CommandIo} from './cli/io.js';
import {exitCodes, asHoistError, stopSignals} from './errors.js';
import type {ErrorView} from './engine/events.js';
import type {Plan} from './engine/step.js';
import {cancelOnSignals} from './cli/cancellation.js';
import {endAsHungUp, watchOutputChannels} from './cli/output-channels.js';

export interface MainOptions {
	/** Replaces the wizard's steps: for tests that run the engine on fixture steps through the real CLI. */
	plan?: Plan;
	/** Replaces the command table: for tests of parsing, help and dispatch. */
	commands?: readonly CommandSpec[];
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	env?: NodeJS.ProcessEnv;
}

/** Runs one hoist command and returns the exit code; user errors are printed without a stack trace. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
	// From here on Ctrl-C, SIGTERM and SIGHUP stop hoist cleanly, also while it is still starting up.
	const cancellation = cancelOnSignals();
	const io: CommandIo = {
		stdout: options.stdout ?? process.stdout,
		stderr: options.stderr ?? process.stderr,
		stdin: options.stdin ?? process.stdin,
		env: options.env ?? process.env,
		cancellation,
		...(options.plan ? {plan: options.plan} : {}),
	};
	// stdin only on a terminal (Ink leaving raw mode on a hung-up one fails there too); touching it otherwise costs start-up.
	const outputs = watchOutputChannels([io.stdout, io.stderr, ...(isatty(0) ? [io.stdin] : [])], cancellation);
	// Only hoist's own options: after `--` the words belong to the remote command (`hoist exec web -- cli --json`).
	const terminator = argv.indexOf('--');
	const json = (terminator < 0 ? argv : argv.slice(0, terminator)).includes('--json');
	const code = await run(argv, options, io, json);
	if (outputs.hungUp) endAsHungUp();
	// A command that ended well but could not say so (its reader left) exits as a stop; an error keeps its own code.
	return code === 0 && outputs.closed ? stopSignals.SIGPIPE : code;
}

async function run(argv: string[], options: MainOptions, io: CommandIo, json: boolean): Promise<number> {
	const {cancellation} = io;
	try {
		// The fastest path of all: nothing else is loaded for the version.
		if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) return printVersion(io, false);
		// `hoist up` on a terminal: the step list first, then everything else loads and checks (an error replaces it).
		if (!options.commands && !options.plan) (await import('./commands/up/first-frame.js')).showFirstFrame(argv, io);
		const table = options.commands ?? (await import('./commands/index.js')).commandTable;
		const {parseCommandLine} = await import('./cli/parse.js');
		const {command, args, help, version} = parseCommandLine(argv, table);
		// Anywhere before `--`, help and version answer and exit: `hoist destroy --yes --version` must never destroy.
		if (help) {
			const {helpText, helpJson} = await import('./cli/help.js');
			if (args.json) (await import('./ui/json-events.js')).writeJsonEvent(io.stdout, helpJson(table, command));
			else io.stdout.write(helpText(table, command));
			return 0;
		}
		if (version) return printVersion(io, args.json);
		process.env['NODE_ENV'] ??= 'production';
		// The SDK's notice about future Node versions would land in the middle of the screen; hoist's engines say what it needs.
		process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
		if (command === undefined) {
			// `hoist` alone: the resume screen, the status, or the way to start, as the stack's journal says.
			const {runBare} = await import('./commands/bare/bare.js');
			return await runBare(args, io, table);
		}
		const {stackAccess} = await import('./cli/stack-access.js');
		return await command.run({args, io, stack: stackAccess(command.needs, args, io)});
	} catch (error) {
		const {Declined, declined} = await import('./cli/confirm.js');
		if (error instanceof Declined) return await declined(json, io.stdout, error.message);
		const failure = asHoistError(error);
		const {errorView} = await import('./engine/events.js');
		const view = await redactedView(errorView(failure), io.env);
		if (json) {
			(await import('./ui/json-events.js')).writeJsonEvent(io.stdout, {type: 'error', at: Date.now(), error: view});
		} else {
			const {formatError} = await import('./ui/format-error.js');
			io.stderr.write(`${formatError(view).join('\n')}\n`);
		}
		return failure.exitCode ?? exitCodes.bug;
	} finally {
		cancellation.dispose();
	}
}

/**
 * An error that reached the top, with the registry token masked the way a step's errors are: a hoist.yml or an
 * argument that quotes it (pasted into the wrong field) must not print it.
 */
async function redactedView(view: ErrorView, env: NodeJS.ProcessEnv): Promise<ErrorView> {
	const [{Redactor, redactView}, {readSecrets, secretValues}] = await Promise.all([import('./engine/redactor.js'), import('./config/secrets.js')]);
	const redactor = new Redactor();
	for (const token of secretValues(readSecrets(env))) redactor.add(token);
	return redactView(view, redactor);
}

async function printVersion(io: CommandIo, json: boolean): Promise<number> {
	const {packageRoot} = await import('./files/package-root.js');
	const packageJson = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string};
	if (json) (await import('./ui/json-events.js')).writeJsonEvent(io.stdout, {type: 'version', version: packageJson.version});
	else io.stdout.write(`${packageJson.version}\n`);
	return 0;
}
