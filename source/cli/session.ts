import {loadConfig} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {readSecrets} from '../config/secrets.js';
import {Journal, type JournalData} from '../engine/journal.js';
import {acquireLock, type Lock} from '../engine/lock.js';
import {Redactor} from '../engine/redactor.js';
import type {RunEnvironment} from '../engine/runner.js';
import {stackFiles, type StackFiles} from '../engine/stack-files.js';
import type {Plan} from '../engine/step.js';
import {errorView} from '../engine/events.js';
import {UserError, asHoistError, type HoistError} from '../errors.js';
import {RemoteConnections} from '../remote/connections.js';
import {fileTrace} from '../remote/trace.js';
import {liveServices} from '../services-live.js';
import type {CommandLine} from './command.js';
import type {CommandIo} from './io.js';
import {createRenderer, type Renderer} from '../ui/renderer.js';
import {cancelOnSignals} from './cancellation.js';

export interface Session {
	config: Config;
	files: StackFiles;
	journal: Journal;
	renderer: Renderer;
	plan: Plan;
	/** Lines shown after a successful `up`: what the user does next. */
	closingMessage: (journal: JournalData, config: Config) => string[];
	env: RunEnvironment;
	/**
	 * Reads hoist.yml again (for a retry after the user fixed it): a new run environment with fresh adapters.
	 * The stack name cannot change mid-session: the lock and the journal belong to it.
	 */
	reload(): Promise<RunEnvironment>;
}

export interface SessionOptions {
	/** The command as the journal records it and resume hints name it. */
	command: string;
	/** `up --restart`: a new run, and an unreadable journal is set aside instead of refused. */
	restart?: boolean;
	/** The steps to run instead of the wizard's (e.g. `hoist dns`: the DNS step alone), with its closing message. */
	plan?: () => Promise<{plan: Plan; closingMessage: Session['closingMessage']}>;
}

/**
 * What the commands that change a stack share: config, the stack lock, the journal, the renderer, Ctrl-C handling
 * and the run's one SSH connection. Whatever happens inside `work`, the connection is closed (remote commands
 * stopped), the lock released and the renderer closed.
 */
export async function withSession(args: CommandLine, io: CommandIo, options: SessionOptions, work: (session: Session) => Promise<number>): Promise<number> {
	const {config, dir} = loadConfig(args.config);
	const files = stackFiles(dir);
	const secrets = readSecrets(io.env);
	const redactor = new Redactor();
	redactor.add(secrets.registryToken);

	const lock: Lock = acquireLock(files.lock, options.command);
	const signals = cancelOnSignals();
	const connections = new RemoteConnections({knownHosts: files.knownHosts, redactor, trace: fileTrace(io.env['HOIST_SSH_TRACE'])});
	let renderer: Renderer | undefined;
	try {
		const journal = openJournal(files.journal, config.stack, redactor, options.restart === true);
		renderer = await createRenderer({
			json: args.json,
			stdout: io.stdout,
			stderr: io.stderr,
			stdin: io.stdin,
			env: io.env,
			onCancel: () => signals.controller.abort(),
		});
		const {plan, closingMessage} = io.plan ? {plan: io.plan, closingMessage: () => []} : await (options.plan ?? (() => wizardPlan(config)))();
		const environment = async (current: Config): Promise<RunEnvironment> => ({
			config: current,
			files,
			services: await liveServices(current, secrets, redactor, connections, io.env),
			journal,
			redactor,
			emit: (event) => renderer?.onEvent(event),
			signal: signals.controller.signal,
		});
		const reload = async (): Promise<RunEnvironment> => {
			const fresh = loadConfig(args.config).config;
			if (fresh.stack !== config.stack) {
				throw new UserError(`The stack name changed from "${config.stack}" to "${fresh.stack}" during the run.`, {
					code: 'STACK_RENAMED',
					nextSteps: [`Put back "stack: ${config.stack}", or quit and run \`hoist up\` again.`],
				});
			}
			return environment(fresh);
		};
		return await work({config, files, journal, renderer, plan, closingMessage, env: await environment(config), reload});
	} catch (error) {
		const failure: HoistError = asHoistError(error);
		if (!renderer) throw failure;
		renderer.showError(errorView(failure));
		return failure.exitCode;
	} finally {
		await connections.close();
		signals.dispose();
		lock.release();
		await renderer?.close();
	}
}

async function wizardPlan(config: Config): Promise<{plan: Plan; closingMessage: Session['closingMessage']}> {
	const {buildPlan, closingMessage} = await import('../../steps/plan.js');
	return {plan: await buildPlan(config), closingMessage};
}

function openJournal(path: string, stack: string, redactor: Redactor, restart: boolean): Journal {
	if (!restart) return Journal.open(path, stack, redactor);
	let journal: Journal;
	try {
		journal = Journal.open(path, stack, redactor);
	} catch {
		return Journal.replaceUnreadable(path, stack, redactor);
	}
	journal.restart();
	return journal;
}
