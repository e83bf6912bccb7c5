import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {acquireLock} from '../../source/engine/lock.js';
import {UserError} from '../../source/errors.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
let lockPath: string;
beforeEach(() => {
	stack = makeTempStack();
	mkdirSync(join(stack.dir, '.hoist'));
	lockPath = join(stack.dir, '.hoist', 'lock');
});
afterEach(() => stack.cleanup());

const holder = (pid: number, host = hostname()) => JSON.stringify({pid, host, startedAt: '2026-11-26T10:00:00.000Z', command: 'up'});

it('writes pid, host and start time, and removes the lock on release', () => {
	const lock = acquireLock(lockPath, 'up');
	expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({pid: process.pid, host: hostname(), command: 'up'});
	lock.release();
	expect(existsSync(lockPath)).toBe(false);
});

it('refuses while the holder is alive, naming it', () => {
	writeFileSync(lockPath, holder(1)); // pid 1 is always alive
	expect(() => acquireLock(lockPath, 'up')).toThrow(UserError);
	expect(() => acquireLock(lockPath, 'up')).toThrow(/hoist up \(pid 1 on .*since 2026-11-26T10:00:00\.000Z\)/);
});

it('takes over a stale lock whose process is gone', () => {
	const dead = spawnSync(process.execPath, ['-e', '0']).pid;
	writeFileSync(lockPath, holder(dead));
	const lock = acquireLock(lockPath, 'destroy');
	expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({pid: process.pid, command: 'destroy'});
	lock.release();
});

it('takes over a half-written lock', () => {
	writeFileSync(lockPath, '{"pid": 12');
	const lock = acquireLock(lockPath, 'up');
	expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({pid: process.pid, command: 'up'});
	lock.release();
});

it('never guesses about a lock held on another machine', () => {
	writeFileSync(lockPath, holder(999_999, 'laptop-of-someone-else'));
	expect(() => acquireLock(lockPath, 'up')).toThrow(/on laptop-of-someone-else/);
});

it('goes with a process that exits at once (a second Ctrl-C calls process.exit)', () => {
	const lockModule = new URL('../../dist/source/engine/lock.js', import.meta.url).href;
	const script = `const {acquireLock} = await import(${JSON.stringify(lockModule)}); acquireLock(${JSON.stringify(lockPath)}, 'up'); process.exit(143);`;
	const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'});
	expect(child.status, child.stderr).toBe(143);
	expect(existsSync(lockPath)).toBe(false);
});

it('tightens a .hoist/ others can enter to 0700, with a note', () => {
	chmodSync(join(stack.dir, '.hoist'), 0o755);
	const lock = acquireLock(lockPath, 'up');
	expect(lock.note).toMatch(/^Made .*\.hoist private \(mode 0755 → 0700\): it holds the private key and the journal\.$/);
	expect(statSync(join(stack.dir, '.hoist')).mode & 0o777).toBe(0o700);
	lock.release();
	expect(acquireLock(lockPath, 'up').note).toBeUndefined();
});
