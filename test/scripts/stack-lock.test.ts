// The stack's lock on the server, run in dash and in busybox ash (Alpine's /bin/sh), the lock's directory moved into a
// temporary one: a compose command of a hoist that was killed keeps running there, and the next run's must wait for it
// instead of starting beside it. flock is util-linux's here; Alpine's busybox has the applet (CONFIG_FLOCK=y in aports'
// main/busybox/busyboxconfig, read at 05253d2c), with the same -n and file-descriptor form.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {stackLockPath, underStackLock} from '../../source/server/commands/stack-lock.js';
import {busybox} from './harness.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'hoist-stack-lock-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

interface Ran {
	code: number | null;
	stderr: string;
	stdout: string;
	endedAt: number;
}

let shell: string[] = [];

function locked(line: string, waitSeconds?: number): Promise<Ran> {
	const moved = underStackLock('shop', line, waitSeconds).replaceAll(path.dirname(stackLockPath('shop')), dir);
	return new Promise((resolve) => {
		const child = spawn(shell[0]!, [...shell.slice(1), '-c', moved]);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('close', (code) => resolve({code, stdout, stderr, endedAt: Date.now()}));
	});
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([['sh'], [busybox, 'ash']])('underStackLock in %s', (...command) => {
	beforeEach(() => {
		shell = command;
	});

	it('a second command waits, says so, and runs once the first is done', async () => {
		const first = locked('sleep 2; echo first');
		await pause(300);
		const second = await locked('echo second');
		const done = await first;
		expect(done).toMatchObject({code: 0, stdout: 'first\n', stderr: ''});
		expect(second.code).toBe(0);
		expect(second.stdout).toBe('second\n');
		expect(second.stderr).toBe('hoist: another command is changing stack shop on this server (an earlier hoist run, stopped or still going, or hoist elsewhere): waiting up to 600 s for it to finish\n');
		expect(second.endedAt).toBeGreaterThanOrEqual(done.endedAt);
	});

	it('gives up after its wait with exit 75 and a line that says nothing was changed; the command never ran', async () => {
		const first = locked('sleep 4');
		await pause(300);
		const second = await locked('echo ran', 1);
		expect(second.code).toBe(75);
		expect(second.stdout).toBe('');
		expect(second.stderr).toContain(`hoist: stack shop was still locked by another command after 1 s (${path.join(dir, 'shop.lock')}); nothing was changed`);
		await first;
	});

	it('what the command leaves running does not hold the lock, and its exit code is the command\'s', async () => {
		const leaver = await locked('(sleep 5 >/dev/null 2>&1 &); exit 3');
		expect(leaver.code).toBe(3);
		const next = await locked('echo free', 1);
		expect(next).toMatchObject({code: 0, stdout: 'free\n', stderr: ''});
	});
});
