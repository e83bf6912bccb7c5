import {createHash} from 'node:crypto';
import {createReadStream, createWriteStream} from 'node:fs';
import {Transform, Writable} from 'node:stream';
import type {RemoteCommand} from '../remote/commands/command.js';
import {RemoteCommandError} from '../remote/errors.js';
import {LineStream, Tail} from '../remote/line-stream.js';
import type {RemoteSession} from '../remote/session.js';

export interface Transferred {
	bytes: number;
	sha256: string;
	ms: number;
}

/** Called as bytes pass (at most every `progressEveryMs`): how many so far, and since when. */
export type OnBytes = (bytes: number, elapsedMs: number) => void;

const progressEveryMs = 1000;

/**
 * A remote command's stdout, straight into a local file over the run's SSH connection (nothing is staged on the
 * server's disk), hashed as it arrives. A command that fails fails the transfer, with what it said on stderr.
 */
export async function receiveToFile(session: RemoteSession, command: RemoteCommand, path: string, options: {signal: AbortSignal; onBytes: OnBytes}): Promise<Transferred> {
	const file = createWriteStream(path, {flags: 'wx', mode: 0o600});
	const fileDone = new Promise<void>((resolve, reject) => file.on('finish', resolve).on('error', reject));
	const hash = createHash('sha256');
	const meter = bytesMeter(options.onBytes);
	// Never pushes back: the channel's data is all written (or buffered by the file) before the command's end is seen.
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			hash.update(chunk);
			meter.add(chunk.length);
			file.write(chunk);
			done();
		},
	});
	const stderr = tailOf();
	const status = await session.attach(command, {stdout: sink, stderr: stderr.stream, signal: options.signal});
	file.end();
	await fileDone;
	if (status.exitCode !== 0) throw failed(command, status, stderr.tail);
	return {bytes: meter.bytes, sha256: hash.digest('hex'), ms: meter.elapsed()};
}

/** A local file on a remote command's stdin (a restore), with the same progress as a backup. */
export async function sendFile(session: RemoteSession, command: RemoteCommand, path: string, options: {signal: AbortSignal; onBytes: OnBytes}): Promise<{bytes: number; ms: number}> {
	const meter = bytesMeter(options.onBytes);
	const counted = createReadStream(path).pipe(
		new Transform({
			transform(chunk: Buffer, _encoding, done) {
				meter.add(chunk.length);
				done(null, chunk);
			},
		}),
	);
	const output = tailOf();
	const status = await session.attach(command, {stdin: counted, stdout: output.stream, stderr: output.stream, signal: options.signal});
	if (status.exitCode !== 0) throw failed(command, status, output.tail);
	return {bytes: meter.bytes, ms: meter.elapsed()};
}

function bytesMeter(onBytes: OnBytes) {
	const started = Date.now();
	let bytes = 0;
	let reported = started;
	return {
		get bytes() {
			return bytes;
		},
		elapsed: () => Date.now() - started,
		add(count: number) {
			bytes += count;
			const now = Date.now();
			if (now - reported >= progressEveryMs) {
				reported = now;
				onBytes(bytes, now - started);
			}
		},
	};
}

/** A writable that keeps the last lines written to it, for an error. */
function tailOf(): {stream: Writable; tail: Tail} {
	const tail = new Tail();
	const lines = new LineStream((line) => tail.push(line));
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			lines.write(chunk);
			done();
		},
		final(done) {
			lines.end();
			done();
		},
	});
	return {stream, tail};
}

function failed(command: RemoteCommand, status: {exitCode: number | null; signal: string | null}, tail: Tail): RemoteCommandError {
	const how = status.exitCode === null ? `was stopped${status.signal ? ` by SIG${status.signal}` : ''}` : `failed with exit code ${status.exitCode}`;
	const title = command.title ?? 'a command';
	return new RemoteCommandError(`${title.charAt(0).toUpperCase()}${title.slice(1)} ${how} on the server.`, {
		code: 'REMOTE_COMMAND_FAILED',
		command: command.line,
		exitCode: status.exitCode,
		signal: status.signal,
		lastLines: tail.lines.slice(-30),
		nextSteps: ['Read the output above; fix the cause, then run the command again.'],
	});
}

/** "12.3 MB", "4.1 kB": sizes in decimal units, as disks and networks are sold. */
export function formatBytes(bytes: number): string {
	if (bytes < 1000) return `${bytes} B`;
	const units = ['kB', 'MB', 'GB', 'TB'];
	let value = bytes / 1000;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "12.3 MB in 2.0 s (6.2 MB/s)". */
export function formatRate(bytes: number, ms: number): string {
	const seconds = Math.max(ms, 1) / 1000;
	return `${formatBytes(bytes)} in ${seconds.toFixed(1)} s (${formatBytes(Math.round(bytes / seconds))}/s)`;
}
