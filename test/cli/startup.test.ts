import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect, it} from 'vitest';
import {cliPath, repoRoot} from '../helpers/run-cli.js';
import {minimalConfig} from '../helpers/temp-stack.js';

/** Every module URL `hoist <args>` resolves, recorded by a loader hook. */
function modulesLoadedBy(args: string[], expectedStatus = 0, prepare?: (dir: string) => void): string[] {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-trace-'));
	const file = join(dir, 'modules.txt');
	try {
		prepare?.(dir);
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

it('`hoist status` where there is no hoist.yml and no journal loads no dependency (it only says that nothing has run)', () => {
	const loaded = modulesLoadedBy(['status']);
	expect(loaded.filter((url) => url.includes('/node_modules/'))).toEqual([]);
});

it('bare `hoist` after a failed run on AWS shows the resume facts without loading the AWS SDK or the screen', () => {
	const loaded = modulesLoadedBy([], 1, (dir) => {
		writeFileSync(join(dir, 'hoist.yml'), minimalConfig());
		writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: busybox\n');
		mkdirSync(join(dir, '.hoist'));
		const at = '2026-11-30T01:00:00.000Z';
		writeFileSync(join(dir, '.hoist', 'state.json'), JSON.stringify({
			schema: 2, stack: 'demo', runId: 'r1', createdAt: at, updatedAt: at, resources: {}, releases: [],
			steps: {preflight: {status: 'failed', finishedAt: at, error: {kind: 'user', code: 'X', message: 'no credentials', nextSteps: []}}},
			runs: [{command: 'up', startedAt: at, finishedAt: at, result: 'failed'}],
		}));
	});
	const dependencies = loaded.filter((url) => url.includes('/node_modules/'));
	expect(dependencies.filter((url) => /@aws-sdk|\/ink\/|\/react\/|@inquirer|ssh2/.test(url))).toEqual([]);
});
