import {readFileSync, readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {catalogue, stepNamed} from '../../source/wizard/catalogue.js';

const root = new URL('../../', import.meta.url);

describe('the catalogue of steps', () => {
	it('is steps/: every file there is one step, listed once, and each entry loads the step of its own file', async () => {
		const files = readdirSync(new URL('steps/', root)).map((name) => name.replace(/\.ts$/, ''));
		const ids = catalogue.map((entry) => entry.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual([...files].sort());
		for (const entry of catalogue) expect((await entry.load()).id).toBe(entry.id);
	});

	it('is the README\'s step table, in order', () => {
		const readme = readFileSync(new URL('README.md', root), 'utf8');
		const table = readme.slice(readme.indexOf('| step | what happens |'));
		const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
		expect(rows.map((row) => /^\| `([a-z-]+)` \|/.exec(row)?.[1])).toEqual(catalogue.map((entry) => entry.id));
	});

	it('knows the swap\'s former id: `hoist up --from release` runs from deploy', () => {
		expect(stepNamed('release')).toBe('deploy');
		expect(stepNamed('dns')).toBe('dns');
		expect(stepNamed('constructor')).toBe('constructor');
	});
});
