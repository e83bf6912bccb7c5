import {readFileSync} from 'node:fs';
import {expect, it} from 'vitest';
import {exitCodes, stopSignals} from '../../source/errors.js';
import {signalExitCodes} from '../cli/bad-inputs/signal-cases.js';

/** The README's exit-code table, as code → meaning. */
function readmeTable(): Map<number, string> {
	const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
	const table = readme.slice(readme.indexOf('Exit codes:'));
	const rows = [...table.matchAll(/^\| (\d+) \| (.+) \|$/gm)];
	return new Map(rows.map((row) => [Number(row[1]), row[2]!]));
}

it('the README lists exactly the exit codes hoist uses and the tests assert', () => {
	const documented = readmeTable();
	expect([...documented.keys()].sort((a, b) => a - b)).toEqual([0, exitCodes.external, exitCodes.user, exitCodes.bug, ...Object.values(stopSignals)].sort((a, b) => a - b));
	for (const [signal, code] of Object.entries(signalExitCodes)) {
		expect(stopSignals[signal as keyof typeof stopSignals]).toBe(code);
		expect(documented.get(code)).toContain(signal);
	}
	expect(documented.get(0)).toContain('"no" to `hoist destroy`');
	expect(documented.get(exitCodes.bug)).toContain('bug');
});
