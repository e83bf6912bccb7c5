import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {andThen, sh} from '../../../source/remote/commands/quote.js';

const tricky = ['plain', 'with space', "it's", '"double"', '$HOME', '$(reboot)', '`id`', 'back\\slash', 'line\nbreak', 'tab\there', '*', '', '--', 'ünïcödé', '!bang', 'a;b&&c|d'];

describe('sh(): quoting by shell-quote', () => {
	it.each(tricky)('the word %j reaches a POSIX shell (dash and busybox ash) unchanged', (word) => {
		for (const shell of [['sh', '-c'], ['busybox', 'ash', '-c']]) {
			const printed = execFileSync(shell[0]!, [...shell.slice(1), `printf '%s\\0' ${sh(word)}`], {encoding: 'utf8'});
			expect(printed).toBe(`${word}\0`);
		}
	});

	it('quotes each argument on its own and leaves numbers bare', () => {
		expect(sh('install', '-m', '0600', 'a file', 5)).toBe("install -m 0600 'a file' 5");
		expect(sh('')).toBe("''");
	});

	it('joins lines so the first failure stops the rest, skipping empty parts', () => {
		expect(andThen('a', '', 'b')).toBe('a && b');
	});
});
