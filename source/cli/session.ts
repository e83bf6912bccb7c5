import {loadConfig} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {readSecrets, secretValues, type Secrets} from '../config/secrets.js';
import {secretWarnings, type Warning} from '../config/warnings.js';
import {checkAwsEnvironment} from '../aws/environment.js';
import {Journal, type JournalData} from '../engine/journal.js';
import {acquireLock, type Lock} from '../engine/lock.js';
import {Redactor} from '../engine/redactor.js';
import type {RunEnvironment} from '../engine/runner.js';
import {stackFiles, type StackFiles} from '../engine/stack-files.js';
import type {Plan} from '../engine/step.js';
import {errorView} from '../engine/events.js';
import {CancelledError, UserError, asHoistError, cancellationOf, type HoistError, nextCommand} from '../errors.js';
import {resumeStep} from '../engine/advice.js';
import {RemoteConnections} from '../remote/connections.js';
import {fileTrace} from '../remote/trace.js';
import {liveServices} from '../services-live.js';
import type {CommandLine} from './command.js';
import type {CommandIo} from './io.js';
import {createRenderer, type Renderer, type ScreenKey} from '../ui/renderer.js';

export interface Session {
	config: Config;
	files: StackFiles;
	journal: Journal;
	renderer: Renderer;
	plan: Plan;
	/** Lines shown after a successful run of a plan of its own (`hoist dns`): what the user does next. */
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
	/** The command line a stop before any step tells the user to run again, when its arguments matter; default: the command. */
	resume?: string;
	/** `up --restart`: a new run; only a damaged journal that records nothing is set aside (see Journal.openForRestart). */
	restart?: boolean;
	/**
	 * The command's own checks of its arguments against the plan (and questions about risky settings), run before
	 * anything touches disk: a refused command leaves .hoist/ as it was. Returns warnings to show before the run.
	 * `files` is for reading only (the journal as it is, without the lock: the command checks again under it).
	 */
	before?: (config: Config, plan: Plan, files: StackFiles) => Promise<Warning[]>;
	/** The steps to run instead of the wizard's (e.g. `hoist dns`: the DNS step alone), with its closing message. */
	plan?: (config: Config) => Promise<{plan: Plan; closingMessage: Session['closingMessage']}>;
	/**
	 * Another stack made from hoist.yml, with its own state files (`hoist rehearse`: the rehearsal's stack and
	 * .hoist/rehearsal/): everything below (lock, journal, plan, steps) sees only what this returns. Called again on reload.
	 */
	derive?: (config: Config, dir: string) => Promise<{config: Config; files: StackFiles}>;
	/** The command's own keys on the run screen (`hoist rehearse`: `c` creates the record the DNS watcher shows). */
	keys?: ScreenKey[];
	/**
	 * Secrets the environment did not give, asked for before the screen starts (`hoist up`'s hidden token question).
	 * What it returns flows on exactly as HOIST_REGISTRY_TOKEN would: to the redactor and the steps, nowhere else.
	 */
	completeSecrets?: (config: Config, secrets: Secrets) => Promise<Secrets>;
	/** Skip the steps' local checks: `hoist destroy` undoes the plan, and a broken compose file must not stop it. */
	undoes?: boolean;
}

/**
 * What the commands that change a stack share: config, the stack lock, the journal, the renderer, Ctrl-C handling
 * and the run's one SSH connection. Whatever happens inside `work`, the connection is closed (remote commands
 * stopped), the lock released and the renderer closed.
 */
