import {describe, expect, it} from 'vitest';
import {backingOff, poll, type Clock, type Waiting} from '../../../source/engine/poll.js';

function fakeClock(): Clock & {sleeps: number[]; time: number} {
	const clock = {
		time: 0,
		sleeps: [] as number[],
		now: () => clock.time,
		sleep: async (ms: number, signal?: AbortSignal) => {
			signal?.throwIfAborted();
			clock.sleeps.push(ms);
			clock.time += ms;
		},
	};
	return clock;
}

describe('poll', () => {
	it('returns the value of the first attempt that is done, with a progress line per wait', async () => {
		const clock = fakeClock();
		const waits: Waiting[] = [];
		const value = await poll({
			attempt: async (n) => (n < 3 ? {done: false, status: `look ${n}`} : {done: true, value: 'ready'}),
			interval: backingOff(1_000, 5_000),
			timeoutMs: 60_000,
			clock,
			onWait: (waiting) => waits.push(waiting),
			giveUp: () => new Error('gave up'),
		});
		expect(value).toBe('ready');
		expect(clock.sleeps).toEqual([1_000, 2_000]);
		expect(waits.map((w) => [w.attempt, w.status, w.waitedMs, w.leftMs, w.nextInMs])).toEqual([
			[1, 'look 1', 0, 60_000, 1_000],
			[2, 'look 2', 1_000, 59_000, 2_000],
		]);
	});

	it('never sleeps past the deadline, looks once more at it, then gives up with the last status', async () => {
		const clock = fakeClock();
		const error = await poll<never>({
			attempt: async (n) => ({done: false, status: `still starting (${n})`}),
			interval: 4_000,
			timeoutMs: 10_000,
			clock,
			giveUp: (last) => new Error(`${last.status} after ${last.attempts} looks and ${last.waitedMs} ms`),
		}).catch((thrown: unknown) => thrown as Error);
		expect(clock.sleeps).toEqual([4_000, 4_000, 2_000]);
		expect(error.message).toBe('still starting (4) after 4 looks and 10000 ms');
	});

	it('counts attempts when asked and hands the last error to giveUp', async () => {
		const clock = fakeClock();
		const cause = new Error('throttled');
		const error = await poll({
			attempt: async () => ({done: false, status: 'Throttling', error: cause}),
			interval: backingOff(500, 20_000),
			maxAttempts: 3,
			clock,
			giveUp: (last) => last.error as Error,
		}).catch((thrown: unknown) => thrown);
		expect(error).toBe(cause);
		expect(clock.sleeps).toEqual([500, 1_000]);
	});

	it('stops at once when the signal is aborted, with its reason', async () => {
		const clock = fakeClock();
		const controller = new AbortController();
		const reason = new Error('cancelled');
		let looks = 0;
		const error = await poll({
			attempt: async () => {
				looks++;
				controller.abort(reason);
				return {done: false, status: 'waiting'};
			},
			interval: 1_000,
			clock,
			signal: controller.signal,
			giveUp: () => new Error('gave up'),
		}).catch((thrown: unknown) => thrown);
		expect(error).toBe(reason);
		expect(looks).toBe(1);
	});

	it('lets an attempt that throws end the wait with that error', async () => {
		const boom = new Error('not a waiting matter');
		await expect(
			poll({attempt: async () => Promise.reject(boom), interval: 1, clock: fakeClock(), giveUp: () => new Error('gave up')}),
		).rejects.toBe(boom);
	});
});
