import type {Redactor} from '../engine/redactor.js';
import type {SshSession} from './session.js';
import type {Target} from './target.js';
import type {Trace} from './trace.js';

export interface OpenOptions {
	/** Pin the host key of a server seen for the first time (only for an instance hoist launched itself). */
	trustNewHost?: boolean;
	readyTimeoutMs?: number;
	signal?: AbortSignal;
}

/**
 * One SSH connection per run: the first remote step opens it, every later step and command reuses it, and the command
 * closes it when it ends. It counts the connections it opened, so tests and benchmarks can hold it to one.
 */
export class RemoteConnections {
	opened = 0;
	readonly #knownHosts: string;
	readonly #redactor: Redactor;
	readonly #trace: Trace | undefined;
	#current: {key: string; session: Promise<SshSession>} | undefined;

	constructor(options: {knownHosts: string; redactor: Redactor; trace?: Trace | undefined}) {
		this.#knownHosts = options.knownHosts;
		this.#redactor = options.redactor;
		this.#trace = options.trace;
	}

	async open(target: Target, options: OpenOptions = {}): Promise<SshSession> {
		const key = `${target.user}@${target.host}:${target.port}/${target.identity}/${target.privateKeyPath}`;
		if (this.#current?.key === key) {
			const session = await this.#current.session.catch(() => undefined);
			if (session?.usable) return session;
		}
		await this.close();
		this.opened++;
		// ssh2 loads with the first connection, not with the command: the screen is drawn before anything needs it.
		const session = import('./connect.js').then(({connectTarget}) => connectTarget(target, {
			knownHosts: this.#knownHosts,
			trustNewHost: options.trustNewHost === true,
			redactor: this.#redactor,
			trace: this.#trace,
			...(options.readyTimeoutMs === undefined ? {} : {readyTimeoutMs: options.readyTimeoutMs}),
			...(options.signal === undefined ? {} : {signal: options.signal}),
		}));
		this.#current = {key, session};
		return session;
	}

	async close(): Promise<void> {
		const current = this.#current;
		this.#current = undefined;
		const session = await current?.session.catch(() => undefined);
		await session?.close();
	}
}
