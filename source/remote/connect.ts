import {readFileSync} from 'node:fs';
import {NodeSSH, type Config as NodeSshConfig} from 'node-ssh';
import type {Redactor} from '../engine/redactor.js';
import {fingerprint, HostKeyChangedError, SshConnectError} from './errors.js';
import {keyTypeOf, pinFor, pinHostKey} from './known-hosts.js';
import {RemoteSession} from './session.js';
import type {Target} from './target.js';
import type {Trace} from './trace.js';

export interface ConnectOptions {
	/** `.hoist/known_hosts` */
	knownHosts: string;
	/** Pin the key of a host seen for the first time (a new instance hoist just launched; never an unknown server). */
	trustNewHost: boolean;
	readyTimeoutMs?: number;
	signal?: AbortSignal;
	redactor: Redactor;
	trace?: Trace | undefined;
}

/**
 * Opens the SSH connection to the target with the host key checked against `.hoist/known_hosts` (and against
 * server.hostKey when hoist.yml names one). A changed key always refuses the connection.
 */
export async function connectTarget(target: Target, options: ConnectOptions): Promise<RemoteSession> {
	options.signal?.throwIfAborted();
	const privateKey = readFileSync(target.privateKeyPath, 'utf8');
	options.redactor.add(privateKey);
	let seenKey: string | undefined;
	let refusal: Error | undefined;

	const hostVerifier = (blob: Buffer): boolean => {
		const keyType = keyTypeOf(blob);
		const key = blob.toString('base64');
		seenKey = key;
		const configured = target.hostKey?.trim().split(/\s+/)[1];
		if (configured !== undefined && configured !== key) {
			refusal = hostKeyChanged(target, options.knownHosts, configured, key, 'server.hostKey in hoist.yml names');
			return false;
		}
		const pin = pinFor(options.knownHosts, target.host);
		if (pin && pin.key === key) return true;
		if (pin && pin.instanceId === target.identity) {
			refusal = hostKeyChanged(target, options.knownHosts, pin.key, key, `${target.kind === 'aws' ? `Instance ${target.identity}` : 'The server'} was pinned with`);
			return false;
		}
		if (!options.trustNewHost && configured === undefined) {
			refusal = new SshConnectError('host-key', `The host key of ${target.host} (${fingerprint(key)}) is not pinned yet.`);
			return false;
		}
		pinHostKey(options.knownHosts, {host: target.host, keyType, key, instanceId: target.identity});
		return true;
	};

	const ssh = new NodeSSH();
	const config: NodeSshConfig & {hostVerifier: (key: Buffer) => boolean; keepaliveInterval: number} = {
		host: target.host,
		port: target.port,
		username: target.user,
		privateKey,
		readyTimeout: options.readyTimeoutMs ?? 10_000,
		hostVerifier,
		keepaliveInterval: 15_000,
	};
	options.trace?.({type: 'connect', host: target.host, port: target.port, user: target.user});
	const onAbort = () => ssh.dispose();
	options.signal?.addEventListener('abort', onAbort, {once: true});
	try {
		await ssh.connect(config);
	} catch (error) {
		ssh.dispose();
		if (options.signal?.aborted) throw options.signal.reason;
		throw refusal ?? classify(error as Error & {level?: string; code?: string});
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
	}
	return new RemoteSession(ssh, {hostKeyFingerprint: fingerprint(seenKey ?? ''), redactor: options.redactor, trace: options.trace});
}

function classify(error: Error & {level?: string; code?: string}): SshConnectError {
	if (error.code === 'ECONNREFUSED') return new SshConnectError('refused', 'the port is closed (connection refused)');
	if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return new SshConnectError('unreachable', `no route to the host (${error.code})`);
	if (error.code === 'ETIMEDOUT' || error.level === 'client-timeout') return new SshConnectError('timeout', 'no answer in time');
	if (error.level === 'client-authentication') return new SshConnectError('auth', 'the server refused the key');
	if (error.code === 'ECONNRESET') return new SshConnectError('closed', 'the connection was closed during the handshake');
	return new SshConnectError('other', error.message);
}

/** `source` says where the expected key comes from: "Instance i-… was pinned with", "server.hostKey in hoist.yml names". */
function hostKeyChanged(target: Target, knownHosts: string, expected: string, presented: string, source: string): HostKeyChangedError {
	return new HostKeyChangedError(`The SSH host key of ${target.host} has changed; hoist did not connect.`, {
		code: 'SSH_HOST_KEY_CHANGED',
		hint: [
			`${source} ${fingerprint(expected)} and now presents ${fingerprint(presented)}.`,
			'Either the server was reinstalled, or something is intercepting the connection.',
		].join('\n'),
		nextSteps: [
			'If you did not change the server, stop and find out why (the address may not be yours any more).',
			`If you know why the key changed, remove the line for ${target.host} from ${knownHosts} and run the command again.`,
		],
	});
}
