import {randomBytes} from 'node:crypto';
import {Transform, type Readable, type TransformCallback} from 'node:stream';
import type {NodeSSH} from 'node-ssh';
import type {ClientChannel, ExecOptions, SFTPWrapper} from 'ssh2';
import type {Redactor} from '../engine/redactor.js';
import {BugError, UserError} from '../errors.js';
import type {RemoteCommand} from './commands/command.js';
import {hostFacts, installFiles, parseFacts, pidMarker, removeFiles, stopProcessGroup, wireLine, type HostFacts} from './commands/system.js';
import {RemoteCommandError, SshConnectError} from './errors.js';
import {LineStream, Tail} from './line-stream.js';
import type {Trace} from './trace.js';

export interface RemoteCommandOptions {
	/** Sent on the command's stdin: the only way a secret reaches the server (never on the command line). */
	stdin?: string | Buffer | Readable;
	signal?: AbortSignal;
	/** Each output line as it arrives (stderr too); by default a step passes its log. */
	onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
	/** Exit codes that are answers the caller reads, not failures. */
	okExitCodes?: number[];
	/** Keep stdout whole, for commands whose answer is parsed (JSON from podman inspect); bounded. */
	capture?: boolean;
}

export interface RemoteCommandResult {
	exitCode: number | null;
	signal: string | null;
	/** The whole stdout when `capture` was asked for, else ''. */
	stdout: string;
	/** The last lines of both streams. */
	tail: string[];
}

export interface UploadFile {
	content: string | Buffer;
	/** Absolute path on the server. */
	path: string;
	mode: number;
	owner?: string;
	group?: string;
}

export interface AttachOptions {
	/** Forwarded to the command as it arrives; without it the command reads an empty stdin. */
	stdin?: Readable;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** The caller's own terminal: the command gets one of the same size and type on the server. */
	terminal?: {stream: NodeJS.WriteStream; term: string};
	signal?: AbortSignal;
}

/** How an attached command ended; the caller passes it on as its own exit status. */
export interface ExitStatus {
	exitCode: number | null;
	signal: string | null;
}

/**
 * What steps and commands use of the run's SSH connection. SshSession is the one over SSH; unit tests of steps pass
 * a recording fake (test/helpers/fake-session.ts).
 */
export interface RemoteSession {
	/** The server's host key, as this connection saw it. */
	readonly hostKeyFingerprint: string;
	/** Who we are on the server and how we become root. */
	facts(signal?: AbortSignal): Promise<HostFacts>;
	/** Runs a command to its end; a non-zero exit (outside `okExitCodes`) throws RemoteCommandError. */
	run(command: RemoteCommand | string, options?: RemoteCommandOptions): Promise<RemoteCommandResult>;
	/** Runs a command with its bytes passed straight through; resolves with its exit status, whatever it is. */
	attach(command: RemoteCommand, options: AttachOptions): Promise<ExitStatus>;
	/** Writes files on the server, each with its mode and owner. */
	upload(files: UploadFile[], options?: {signal?: AbortSignal}): Promise<void>;
}

/**
 * Drops the pid line `wireLine` writes before the command starts (the first line, `@hoist-pid=N`, with `\r\n` on a
 * terminal) and passes every other byte on untouched.
 */
export class PidMarkerFilter extends Transform {
	#head: Buffer | undefined = Buffer.alloc(0);
	readonly #onPid: (pid: number) => void;

