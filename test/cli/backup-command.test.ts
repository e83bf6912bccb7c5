// hoist backup and restore as a user runs them, where no server is needed: what is refused before anything connects.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
beforeEach(() => (stack = makeTempStack()));
afterEach(() => stack.cleanup());

it('restore of a damaged backup: exit 2 naming the file, before the lock, the journal or the server', async () => {
	const dir = join(stack.dir, 'backups', 'demo', '20261207T101500Z');
	mkdirSync(dir, {recursive: true});
	writeFileSync(join(dir, 'appdata.tar'), 'changed');
	const sha256 = createHash('sha256').update('original').digest('hex');
	writeFileSync(
		join(dir, 'manifest.json'),
		JSON.stringify({format: 1, hoist: '0.1.0', stack: 'demo', createdAt: '2026-12-07T10:15:00Z', release: 1, items: [{file: 'appdata.tar', method: 'tar', volume: 'appdata', bytes: 7, sha256}]}),
	);
	const result = await runCli(['restore', '20261207T101500Z', '--yes'], {cwd: stack.dir});
	expect(result.code).toBe(2);
	expect(result.stderr).toContain('appdata.tar does not match its SHA-256 in the manifest');
	expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
});

it('restore of a folder without its manifest (a backup that did not finish): exit 2', async () => {
	mkdirSync(join(stack.dir, 'backups', 'demo', '20261207T101500Z'), {recursive: true});
	const result = await runCli(['restore', 'latest'], {cwd: stack.dir});
	expect(result.code).toBe(2);
	expect(result.stderr).toContain('There is no complete backup');
});

it('backup before anything was deployed: exit 2 saying to run hoist up first; a bad --keep is a usage error', async () => {
	const backup = await runCli(['backup', '--yes'], {cwd: stack.dir});
	expect(backup.code).toBe(2);
	expect(backup.stderr).toContain('hoist up');
	const keep = await runCli(['backup', '--keep', '0'], {cwd: stack.dir});
	expect(keep.code).toBe(2);
	expect(keep.stderr).toContain('--keep "0" is not a number of backups');
});

it('backup --list: the local backups, without the lock or a server', async () => {
	mkdirSync(join(stack.dir, 'backups', 'demo', '20261207T101500Z'), {recursive: true});
	const result = await runCli(['backup', '--list'], {cwd: stack.dir});
	expect(result.code).toBe(0);
	expect(result.stdout).toMatch(/^20261207T101500Z +0 B +- +- +incomplete/m);
});
