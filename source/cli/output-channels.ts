import type {ProcessCancellation} from './cancellation.js';

/** Errors that say an output can take nothing more: its reader left (EPIPE), its disk is full, its terminal is gone. */
const closedOutput = new Set(['EPIPE', 'ENOSPC', 'EDQUOT', 'EIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

export interface OutputChannels {
	/** Set once stdout or stderr refused a write: the exit code then says so, unless the command failed on its own. */
	readonly closed: boolean;
	/** The terminal itself went away (EIO): see endAsHungUp. */
	readonly hungUp: boolean;
}

/**
 * stdout and stderr may close under hoist: `hoist up | head -1`, `> /dev/full`, a terminal window closed. Without a
 * listener that is an unhandled 'error' event and a stack trace, with the lock and a running step left behind. Here
 * it is a stop like Ctrl-C's (the step back to pending, the lock released): a closed terminal (EIO, on stdin too, when
 * Ink leaves raw mode) as SIGHUP, any other output as SIGPIPE. Whatever hoist still writes is dropped quietly; the
 * listeners stay for writes after the command.
 */
export function watchOutputChannels(streams: ReadonlyArray<NodeJS.EventEmitter>, cancellation: ProcessCancellation): OutputChannels {
	const state = {closed: false, hungUp: false};
	for (const stream of new Set(streams)) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (!closedOutput.has(error.code ?? '')) throw error;
			state.closed = true;
			if (error.code === 'EIO') state.hungUp = true;
			if (!cancellation.signal.aborted) cancellation.stop(error.code === 'EIO' ? 'SIGHUP' : 'SIGPIPE');
		});
	}
	return state;
}

/**
 * After a terminal hung up, Node's own exit would try to restore the terminal's settings, fail with EIO and abort
 * with an assertion (ResetStdio). Once hoist has cleaned up (lock released, journal saved), it ends the way an
 * untouched process ends on a hangup: by SIGHUP itself, which its parent sees as 129.
 */
export function endAsHungUp(): void {
	process.removeAllListeners('SIGHUP');
	process.kill(process.pid, 'SIGHUP');
}
