import {createHash} from 'node:crypto';
import {ExternalError, HoistError, UserError, type ErrorDetails, type ErrorKind, nextCommand} from '../errors.js';

/** `not-found`: the host name does not resolve; `lookup`: the resolver did not answer (temporary). */
export type SshFailure = 'refused' | 'unreachable' | 'timeout' | 'auth' | 'host-key' | 'not-found' | 'lookup' | 'closed' | 'other';

/**
 * SSH could not connect. The reason drives ssh-ready's diagnosis; a refused key or host key is the user's to fix,
 * a network that does not answer is an outside failure. Either way it never reaches the user as a bug.
 */
export class SshConnectError extends HoistError {
	readonly reason: SshFailure;

	constructor(reason: SshFailure, message: string, details: ErrorDetails = {}) {
		super(message, {
			code: 'SSH_CONNECT',
			nextSteps: [nextCommand('hoist status', 'Check that the server is running and reachable ({command}).')],
			...details,
		});
		this.reason = reason;
	}

	get kind(): ErrorKind {
		return this.reason === 'auth' || this.reason === 'host-key' || this.reason === 'not-found' ? 'user' : 'external';
	}
}

export class HostKeyChangedError extends UserError {}

/** A command on the server exited with a code nobody expected: what ran (secrets masked), the code, the last lines. */
export class RemoteCommandError extends ExternalError {
	/** The command's own exit code on the server (not hoist's). */
	readonly remoteExit: number | null;
	readonly signalName: string | null;
	readonly lastLines: string[];

	constructor(message: string, details: ErrorDetails & {command: string; exitCode: number | null; signal: string | null; lastLines: string[]}) {
		super(message, {...details, output: details.lastLines.join('\n')});
		this.remoteExit = details.exitCode;
		this.signalName = details.signal;
		this.lastLines = details.lastLines;
	}
}

export function fingerprint(keyBase64: string): string {
	return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}
