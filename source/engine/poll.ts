/**
 * The one waiting loop hoist has: AWS retries, an instance coming up, SSH becoming reachable, containers turning
 * healthy, DNS answering, a certificate appearing. Time comes from the caller (the step's services), so tests
 * run these loops instantly with a fake clock.
 */

export interface Clock {
	now(): number;
	/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** One look at the world: finished with a value, or not yet (with what was seen, for the progress line). */
export type Attempt<T> = {done: true; value: T} | {done: false; status: string; error?: unknown};

export interface Waiting {
	/** 1 for the first look. */
	attempt: number;
	/** What the last look saw. */
	status: string;
	waitedMs: number;
	/** Until the deadline; undefined when only attempts are counted. */
	leftMs: number | undefined;
	nextInMs: number;
}

export interface GiveUp {
	attempts: number;
	status: string;
	/** The error of the last attempt, when it failed with one. */
	error?: unknown;
	waitedMs: number;
}

export interface PollOptions<T> {
	attempt(attempt: number): Promise<Attempt<T>>;
	/** The delay before the next look, by the number of the attempt that just failed (1, 2, …). */
	interval: number | ((attempt: number) => number);
	/** Stop waiting after this long (checked after each attempt); the last attempt may end a little later. */
	timeoutMs?: number;
	/** Stop after this many attempts. */
	maxAttempts?: number;
	clock: Clock;
	signal?: AbortSignal;
	/** Called before each wait: one progress line per attempt. */
	onWait?(waiting: Waiting): void;
	/** The error thrown when time or attempts run out. */
	giveUp(last: GiveUp): Error;
}

export async function poll<T>(options: PollOptions<T>): Promise<T> {
	const {clock, signal} = options;
	const started = clock.now();
	for (let attempt = 1; ; attempt++) {
		signal?.throwIfAborted();
		const result = await options.attempt(attempt);
		if (result.done) return result.value;
		const waitedMs = clock.now() - started;
		const leftMs = options.timeoutMs === undefined ? undefined : options.timeoutMs - waitedMs;
		const outOfAttempts = options.maxAttempts !== undefined && attempt >= options.maxAttempts;
		if (outOfAttempts || (leftMs !== undefined && leftMs <= 0)) {
			throw options.giveUp({attempts: attempt, status: result.status, waitedMs, ...(result.error === undefined ? {} : {error: result.error})});
		}
		const wanted = typeof options.interval === 'number' ? options.interval : options.interval(attempt);
		// Never sleep past the deadline: the last look happens at the deadline, not after it.
		const nextInMs = Math.max(0, leftMs === undefined ? wanted : Math.min(wanted, leftMs));
		options.onWait?.({attempt, status: result.status, waitedMs, leftMs, nextInMs});
		await clock.sleep(nextInMs, signal);
	}
}

/**
 * The one backoff curve, by poll's attempt number (1, 2, …): `firstMs` for the first `steadyFor` attempts, then
 * ×`factor` each attempt up to `maxMs`. backingOff(1000, 10_000): 1 s, 2 s, 4 s, 8 s, 10 s, 10 s …
 */
export function backingOff(firstMs: number, maxMs: number, factor = 2, steadyFor = 1): (attempt: number) => number {
	return (attempt) => Math.min(maxMs, Math.round(firstMs * factor ** Math.max(0, attempt - steadyFor)));
}