export async function withSession(args: CommandLine, io: CommandIo, options: SessionOptions, work: (session: Session) => Promise<number>): Promise<number> {
	const {signal} = io.cancellation;
	const loaded = loadConfig(args.config);
	const configNotes = loaded.notes;
	const {config, files} = options.derive ? await options.derive(loaded.config, loaded.dir) : {config: loaded.config, files: stackFiles(loaded.dir)};
	if (config.aws) checkAwsEnvironment(io.env, config.aws);
	const {plan, closingMessage} = io.plan ? {plan: io.plan, closingMessage: () => []} : await (options.plan ?? wizardPlan)(config);
	// Before any question and before .hoist/ is touched: what this machine alone can tell (the compose file, its files).
	if (options.undoes !== true) for (const step of plan) step.localCheck?.({config, files, environment: io.env});
	const checked = (await options.before?.(config, plan, files)) ?? [];
	// After the command's own questions: a token is not asked for a run the person has just declined.
	const fromEnvironment = readSecrets(io.env);
	const secrets = (await options.completeSecrets?.(config, fromEnvironment)) ?? fromEnvironment;
	const warnings = [...secretWarnings(secrets), ...checked];
	const resume = options.resume ?? options.command;
	if (signal.aborted) throw stoppedBefore(resume, signal);
	const redactor = new Redactor();
	for (const value of secretValues(secrets)) redactor.add(value);

	const connections = new RemoteConnections({knownHosts: files.knownHosts, redactor, trace: fileTrace(io.env['HOIST_SSH_TRACE'])});
	let renderer: Renderer | undefined;
	let lock: Lock | undefined;
	let working = false;
	try {
		renderer = await createRenderer({json: args.json, stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, env: io.env, onCancel: io.cancellation.cancel, signal, ...(options.keys ? {keys: options.keys} : {})});
		lock = acquireLock(files.lock, options.command);
		const {journal, keptCopy} = options.restart === true ? Journal.openForRestart(files.journal, config.stack, redactor) : {journal: Journal.open(files.journal, config.stack, redactor)};
		const notes = [...configNotes, ...warnings.map((warning) => `Warning: ${warning.message}`), lock.note, keptCopy && `Kept the damaged journal as ${keptCopy}; a new one starts now.`];
		if (notes.some(Boolean)) renderer.showMessage(notes.filter((note): note is string => typeof note === 'string' && note !== ''));
		if (signal.aborted) throw stoppedBefore(resume, signal);
		const environment = async (current: Config): Promise<RunEnvironment> => ({
			config: current,
			files,
			services: await liveServices(current, secrets, redactor, connections, io.env),
			journal,
			redactor,
			emit: (event) => renderer?.onEvent(event),
			signal,
		});
		const reload = async (): Promise<RunEnvironment> => {
			const reread = loadConfig(args.config);
			const fresh = options.derive ? (await options.derive(reread.config, reread.dir)).config : reread.config;
			if (fresh.stack !== config.stack) {
				throw new UserError(`The stack name changed from "${config.stack}" to "${fresh.stack}" during the run.`, {
					code: 'STACK_RENAMED',
					nextSteps: [nextCommand(`hoist ${options.command}`, `Put back "stack: ${config.stack}", or quit and run {command} again.`)],
				});
			}
			return environment(fresh);
		};
		const firstEnv = await environment(config);
		working = true;
		return await work({config, files, journal, renderer, plan, closingMessage, env: firstEnv, reload});
	} catch (error) {
		const failure: HoistError = signal.aborted && !working ? stoppedBefore(resume, signal) : asHoistError(error);
		if (!renderer) throw failure;
		renderer.showError(errorView(failure));
		return failure.exitCode;
	} finally {
		await connections.close();
		lock?.release();
		await renderer?.close();
	}
}

/** A stop before any step ran: nothing was changed, and the way on is the same command again. */
function stoppedBefore(command: string, signal: AbortSignal): CancelledError {
	const reason = cancellationOf(signal);
	return new CancelledError(`${reason.message} Nothing was changed.`, [resumeStep(command)], reason.signal);
}

async function wizardPlan(config: Config): Promise<{plan: Plan; closingMessage: Session['closingMessage']}> {
	const {buildPlan} = await import('../wizard/plan.js');
	// `hoist up` ends on the finish facts (source/wizard/finish.ts), not on closing lines.
	return {plan: await buildPlan(config), closingMessage: () => []};
}

