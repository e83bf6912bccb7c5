import {CancelledError, stopSignals, type StopSignal} from '../errors.js';

export interface Cancellation {
	/** Aborted on Ctrl-C, SIGTERM or SIGHUP; its reason is the CancelledError that carries the exit code. */
	signal: AbortSignal;
	/** Ctrl-C pressed inside the Ink screen (raw mode turns it into a key, not a signal). */
	cancel(): void;
	dispose(): void;
}

/**
 * SIGINT, SIGTERM and SIGHUP all stop hoist the same way: the running step is aborted, the engine puts it back to
 * pending in the journal, the lock is released, and hoist exits 128 + the signal's number (130, 143, 129).
 * Installed before the command starts, so a signal during start-up (config, imports) is a clean stop too.
 * A second signal exits at once: every journal write is already on disk, so nothing is lost.
 */
export function cancelOnSignals(): Cancellation {
	const controller = new AbortController();
	const stop = (signal: StopSignal) => {
		if (controller.signal.aborted) process.exit(stopSignals[signal]);
		controller.abort(new CancelledError(undefined, [], signal));
	};
	const handlers = (Object.keys(stopSignals) as StopSignal[]).map((signal) => [signal, () => stop(signal)] as const);
	for (const [signal, handler] of handlers) process.on(signal, handler);
	return {
		signal: controller.signal,
		cancel: () => stop('SIGINT'),
		dispose: () => {
			for (const [signal, handler] of handlers) process.off(signal, handler);
		},
	};
}

