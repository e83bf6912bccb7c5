import {closeSync, constants, openSync, writeSync} from 'node:fs';
import {fileSystemReason} from '../files/fs-errors.js';
import {printable} from '../text/printable.js';

export type TraceEntry =
	| {type: 'connect'; host: string; port: number; user: string}
	| {type: 'exec'; line: string}
	| {type: 'upload'; path: string; bytes: number}
	| {type: 'close'};

export type Trace = (entry: TraceEntry) => void;

/**
 * HOIST_SSH_TRACE=FILE: every connection, command line (exactly as sent) and upload, one JSON line each. For
 * debugging and for tests that count round trips or prove that no secret ever travelled on a command line.
 * A trace is never worth a failed run: a file that cannot be written (a full disk, /dev/full, a FIFO nobody reads)
 * is reported once and tracing stops.
 */
export function fileTrace(path: string | undefined, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Trace | undefined {
	if (!path) return undefined;
	let broken = false;
	return (entry) => {
		if (broken) return;
		try {
			append(path, `${JSON.stringify({at: Date.now(), ...entry})}\n`);
		} catch (error) {
			broken = true;
			const why = fileSystemReason({code: (error as NodeJS.ErrnoException).code ?? ''});
			warn(printable(`Warning: HOIST_SSH_TRACE: cannot write to ${path} (${why}); the run goes on without a trace.`));
		}
	};
}

/** Non-blocking, so a FIFO without a reader fails at once instead of holding the run in open(). */
function append(path: string, line: string): void {
	const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, 0o600);
	try {
		writeSync(fd, line);
	} finally {
		closeSync(fd);
	}
}
