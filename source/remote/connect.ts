import {NodeSSH, type Config as NodeSshConfig} from 'node-ssh';
import ssh2, {type ServerHostKeyAlgorithm} from 'ssh2';
import type {HoistError} from '../errors.js';
import {nextCommand} from '../errors.js';
import type {Redactor} from '../engine/redactor.js';
import {settleOnce} from '../engine/settle-once.js';
import {fingerprint, HostKeyChangedError, SshConnectError} from './errors.js';
import {keyTypeOf, pinFor, pinHostKey} from './known-hosts.js';
import {readPrivateKey} from './private-key-file.js';
import {SshSession} from './session.js';
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
export async function connectTarget(target: Target, options: ConnectOptions): Promise<SshSession> {
	options.signal?.throwIfAborted();
	const privateKey = readPrivateKey(target.privateKeyPath);
	options.redactor.add(privateKey);
	let seenKey: string | undefined;
	let refusal: Error | undefined;

	const hostVerifier = (blob: Buffer): boolean => {
		const presented = {keyType: keyTypeOf(blob), key: blob.toString('base64')};
		seenKey = presented.key;
		const verdict = judgeHostKey(target, options.knownHosts, presented, options.trustNewHost);
		if (verdict.kind === 'refuse') {
			refusal = verdict.error;
			return false;
		}
		if (verdict.kind === 'pin') pinHostKey(options.knownHosts, {host: target.host, ...presented, instanceId: target.identity});
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
		...hostKeyAlgorithms(expectedKeyType(target, options.knownHosts)),
	};
	options.trace?.({type: 'connect', host: target.host, port: target.port, user: target.user});
	const onAbort = () => ssh.dispose();
	options.signal?.addEventListener('abort', onAbort, {once: true});
	try {
		await ssh.connect(config);
	} catch (error) {
		ssh.dispose();
		if (options.signal?.aborted) throw options.signal.reason;
		throw refusal ?? classifyConnectError(error as ConnectFailure, target.host);
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
	}
	// Many small requests and answers (commands, SFTP packets) follow one another: without TCP_NODELAY each small write
	// can wait for the server's delayed ACK (about 40 ms), which was most of an upload's time (measured: test/bench).
	ssh.connection?.setNoDelay(true);
	return new SshSession(ssh, {hostKeyFingerprint: fingerprint(seenKey ?? ''), redactor: options.redactor, trace: options.trace});
}

export interface PresentedKey {
	keyType: string;
	/** base64 of the key blob, as in known_hosts */
	key: string;
}

export type HostKeyVerdict = {kind: 'accept'} | {kind: 'pin'} | {kind: 'refuse'; error: HoistError};

/**
 * Whether the key a server presents may be used: the key named in hoist.yml (server.hostKey) if there is one, else
 * the pin in .hoist/known_hosts. A host seen for the first time is pinned only for an instance hoist launched itself
 * (`trustNewHost`) or when hoist.yml names its key; an existing server's key is never trusted unasked.
 */
export function judgeHostKey(target: Target, knownHosts: string, presented: PresentedKey, trustNewHost: boolean): HostKeyVerdict {
	const configured = target.hostKey?.trim().split(/\s+/)[1];
	if (configured !== undefined && configured !== presented.key) {
		return {kind: 'refuse', error: hostKeyChanged(target, knownHosts, configured, presented.key, 'server.hostKey in hoist.yml names')};
	}
	const pin = pinFor(knownHosts, target.host);
	if (pin && pin.key === presented.key) return {kind: 'accept'};
	// The key hoist.yml names is the user's word, also over an older pin (a server they rebuilt and named again).
	if (configured !== undefined) return {kind: 'pin'};
	if (pin && pin.instanceId === target.identity) {
		const source = `${target.kind === 'aws' ? `Instance ${target.identity}` : 'The server'} was pinned with`;
		return {kind: 'refuse', error: hostKeyChanged(target, knownHosts, pin.key, presented.key, source)};
	}
	if (!trustNewHost && configured === undefined) return {kind: 'refuse', error: unknownHostKey(target, presented)};
	return {kind: 'pin'};
}

