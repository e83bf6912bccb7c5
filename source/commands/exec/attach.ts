import {constants} from 'node:os';
import {Writable} from 'node:stream';
import {LineStream} from '../../remote/line-stream.js';
import type {AttachOptions} from '../../remote/session.js';
import {writeJsonEvent} from '../../ui/json-events.js';
import type {CommandIo} from '../../cli/io.js';

export interface AttachStreams {
	/** Set when hoist has a terminal on both ends: the command gets one on the server too. */
	terminal: AttachOptions['terminal'];
	options: Pick<AttachOptions, 'stdin' | 'stdout' | 'stderr' | 'terminal'>;
	/** Runs the attached command with the local terminal in raw mode (keys, Ctrl-C included, go to the command). */
	around<T>(work: () => Promise<T>): Promise<T>;
	/** hoist's exit code for the command's exit status (128 + the signal's number when a signal ended it). */
	exit(status: {exitCode: number | null; signal: string | null}): number;
}

/**
 * The local ends of a command that runs on the server: the terminal itself when there is one, else stdin and stdout
 * as they are; with --json every output line becomes an event and the exit status the last one.
 */
export function attachStreams(io: CommandIo, json: boolean): AttachStreams {
	const terminal = !json && io.stdin.isTTY === true && io.stdout.isTTY === true ? {stream: io.stdout, term: io.env['TERM'] || 'xterm-256color'} : undefined;
	const output = (stream: 'stdout' | 'stderr') => new LineStream((line) => writeJsonEvent(io.stdout, {type: 'output', at: Date.now(), stream, line}));
	const out = output('stdout');
	const err = output('stderr');
	return {
		terminal,
		options: {
			stdin: io.stdin,
			stdout: json ? lineWriter(out) : io.stdout,
			stderr: json ? lineWriter(err) : io.stderr,
			...(terminal ? {terminal} : {}),
		},
		async around(work) {
			const raw = terminal !== undefined && typeof io.stdin.setRawMode === 'function';
			if (raw) io.stdin.setRawMode(true);
			try {
				return await work();
			} finally {
				if (raw) io.stdin.setRawMode(false);
				// Forwarding made stdin flow: let go of it, or hoist would wait for input nobody reads.
				io.stdin.pause();
			}
		},
		exit({exitCode, signal}) {
			const code = exitCode ?? 128 + (signal ? (constants.signals[`SIG${signal}` as keyof typeof constants.signals] ?? 0) : 0);
			if (json) {
				// A last line without its newline is still a line.
				out.end();
				err.end();
				writeJsonEvent(io.stdout, {type: 'exit', at: Date.now(), code, ...(signal ? {signal} : {})});
			}
			return code === 128 ? 1 : code;
		},
	};
}

/** A writable that turns bytes into lines (split across chunks as they may be). */
function lineWriter(lines: LineStream): Writable {
	return new Writable({
		write(chunk: Buffer, _encoding, done) {
			lines.write(chunk);
			done();
		},
	});
}
