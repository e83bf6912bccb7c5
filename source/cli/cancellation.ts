import {CancelledError, stopSignals, type StopSignal} from '../errors.js';

export interface Cancellation {
	/** Aborted on Ctrl-C, SIGTERM or SIGHUP; its reason is the CancelledError that carries the exit code. */
	signal: AbortSignal;
	/** Ctrl-C pressed inside the Ink screen (raw mode turns it into a key, not a signal). */
	cancel(): void;
	dispose(): void;
}

/** The process's own cancellation (main's), which also stops for reasons learnt other than by a signal (output-channels.ts). */
export interface ProcessCancellation extends Cancellation {
	stop(signal: StopSignal): void;
}

/**
 * SIGINT, SIGTERM and SIGHUP all stop hoist the same way: the running step is aborted, the engine puts it back to
 * pending in the journal, the lock is released, and hoist exits 128 + the signal's number (130, 143, 129).
 * Installed before the command starts, so a signal during start-up (config, imports) is a clean stop too.
 * A second signal exits at once: every journal write is already on disk, so nothing is lost, and the lock goes with
 * the process (engine/lock.ts).
 */
export function cancelOnSignals(): ProcessCancellation {
	const controller = new AbortController();
	const stop = (signal: StopSignal) => {
		if (controller.signal.aborted) process.exit(stopSignals[signal]);
		controller.abort(new CancelledError(undefined, [], signal));
	};
	// SIGPIPE stays ignored (Node's default): a closed output arrives as an EPIPE error on the stream instead.
	const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, () => stop(signal)] as const);
	for (const [signal, handler] of handlers) process.on(signal, handler);
	return {
		signal: controller.signal,
		cancel: () => stop('SIGINT'),
		stop,
		dispose: () => {
			for (const [signal, handler] of handlers) process.off(signal, handler);
		},
	};
}

