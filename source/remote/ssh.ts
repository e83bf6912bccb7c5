import {createHash} from 'node:crypto';
import {Client, type ClientChannel, type ConnectConfig} from 'ssh2';
import {UserError} from '../errors.js';
import {keyTypeOf, pinFor, pinHostKey} from './known-hosts.js';

export interface SshTarget {
	host: string;
	port?: number;
	username: string;
	/** The private key's text; kept in memory only. */
	privateKey: string;
	/** The pinned-keys file and what to do on first contact. */
	knownHosts: string;
	/** Pin the key of a host seen for the first time (only the step that waits for a new instance does). */
	trustNewHost: boolean;
	/** The instance the pin belongs to; a different instance behind the same address may replace it. */
	instanceId: string;
	readyTimeoutMs?: number;
}

export interface ExecResult {
	code: number | null;
	signal: string | null;
	stdout: string;
	stderr: string;
}

export interface ExecOptions {
	/** Sent on the command's stdin: the only way a secret reaches the server (never on the command line). */
	stdin?: string;
	signal?: AbortSignal;
	onStdout?: (chunk: string) => void;
	onStderr?: (chunk: string) => void;
}

export type SshFailure = 'refused' | 'unreachable' | 'timeout' | 'auth' | 'host-key' | 'closed' | 'other';

/** A connection failure with the reason the SSH-ready step needs for its diagnosis. */
export class SshConnectError extends Error {
	constructor(
		readonly reason: SshFailure,
		message: string,
	) {
		super(message);
		this.name = 'SshConnectError';
	}
}

export class HostKeyChangedError extends UserError {}

export function fingerprint(keyBase64: string): string {
	return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

export class SshSession {
	readonly #client: Client;
	readonly hostKeyFingerprint: string;

	constructor(client: Client, hostKeyFingerprint: string) {
		this.#client = client;
		this.hostKeyFingerprint = hostKeyFingerprint;
	}

	exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		return new Promise((resolve, reject) => {
			this.#client.exec(command, (error, channel: ClientChannel) => {
				if (error) return reject(error);
				let stdout = '';
				let stderr = '';
				const onAbort = () => channel.close();
				options.signal?.addEventListener('abort', onAbort, {once: true});
				channel.on('data', (data: Buffer) => {
					const text = data.toString('utf8');
					stdout += text;
					options.onStdout?.(text);
				});
				channel.stderr.on('data', (data: Buffer) => {
					const text = data.toString('utf8');
					stderr += text;
					options.onStderr?.(text);
				});
				channel.on('close', (code: number | null, signal: string | null) => {
					options.signal?.removeEventListener('abort', onAbort);
					if (options.signal?.aborted) return reject(options.signal.reason);
					resolve({code: code ?? null, signal: signal ?? null, stdout, stderr});
				});
				channel.end(options.stdin);
			});
		});
	}

	close(): void {
		this.#client.end();
	}
}

/**
 * Opens an SSH session with the host key checked against `.hoist/known_hosts`. A host seen for the first time
 * is pinned only when the caller allows it; a changed key always refuses the connection.
 */
export function connectSsh(target: SshTarget, signal?: AbortSignal): Promise<SshSession> {
	return new Promise((resolve, reject) => {
		const client = new Client();
		let seenKey: {keyType: string; key: string} | undefined;
		let refusal: Error | undefined;

		const hostVerifier = (blob: Buffer): boolean => {
			const keyType = keyTypeOf(blob);
			const key = blob.toString('base64');
			seenKey = {keyType, key};
			const pin = pinFor(target.knownHosts, target.host);
			if (pin && pin.key === key) return true;
			if (pin && pin.instanceId === target.instanceId) {
				refusal = hostKeyChanged(target, pin.key, key);
				return false;
			}
			if (!target.trustNewHost) {
				refusal = new SshConnectError('host-key', `The host key of ${target.host} is not pinned for instance ${target.instanceId}.`);
				return false;
			}
			pinHostKey(target.knownHosts, {host: target.host, keyType, key, instanceId: target.instanceId});
			return true;
		};

		const onAbort = () => {
			client.end();
			reject(signal?.reason);
		};
		signal?.addEventListener('abort', onAbort, {once: true});
		const settle = () => signal?.removeEventListener('abort', onAbort);

		client.once('ready', () => {
			settle();
			resolve(new SshSession(client, fingerprint(seenKey?.key ?? '')));
		});
		client.once('error', (error: Error & {level?: string; code?: string}) => {
			settle();
			client.end();
			reject(refusal ?? classify(error));
		});
		const config: ConnectConfig = {
			host: target.host,
			port: target.port ?? 22,
			username: target.username,
			privateKey: target.privateKey,
			readyTimeout: target.readyTimeoutMs ?? 10_000,
			hostVerifier,
			keepaliveInterval: 15_000,
		};
		client.connect(config);
	});
}

function classify(error: Error & {level?: string; code?: string}): SshConnectError {
	if (error.code === 'ECONNREFUSED') return new SshConnectError('refused', 'the port is closed (connection refused)');
	if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return new SshConnectError('unreachable', `no route to the host (${error.code})`);
	if (error.code === 'ETIMEDOUT' || error.level === 'client-timeout') return new SshConnectError('timeout', 'no answer in time');
	if (error.level === 'client-authentication') return new SshConnectError('auth', 'the server refused the key');
	if (error.code === 'ECONNRESET') return new SshConnectError('closed', 'the connection was closed during the handshake');
	return new SshConnectError('other', error.message);
}

function hostKeyChanged(target: SshTarget, pinned: string, presented: string): HostKeyChangedError {
	return new HostKeyChangedError(`The SSH host key of ${target.host} has changed; hoist did not connect.`, {
		code: 'SSH_HOST_KEY_CHANGED',
		hint: [
			`Instance ${target.instanceId} was pinned with ${fingerprint(pinned)} and now presents ${fingerprint(presented)}.`,
			'Either the server was reinstalled, or something is intercepting the connection.',
		].join('\n'),
		nextSteps: [
			'If you did not change the server, stop and find out why (the address may not be yours any more).',
			`If you know why the key changed, remove the line for ${target.host} from ${target.knownHosts} and run the command again.`,
		],
	});
}
