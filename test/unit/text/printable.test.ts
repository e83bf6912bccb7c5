import {describe, expect, it} from 'vitest';
import {printable} from '../../../source/text/printable.js';

describe('printable', () => {
	it('shows control characters as \\xNN: escape sequences, CR, newlines, C1 controls', () => {
		expect(printable('a\u001b[2Jb\rc\nd\u009be')).toBe('a\\x1b[2Jb\\x0dc\\x0ad\\x9be');
	});

	it('shows bidi overrides and invisible format characters as \\uNNNN, so a line reads as what it holds', () => {
		// "vm.example" followed by a right-to-left override would display reversed text after it.
		expect(printable('vm\u202Eelpmaxe')).toBe('vm\\u202eelpmaxe');
		expect(printable('\u2066a\u2069\u200Bb\u200Fc\u061Cd\uFEFFe\u00ADf\u2028g\u2029h')).toBe('\\u2066a\\u2069\\u200bb\\u200fc\\u061cd\\ufeffe\\xadf\\u2028g\\u2029h');
		// A Unicode tag character, outside the basic plane.
		expect(printable('x\u{E0041}y')).toBe('x\\u{e0041}y');
	});

	it('leaves ordinary text alone, letters of any script and emoji included', () => {
		for (const text of ['api.example.com', 'café ✔ — …', 'שלום', '日本語', '🙂']) expect(printable(text)).toBe(text);
	});

	it('is idempotent: printing twice changes nothing more', () => {
		const once = printable('a\u001bb\u202Ec');
		expect(printable(once)).toBe(once);
	});
});
