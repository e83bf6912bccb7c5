import {setTimeout as delay} from 'node:timers/promises';
import type {Clock} from './poll.js';

/** Real time. A cancelled sleep rejects with the signal's reason (a CancelledError), like every other aborted wait. */
export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => {
		try {
			await delay(ms, undefined, signal === undefined ? undefined : {signal});
		} catch (error) {
			throw signal?.aborted ? signal.reason : error;
		}
	},
};
