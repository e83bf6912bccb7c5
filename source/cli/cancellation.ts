import {CancelledError} from '../errors.js';

/**
 * Ctrl-C (or SIGTERM) aborts the running step; the engine then saves the journal and the command exits 130.
 * A second Ctrl-C exits at once: every journal write is already on disk, so nothing is lost.
 */
export function cancelOnSignals(): {controller: AbortController; dispose: () => void} {
	const controller = new AbortController();
	const onSignal = () => {
		if (controller.signal.aborted) process.exit(130);
		controller.abort(new CancelledError());
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	return {
		controller,
		dispose: () => {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
		},
	};
}
