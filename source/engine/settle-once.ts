/** How the work inside settleOnce ends its promise; only the first call counts. */
export interface Settle<T> {
	resolve(value: T): void;
	reject(error: unknown): void;
	/** True once the promise is settled, by the work, the timeout or the signal. */
	readonly done: boolean;
}

export interface SettleOptions {
	signal?: AbortSignal | undefined;
	/** What an abort rejects with; by default the signal's reason. */
	aborted?: () => unknown;
	timeoutMs?: number;
	/** What the timeout rejects with (required with timeoutMs). */
	timedOut?: () => unknown;
}

/**
 * A promise for work driven by callbacks (a socket, a request, an SSH handshake) that ends at the first of: the work
 * settling it, the timeout, or the signal. `start` begins the work and may return its cleanup (close the socket),
 * which runs once, whichever came first, with the timer and the abort listener gone before it.
 */
export function settleOnce<T>(options: SettleOptions, start: (settle: Settle<T>) => (() => void) | void): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		let done = false;
		let started = false;
		let cleanup: (() => void) | void = undefined;
		let timer: NodeJS.Timeout | undefined;
		const onAbort = () => settle.reject(options.aborted ? options.aborted() : options.signal?.reason);
		const finish = (end: () => void) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			// A work that settles while it starts is cleaned up as soon as `start` has returned its cleanup.
			if (started) cleanup?.();
			end();
		};
		const settle: Settle<T> = {
			resolve: (value) => finish(() => resolve(value)),
			reject: (error) => finish(() => reject(error)),
			get done() {
				return done;
			},
		};
		if (options.signal?.aborted) return onAbort();
		options.signal?.addEventListener('abort', onAbort, {once: true});
		if (options.timeoutMs !== undefined) timer = setTimeout(() => settle.reject(options.timedOut?.()), options.timeoutMs);
		try {
			cleanup = start(settle);
		} catch (error) {
			settle.reject(error);
		}
		started = true;
		if (done) cleanup?.();
	});
}
