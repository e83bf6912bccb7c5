import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect, it} from 'vitest';
import {cliPath, repoRoot} from '../helpers/run-cli.js';

/** Every module URL `hoist <args>` resolves, recorded by a loader hook. */
function modulesLoadedBy(args: string[], expectedStatus = 0): string[] {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-trace-'));
	const file = join(dir, 'modules.txt');
	try {
		const result = spawnSync(process.execPath, ['--import', `${repoRoot}test/helpers/trace-imports.mjs`, cliPath, ...args], {
			env: {...process.env, TRACE_IMPORTS_FILE: file},
			encoding: 'utf8',
			// An empty folder: bare `hoist` finds no hoist.yml there.
			cwd: dir,
		});
		expect(result.status).toBe(expectedStatus);
		return readFileSync(file, 'utf8').split('\n').filter(Boolean);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

it.each([['--version'], ['--help'], ['up', '--help']])('`hoist %s` loads no dependency at all (no Ink, React, AWS SDK, ssh2, zod)', (...args) => {
	const loaded = modulesLoadedBy(args);
	expect(loaded).toContain(`file://${cliPath}`);
	expect(loaded.filter((url) => url.includes('/node_modules/'))).toEqual([]);
});

it('bare `hoist` where there is no hoist.yml loads no dependency either (it only says how to make one)', () => {
	const loaded = modulesLoadedBy([], 2);
	expect(loaded.filter((url) => url.includes('/node_modules/'))).toEqual([]);
});
