// A RemoteSession for unit tests of steps: it keeps everything asked of it, in order, and answers each command with
// what the test's `answer` says (by default: nothing, exit 0). It behaves as SshSession does where steps can tell:
// stdout only when `capture` was asked for, output lines to `onLine`, a non-zero exit outside `okExitCodes` throws
// RemoteCommandError with the last lines, an aborted signal refuses the call.
import type {RemoteCommand} from '../../source/remote/commands/command.js';
import type {HostFacts} from '../../source/remote/commands/system.js';
import {RemoteCommandError} from '../../source/remote/errors.js';
import type {AttachOptions, ExitStatus, RemoteSession, RemoteCommandOptions, RemoteCommandResult, UploadFile} from '../../source/remote/session.js';

/** What the fake server says to one command: its stdout, or its output lines and exit code too. */
export type FakeAnswer = string | {stdout?: string; lines?: string[]; exitCode?: number};

export type SessionCall =
	| {kind: 'run'; command: RemoteCommand; stdin: string | undefined}
	| {kind: 'attach'; command: RemoteCommand}
	| {kind: 'upload'; files: UploadFile[]};

export interface FakeSessionOptions {
	/** The server's answer to each command (undefined: no output, exit 0). */
	answer?: (command: RemoteCommand) => FakeAnswer | undefined;
	facts?: Partial<HostFacts>;
	hostKeyFingerprint?: string;
}

const alpineFacts: HostFacts = {escalation: 'doas', user: 'alpine', osId: 'alpine', osVersion: '3.20.3', osName: 'Alpine Linux v3.20'};

export class FakeSession implements RemoteSession {
	readonly hostKeyFingerprint: string;
	/** Every call, in the order the server saw them. */
	readonly calls: SessionCall[] = [];
	/**
	 * The same in words, one line per call (a command's title, else its line; `upload PATH…`), to compare the order of
	 * work with; a test may add its own marks (a sleep, say) in between.
	 */
	readonly script: string[] = [];
	/** The commands run, in order. */
	readonly ran: RemoteCommand[] = [];
	/** Every file uploaded, in order. */
	readonly uploaded: UploadFile[] = [];
	readonly #answer: (command: RemoteCommand) => FakeAnswer | undefined;
	readonly #facts: HostFacts;

	constructor(options: FakeSessionOptions = {}) {
		this.hostKeyFingerprint = options.hostKeyFingerprint ?? 'SHA256:fake';
		this.#answer = options.answer ?? (() => undefined);
		this.#facts = {...alpineFacts, ...options.facts};
	}


	async facts(signal?: AbortSignal): Promise<HostFacts> {
		signal?.throwIfAborted();
		return this.#facts;
	}

	async run(command: RemoteCommand | string, options: RemoteCommandOptions = {}): Promise<RemoteCommandResult> {
		options.signal?.throwIfAborted();
		const spec: RemoteCommand = typeof command === 'string' ? {line: command} : command;
		const stdin = typeof options.stdin === 'string' || Buffer.isBuffer(options.stdin) ? options.stdin.toString() : undefined;
		this.#record({kind: 'run', command: spec, stdin}, spec.title ?? spec.line);
		const {stdout, lines, exitCode} = answerOf(this.#answer(spec));
		for (const line of lines) options.onLine?.(line, 'stdout');
		const tail = [...lines, ...stdout.split('\n').filter(Boolean)].slice(-30);
		const result = {exitCode, signal: null, stdout: options.capture ? stdout : '', tail};
		if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) return result;
		throw new RemoteCommandError(`${spec.title ?? 'A command'} failed with exit code ${exitCode} on the server.`, {
			code: 'REMOTE_COMMAND_FAILED',
			command: spec.line,
			exitCode,
			signal: null,
			lastLines: tail,
		});
	}

	async attach(command: RemoteCommand, options: AttachOptions): Promise<ExitStatus> {
		options.signal?.throwIfAborted();
		this.#record({kind: 'attach', command}, `attach ${command.title ?? command.line}`);
		const {stdout, exitCode} = answerOf(this.#answer(command));
		options.stdout.write(stdout);
		return {exitCode, signal: null};
	}

	async upload(files: UploadFile[], options: {signal?: AbortSignal} = {}): Promise<void> {
		options.signal?.throwIfAborted();
		this.#record({kind: 'upload', files}, `upload ${files.map((file) => file.path).join(' ')}`);
	}

	#record(call: SessionCall, words: string): void {
		this.calls.push(call);
		this.script.push(words);
		if (call.kind === 'run') this.ran.push(call.command);
		if (call.kind === 'upload') this.uploaded.push(...call.files);
	}
}

function answerOf(answer: FakeAnswer | undefined): {stdout: string; lines: string[]; exitCode: number} {
	if (answer === undefined) return {stdout: '', lines: [], exitCode: 0};
	if (typeof answer === 'string') return {stdout: answer, lines: [], exitCode: 0};
	return {stdout: answer.stdout ?? '', lines: answer.lines ?? [], exitCode: answer.exitCode ?? 0};
}
