// What sh() quotes reaches the shells hoist's commands meet unchanged: dash (Debian's sh) and busybox ash (Alpine's).
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {sh} from '../../source/remote/commands/quote.js';
import {busybox} from './harness.js';

const tricky = ['plain', 'with space', "it's", '"double"', '$HOME', '$(reboot)', '`id`', 'back\\slash', 'line\nbreak', 'tab\there', '*', '', '--', 'ünïcödé', '!bang', 'a;b&&c|d'];

describe('sh(): quoting by shell-quote', () => {
	it.each(tricky)('the word %j reaches a POSIX shell (dash and busybox ash) unchanged', (word) => {
		for (const shell of [['sh', '-c'], [busybox, 'ash', '-c']]) {
			const printed = execFileSync(shell[0]!, [...shell.slice(1), `printf '%s\\0' ${sh(word)}`], {encoding: 'utf8'});
			expect(printed).toBe(`${word}\0`);
		}
	});
});
