import {describe, expect, it} from 'vitest';
import {load} from './project-dir.js';

/**
 * The work of the collection built-ins, counted as the elements each call walks over: Object.keys/values/entries
 * and the searches of arrays. A loop that asks every service about every other (issue 17: 2,000 services took
 * 4.9 s, 5,000 over 27 s) shows up here as work that grows with the square of the services; time would say the
 * same only on a quiet machine (the figures are in `npm run bench`).
 */
function countWork<T>(run: () => T): {result: T; work: number} {
	let work = 0;
	const restore: Array<() => void> = [];
	const count = <Owner extends object>(owner: Owner, name: keyof Owner & string, size: (self: unknown, args: unknown[]) => number) => {
		const original = owner[name] as (...args: unknown[]) => unknown;
		(owner as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
			work += size(this, args);
			return original.apply(this, args);
		};
		restore.push(() => ((owner as Record<string, unknown>)[name] = original));
	};
	const ownSize = (_: unknown, [value]: unknown[]) => (value !== null && typeof value === 'object' ? Object.getOwnPropertyNames(value).length : 0);
	for (const name of ['keys', 'values', 'entries'] as const) count(Object, name, ownSize);
	for (const name of ['includes', 'indexOf', 'find', 'findIndex', 'some', 'every', 'filter'] as const) {
		count(Array.prototype, name, (self) => (Array.isArray(self) ? self.length : 0));
	}
	try {
		return {result: run(), work};
	} finally {
		for (const undo of restore) undo();
	}
}

/** n services in a chain, each waiting for the next to be healthy, and the web service at the end. */
function chain(count: number): string {
	const lines = ['services:'];
	for (let index = 0; index < count; index++) {
		const next = index + 1 < count ? `s${index + 1}` : 'web';
		lines.push(`  s${index}:`, '    image: ghcr.io/acme/job:1', '    depends_on:', `      ${next}: {condition: service_healthy}`);
	}
	lines.push('  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', '    healthcheck: {test: ["CMD", "true"]}', '');
	return lines.join('\n');
}

describe('the compose check at scale (issue 17)', () => {
	it('does work in proportion to the number of services, not to its square', () => {
		load(chain(1)); // the schema is compiled once, on first use: that work is not the check's
		const small = countWork(() => load(chain(200)));
		const large = countWork(() => load(chain(1600)));
		expect(Object.keys(large.result.services)).toHaveLength(1601);
		expect(large.result.services['s0']?.healthGate).toBe(false);
		expect(large.result.services['s1']?.healthGate).toBe(true);
		// Eight times the services: linear work grows about eightfold, quadratic work sixty-fourfold.
		expect(large.work / small.work).toBeLessThan(16);
	});
});
