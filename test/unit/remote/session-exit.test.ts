import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import type {NodeSSH} from 'node-ssh';
import {describe, expect, it} from 'vitest';
import {Redactor} from '../../../source/engine/redactor.js';
import {SshSession} from '../../../source/remote/session.js';

/**
 * ssh2 parses every packet of one read in one go: for a quick command the channel's opening, its output and its exit
 * status can arrive together, so 'exit' fires before the caller's handlers exist. Only 'close' (which waits for the
 * output to be read) is sure to be seen, and it carries the same status, as in node's child processes.
 */
function connectionWhereExitComesFirst(code: number): NodeSSH {
	const connection = new EventEmitter() as EventEmitter & {exec: unknown};
	connection.exec = (_line: string, _options: object, callback: (error: Error | undefined, channel: unknown) => void) => {
		const channel = Object.assign(new PassThrough({emitClose: false}), {stderr: new PassThrough(), close: () => undefined});
		callback(undefined, channel);
		channel.emit('exit', code);
		channel.end('done\n');
		channel.stderr.end();
		channel.once('end', () => setImmediate(() => channel.emit('close', code)));
	};
	return {connection} as unknown as NodeSSH;
}

describe('the remote session, when the exit status comes with the channel itself', () => {
	it('a quick command that exits 0 succeeds (not "the server ended the session")', async () => {
		const session = new SshSession(connectionWhereExitComesFirst(0), {hostKeyFingerprint: 'SHA256:x', redactor: new Redactor()});
		await expect(session.run('true', {capture: true})).resolves.toMatchObject({exitCode: 0, stdout: 'done\n'});
	});

	it('an expected non-zero exit is still an answer', async () => {
		const session = new SshSession(connectionWhereExitComesFirst(3), {hostKeyFingerprint: 'SHA256:x', redactor: new Redactor()});
		await expect(session.run('exit 3', {okExitCodes: [3]})).resolves.toMatchObject({exitCode: 3});
	});
});