	constructor(onPid: (pid: number) => void) {
		super();
		this.#onPid = onPid;
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		if (this.#head === undefined) return done(null, chunk);
		const head = Buffer.concat([this.#head, chunk]);
		const newline = head.indexOf(0x0a);
		const marker = Buffer.from(pidMarker);
		const stillMarker = head.subarray(0, marker.length).equals(marker.subarray(0, Math.min(head.length, marker.length)));
		if (!stillMarker) {
			this.#head = undefined;
			return done(null, head);
		}
		if (newline < 0) {
			this.#head = head;
			return done();
		}
		this.#head = undefined;
		this.#onPid(Number(head.subarray(marker.length, newline).toString('ascii').trim()));
		done(null, head.subarray(newline + 1));
	}

	override _flush(done: TransformCallback): void {
		done(null, this.#head && this.#head.length > 0 ? this.#head : undefined);
	}
}

/** The most a captured stdout may hold; a command that says more is a bug in the command, not a reason to run out of memory. */
const CAPTURE_LIMIT = 16 * 1024 * 1024;
/** How long an aborted command gets to stop after TERM, and then after KILL (doas waits 2 s for its child on TERM: it gets KILL). */
const STOP_GRACE_MS = 500;

/**
 * One SSH connection to the target, shared by every remote step of a run. Commands stream their output line by line,
 * fail loudly (a non-zero exit throws RemoteCommandError), run as root through the host's own escalation (doas on
 * Alpine, sudo elsewhere), and are stopped on the server when the run is aborted.
 *
 * Built on node-ssh: it connects (ssh2 options, host-key verification and keepalives pass through) and opens SFTP;
 * commands go through its ssh2 connection directly, because node-ssh's execCommand keeps all output in memory.
 */
export class SshSession implements RemoteSession {
	readonly hostKeyFingerprint: string;
	readonly #ssh: NodeSSH;
	readonly #redactor: Redactor;
	readonly #trace: Trace | undefined;
	readonly #stopping = new Set<Promise<void>>();
	#facts: Promise<HostFacts> | undefined;
	#sftp: Promise<SFTPWrapper> | undefined;
	#broken: Error | undefined;
	/** Set when close() begins: no new command starts, but the stops of aborted commands still go out. */
	#closing: Promise<void> | undefined;
	#closed = false;

	constructor(ssh: NodeSSH, options: {hostKeyFingerprint: string; redactor: Redactor; trace?: Trace | undefined}) {
		this.#ssh = ssh;
		this.hostKeyFingerprint = options.hostKeyFingerprint;
		this.#redactor = options.redactor;
		this.#trace = options.trace;
		// Without a listener a connection error after the handshake would crash the process.
		ssh.connection?.on('error', (error: Error) => {
			this.#broken = new SshConnectError('closed', `The SSH connection broke (${error.message}).`);
		});
		ssh.connection?.on('close', () => {
			this.#broken ??= new SshConnectError('closed', 'The server closed the SSH connection.');
		});
	}

	/** False once the connection broke or was closed: the next step then opens a new one. */
	get usable(): boolean {
		return !this.#broken && !this.#closing;
	}

	/** Who we are on the server and how we become root; asked once per connection. */
	facts(signal?: AbortSignal): Promise<HostFacts> {
		this.#facts ??= this.run(hostFacts(), {capture: true, ...(signal ? {signal} : {})}).then((result) => parseFacts(result.stdout));
		// A failed look (aborted, connection lost) must not be remembered.
		this.#facts.catch(() => (this.#facts = undefined));
		return this.#facts;
	}

	async run(command: RemoteCommand | string, options: RemoteCommandOptions = {}): Promise<RemoteCommandResult> {
		options.signal?.throwIfAborted();
		if (this.#closing) throw new SshConnectError('closed', 'The SSH connection is closing.');
		const spec: RemoteCommand = typeof command === 'string' ? {line: command} : command;
		const escalation = spec.root ? (await this.#rootFacts(options.signal)).escalation : 'none';
		const channel = await this.#exec(wireLine(spec.line, spec.root === true, escalation));
		return new Promise<RemoteCommandResult>((resolve, reject) => {
			const tail = new Tail();
			let pid: number | undefined;
			let stdout = '';
			// After an abort the command's last words (doas saying it kills its child) are nobody's business.
			const live = () => !options.signal?.aborted;
			const out = new LineStream((line) => {
				tail.push(line);
				if (live()) options.onLine?.(line, 'stdout');
			});
			const err = new LineStream((line) => {
				if (pid === undefined && line.startsWith(pidMarker)) {
					pid = Number(line.slice(pidMarker.length));
					return;
				}
				tail.push(line);
				if (live()) options.onLine?.(line, 'stderr');
			});
			const onAbort = () => {
				this.#track(this.#stop(channel, pid, spec.root === true, escalation));
				reject(options.signal?.reason);
			};
			options.signal?.addEventListener('abort', onAbort, {once: true});

			channel.on('data', (chunk: Buffer) => {
				out.write(chunk);
				if (options.capture) {
					stdout += chunk.toString('utf8');
					if (stdout.length > CAPTURE_LIMIT) channel.close();
				}
			});
			channel.stderr.on('data', (chunk: Buffer) => err.write(chunk));
			whenClosed(channel, ({exitCode, signal: exitSignal}) => {
				options.signal?.removeEventListener('abort', onAbort);
				out.end();
				err.end();
				if (options.signal?.aborted) return;
				if (options.capture && stdout.length > CAPTURE_LIMIT) {
					return reject(new BugError(`The output of "${this.#display(spec)}" exceeded ${CAPTURE_LIMIT} bytes.`, {code: 'REMOTE_OUTPUT_TOO_LARGE'}));
				}
				const result = {exitCode, signal: exitSignal, stdout, tail: tail.lines};
				if (exitCode === 0 || (exitCode !== null && options.okExitCodes?.includes(exitCode))) return resolve(result);
				if (exitCode === null && (this.#broken || exitSignal === null)) {
					// No exit status at all: the session ended under the command (sshd restarted, the machine went down).
					return reject(this.#broken ?? new SshConnectError('closed', `The server ended the session while "${this.#display(spec)}" ran.`));
				}
				reject(this.#failure(spec, result));
			});

			if (options.stdin === undefined) channel.end();
			else if (typeof options.stdin === 'string' || Buffer.isBuffer(options.stdin)) channel.end(options.stdin);
			else options.stdin.pipe(channel);
		});
	}

	/**
	 * Runs a command with its bytes passed straight through (`hoist exec`): stdout and stderr as they arrive, the
	 * caller's stdin forwarded, and a terminal on the server when `terminal` is the caller's own TTY (its size
	 * follows the local window). Resolves with the command's exit status whatever it is: the caller passes it on.
	 * Aborting stops the command's process group on the server, as `run` does.
	 */
	async attach(command: RemoteCommand, options: AttachOptions): Promise<ExitStatus> {
		options.signal?.throwIfAborted();
		if (this.#closing) throw new SshConnectError('closed', 'The SSH connection is closing.');
		const escalation = command.root ? (await this.#rootFacts(options.signal)).escalation : 'none';
		const terminal = options.terminal;
		const channel = await this.#exec(
			wireLine(command.line, command.root === true, escalation),
			terminal ? {pty: {rows: terminal.stream.rows, cols: terminal.stream.columns, term: terminal.term}} : undefined,
		);
		return new Promise((resolve, reject) => {
			let pid: number | undefined;
			// With a terminal, stderr is the terminal too: the pid line arrives on stdout.
			const marked = new PidMarkerFilter((found) => (pid = found));
			const onResize = () => channel.setWindow(terminal!.stream.rows, terminal!.stream.columns, 0, 0);
			if (terminal) terminal.stream.on('resize', onResize);
			const onAbort = () => {
				this.#track(this.#stop(channel, pid, command.root === true, escalation));
				reject(options.signal?.reason);
			};
			options.signal?.addEventListener('abort', onAbort, {once: true});
			if (terminal) {
				channel.pipe(marked).pipe(options.stdout, {end: false});
				channel.stderr.pipe(options.stderr, {end: false});
			} else {
				channel.pipe(options.stdout, {end: false});
				channel.stderr.pipe(marked).pipe(options.stderr, {end: false});
			}
			whenClosed(channel, ({exitCode, signal: exitSignal}) => {
				options.signal?.removeEventListener('abort', onAbort);
				if (terminal) terminal.stream.off('resize', onResize);
				options.stdin?.unpipe(channel);
				if (options.signal?.aborted) return;
				if (exitCode === null && exitSignal === null) {
					return reject(this.#broken ?? new SshConnectError('closed', `The server ended the session while "${this.#display(command)}" ran.`));
				}
				resolve({exitCode, signal: exitSignal});
			});
			if (options.stdin) options.stdin.pipe(channel);
			else channel.end();
		});
	}

	/**
	 * Writes files on the server over SFTP: each goes to a private temporary file in the login's home, then one
	 * privileged `install` per batch puts them in place with their mode and owner (one round trip for all of them).
	 */
	async upload(files: UploadFile[], options: {signal?: AbortSignal} = {}): Promise<void> {
		if (files.length === 0) return;
		const sftp = await this.#openSftp();
		const batch = randomBytes(6).toString('hex');
		const temps = files.map((file, index) => ({...file, temp: `.hoist-upload-${batch}-${index}`}));
		try {
			for (const file of temps) {
				options.signal?.throwIfAborted();
				this.#trace?.({type: 'upload', path: file.path, bytes: Buffer.byteLength(file.content)});
				await new Promise<void>((resolve, reject) =>
					sftp.writeFile(file.temp, file.content, {mode: 0o600}, (error) => (error ? reject(uploadFailed(file.path, error)) : resolve())),
				);
			}
			await this.run({...installFiles(temps), root: true}, options.signal ? {signal: options.signal} : {});
		} catch (error) {
			await this.run(removeFiles(temps.map((file) => file.temp))).catch(() => undefined);
			throw error;
		}
	}

	/** Stops what is still running on the server (bounded), then closes the connection. Safe to call twice. */
	close(): Promise<void> {
		this.#closing ??= (async () => {
			await Promise.race([Promise.allSettled([...this.#stopping]), new Promise((resolve) => setTimeout(resolve, 4 * STOP_GRACE_MS).unref())]);
			this.#closed = true;
			this.#trace?.({type: 'close'});
			this.#ssh.dispose();
		})();
		return this.#closing;
	}

	async #rootFacts(signal: AbortSignal | undefined): Promise<HostFacts> {
		const facts = await this.facts(signal);
		if (facts.escalation === 'none') {
			throw new UserError(`The user ${facts.user} on the server cannot become root without a password (no doas or sudo rule).`, {
				code: 'SSH_NO_ROOT',
				hint: 'hoist runs Podman as root, so it needs passwordless doas (Alpine) or sudo for its login.',
				nextSteps: [
					`On the server, as root: echo "permit nopass ${facts.user}" > /etc/doas.d/hoist.conf (Alpine), or`,
					`echo "${facts.user} ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/hoist (Debian, Ubuntu).`,
				],
			});
		}
		return facts;
	}

	#exec(line: string, options: ExecOptions = {}): Promise<ClientChannel> {
		if (this.#broken) return Promise.reject(this.#broken);
		const connection = this.#ssh.connection;
		if (!connection || this.#closed) return Promise.reject(new SshConnectError('closed', 'The SSH connection is closed.'));
		this.#trace?.({type: 'exec', line});
		return new Promise((resolve, reject) => {
			connection.exec(line, options, (error, channel) => (error ? reject(new SshConnectError('closed', `The server refused a command channel (${error.message}).`)) : resolve(channel)));
		});
	}

	#openSftp(): Promise<SFTPWrapper> {
		this.#sftp ??= this.#ssh.requestSFTP();
		this.#sftp.catch(() => (this.#sftp = undefined));
		return this.#sftp;
	}

	/** TERM to the command's process group, KILL if it is still there after the grace period, then the channel goes. */
	async #stop(channel: ClientChannel, pid: number | undefined, root: boolean, escalation: HostFacts['escalation']): Promise<void> {
		const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
		const within = (ms: number) => Promise.race([closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
		if (pid !== undefined && !this.#broken) {
			for (const signal of ['TERM', 'KILL'] as const) {
				const stop = stopProcessGroup(pid, signal);
				await this.#execQuietly(wireLine(stop.line, root, escalation));
				if (await within(STOP_GRACE_MS)) return;
			}
		}
		channel.close();
	}

	/** A command whose result does not matter (stopping another one); failures are ignored. */
	async #execQuietly(line: string): Promise<void> {
		try {
			const channel = await this.#exec(line);
			await new Promise<void>((resolve) => {
				channel.on('close', () => resolve());
				channel.resume();
				channel.stderr.resume();
				channel.end();
			});
		} catch {
			// the connection is gone: nothing more can be stopped from here
		}
	}

	#track(stopping: Promise<void>): void {
		this.#stopping.add(stopping);
		void stopping.finally(() => this.#stopping.delete(stopping));
	}

	#display(spec: RemoteCommand): string {
		return this.#redactor.redact(spec.line);
	}

	#failure(spec: RemoteCommand, result: RemoteCommandResult): RemoteCommandError {
		const how = result.exitCode === null ? `was stopped${result.signal ? ` by SIG${result.signal}` : ''}` : `failed with exit code ${result.exitCode}`;
		const lastLines = result.tail.slice(-30).map((line) => this.#redactor.redact(line));
		return new RemoteCommandError(`${spec.title ? capitalise(spec.title) : 'A command'} ${how} on the server.`, {
			code: 'REMOTE_COMMAND_FAILED',
			command: this.#display(spec),
			exitCode: result.exitCode,
			signal: result.signal,
			lastLines,
			nextSteps: ['Read the output above and fix the cause.'],
		});
	}
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function uploadFailed(path: string, error: Error): SshConnectError {
	return new SshConnectError('other', `Could not upload ${path} over SFTP (${error.message}).`);
}

/**
 * Calls `done` once the channel has closed, with its command's exit status. ssh2 emits 'exit' as soon as it parses the
 * status: for a quick command that can be in the same read as the channel's opening, before any handler of ours
 * exists. 'close', which waits until the output was read, carries the same status and fills in what 'exit' missed.
 */
function whenClosed(channel: ClientChannel, done: (status: ExitStatus) => void): void {
	let exitCode: number | null = null;
	let signal: string | null = null;
	channel.on('exit', (code: number | null, signalName?: string) => {
		exitCode = code ?? null;
		signal = signalName ?? null;
	});
	channel.on('close', (code?: number | null, signalName?: string) => done({exitCode: exitCode ?? code ?? null, signal: signal ?? signalName ?? null}));
}
