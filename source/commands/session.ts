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
import type {CommandIo, ParsedArgs} from '../main.js';
import {liveServices} from '../services-live.js';
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
	reload(): RunEnvironment;
}

export interface SessionOptions {
	command: 'up' | 'destroy';
	/** `up --restart`: a new run, and an unreadable journal is set aside instead of refused. */
	restart?: boolean;
}

/**
 * What up and destroy share: config, the stack lock, the journal, the renderer, Ctrl-C handling.
 * The lock is released and the renderer closed whatever happens inside `work`.
 */
export async function withSession(args: ParsedArgs, io: CommandIo, options: SessionOptions, work: (session: Session) => Promise<number>): Promise<number> {
	const {config, dir} = loadConfig(args.config);
	const files = stackFiles(dir);
	const secrets = readSecrets(io.env);
	const redactor = new Redactor();
	redactor.add(secrets.registryToken);

	const lock: Lock = acquireLock(files.lock, options.command);
	const signals = cancelOnSignals();
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
		const {plan, closingMessage} = io.plan ? {plan: io.plan, closingMessage: () => []} : await import('../../steps/plan.js');
		const environment = (current: Config): RunEnvironment => ({
			config: current,
			files,
			services: liveServices(current, secrets, redactor),
			journal,
			redactor,
			emit: (event) => renderer?.onEvent(event),
			signal: signals.controller.signal,
		});
		const reload = (): RunEnvironment => {
			const fresh = loadConfig(args.config).config;
			if (fresh.stack !== config.stack) {
				throw new UserError(`The stack name changed from "${config.stack}" to "${fresh.stack}" during the run.`, {
					code: 'STACK_RENAMED',
					nextSteps: [`Put back "stack: ${config.stack}", or quit and run \`hoist up\` again.`],
				});
			}
			return environment(fresh);
		};
		return await work({config, files, journal, renderer, plan, closingMessage, env: environment(config), reload});
	} catch (error) {
		const failure: HoistError = asHoistError(error);
		if (!renderer) throw failure;
		renderer.showError(errorView(failure));
		return failure.exitCode;
	} finally {
		signals.dispose();
		lock.release();
		await renderer?.close();
	}
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
