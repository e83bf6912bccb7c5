import {describe, expect, it} from 'vitest';
import {settleOnce} from '../../../source/engine/settle-once.js';

describe('settleOnce', () => {
	it('the work\'s own answer wins; the cleanup runs once, and nothing after it counts', async () => {
		let cleaned = 0;
		let later: (() => void) | undefined;
		const result = await settleOnce<string>({timeoutMs: 1_000, timedOut: () => new Error('late')}, (settle) => {
			setTimeout(() => settle.resolve('answer'), 5);
			later = () => settle.reject(new Error('after the answer'));
			return () => cleaned++;
		});
		later!();
		expect(result).toBe('answer');
		expect(cleaned).toBe(1);
	});

	it('the timeout rejects with its own error and cleans up', async () => {
		let cleaned = 0;
		const started = performance.now();
		await expect(settleOnce({timeoutMs: 30, timedOut: () => new Error('no answer in 30 ms')}, () => () => cleaned++)).rejects.toThrow('no answer in 30 ms');
		expect(performance.now() - started).toBeGreaterThanOrEqual(25);
		expect(cleaned).toBe(1);
	});

	it('an abort rejects with the signal\'s reason (or the given error), and cleans up', async () => {
		const controller = new AbortController();
		let cleaned = 0;
		const pending = settleOnce({signal: controller.signal}, () => () => cleaned++);
		controller.abort(new Error('Ctrl-C'));
		await expect(pending).rejects.toThrow('Ctrl-C');
		expect(cleaned).toBe(1);
		await expect(settleOnce({signal: controller.signal, aborted: () => new Error('cancelled')}, () => undefined)).rejects.toThrow('cancelled');
	});

	it('an already aborted signal never starts the work', async () => {
		let started = false;
		await expect(settleOnce({signal: AbortSignal.abort(new Error('gone'))}, () => void (started = true))).rejects.toThrow('gone');
		expect(started).toBe(false);
	});

	it('work that settles or throws while it starts is still cleaned up, once', async () => {
		let cleaned = 0;
		await expect(settleOnce<number>({}, (settle) => {
			settle.resolve(1);
			return () => cleaned++;
		})).resolves.toBe(1);
		await expect(settleOnce({}, () => {
			throw new Error('bad start');
		})).rejects.toThrow('bad start');
		expect(cleaned).toBe(1);
	});
});