/** An existing server's key that nobody confirmed: hoist never trusts it on its own. */
export function unknownHostKey(target: Target, presented: PresentedKey): SshConnectError {
	return new SshConnectError('host-key', `The SSH host key of ${target.host} (${presented.keyType} ${fingerprint(presented.key)}) is not trusted yet; hoist did not connect.`, {
		hint: 'hoist trusts an existing server\'s key only when you confirm it on a terminal or name it in hoist.yml (`--yes` never trusts one).',
		nextSteps: [
			`On the server itself (its console, not over the network), run \`ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFileName(presented.keyType)}_key.pub\` and check that it prints ${fingerprint(presented.key)}.`,
			nextCommand('hoist up', `Then put the key in hoist.yml as server.hostKey: "${presented.keyType} AAAA…" (the first two words of that .pub file), or run {command} on a terminal and answer yes when it asks.`),
		],
	});
}

/** The name OpenSSH gives a host key file of this type: /etc/ssh/ssh_host_<name>_key.pub. */
export function hostKeyFileName(keyType: string): string {
	if (keyType === 'ssh-ed25519') return 'ed25519';
	if (keyType.startsWith('ecdsa-')) return 'ecdsa';
	return 'rsa';
}

/** The key type hoist expects from this server: the one hoist.yml names, else the one pinned; undefined when new. */
function expectedKeyType(target: Target, knownHosts: string): string | undefined {
	return target.hostKey?.trim().split(/\s+/)[0] ?? pinFor(knownHosts, target.host)?.keyType;
}

/**
 * A server with several host keys presents the one the client prefers (ssh2: ed25519 first): ask for the type that
 * was pinned or named, so a server whose ECDSA key is pinned is not taken for a changed one.
 */
function hostKeyAlgorithms(keyType: string | undefined): {algorithms?: {serverHostKey: ServerHostKeyAlgorithm[]}} {
	// An RSA key signs with SHA-2 these days; the key itself is still "ssh-rsa".
	if (keyType === 'ssh-rsa') return {algorithms: {serverHostKey: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']}};
	const known = hostKeyTypes.find((type) => type === keyType);
	return known === undefined ? {} : {algorithms: {serverHostKey: [known]}};
}

const hostKeyTypes: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];

/**
 * The host key a server presents, without logging in (what `ssh-keyscan` does): for the question "trust this key?"
 * on first contact with an existing server, and for checking the pin before `hoist ssh` hands over to OpenSSH.
 */
export async function scanHostKey(host: string, port: number, options: {readyTimeoutMs?: number; signal?: AbortSignal; keyType?: string} = {}): Promise<PresentedKey> {
	// ssh2's readyTimeout is the timeout; the signal and the first key seen end it too.
	return settleOnce<PresentedKey>({signal: options.signal}, (settle) => {
		const client = new ssh2.Client();
		let presented: PresentedKey | undefined;
		const finish = (error?: unknown) => (presented ? settle.resolve(presented) : settle.reject(classifyConnectError(error as ConnectFailure, host)));
		client.on('error', finish);
		client.on('ready', () => finish(new Error('the server let hoist in without a key')));
		client.connect({
			host,
			port,
			username: 'hoist-host-key-scan',
			readyTimeout: options.readyTimeoutMs ?? 10_000,
			hostVerifier: (blob: Buffer) => {
				presented = {keyType: keyTypeOf(blob), key: blob.toString('base64')};
				// Refusing ends the handshake here: nothing is sent that would log in.
				setImmediate(() => finish());
				return false;
			},
			...hostKeyAlgorithms(options.keyType),
		});
		return () => client.end();
	});
}

type ConnectFailure = Error & {level?: string; code?: string};

/** Why a connection to `host` failed, in the reasons ssh-ready and the day-2 commands act on. */
export function classifyConnectError(error: ConnectFailure, host: string): SshConnectError {
	if (error.code === 'ECONNREFUSED') return new SshConnectError('refused', 'the port is closed (connection refused)');
	// The resolver's final answer: no such name. Waiting does not make a misspelt name appear.
	if (error.code === 'ENOTFOUND') {
		return new SshConnectError('not-found', `the name ${host} does not resolve (no DNS record has it)`, {
			nextSteps: [`Check the spelling of server.host in hoist.yml, or write the server's IP address there; \`getent hosts ${host}\` shows what this machine resolves.`],
		});
	}
	// The resolver did not answer in time: worth another try.
	if (error.code === 'EAI_AGAIN') return new SshConnectError('lookup', `looking up the name ${host} failed for now (the DNS resolver did not answer)`);
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
			`If you know why the key changed, remove the line for ${target.host} from ${knownHosts}.`,
		],
	});
}
