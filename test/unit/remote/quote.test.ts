import {describe, expect, it} from 'vitest';
import {andThen, sh} from '../../../source/remote/commands/quote.js';

// That each quoted word reaches dash and busybox ash unchanged is test/scripts/quote-shells.test.ts (it needs busybox).
describe('sh(): quoting by shell-quote', () => {
	it('quotes each argument on its own and leaves numbers bare', () => {
		expect(sh('install', '-m', '0600', 'a file', 5)).toBe("install -m 0600 'a file' 5");
		expect(sh('')).toBe("''");
	});

	it('joins lines so the first failure stops the rest, skipping empty parts', () => {
		expect(andThen('a', '', 'b')).toBe('a && b');
	});
});
