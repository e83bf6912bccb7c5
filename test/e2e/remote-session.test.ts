import {createHash, randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ExternalError} from '../../source/errors.js';
import {RemoteCommandError} from '../../source/remote/errors.js';
import {sh} from '../../source/remote/commands/quote.js';
import type {RemoteSession} from '../../source/remote/session.js';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {loggedIn, processesMatching, type LoggedIn} from '../helpers/remote-target.js';
import {readSandboxEnv, resetMoto} from '../sandbox/sandbox.js';

let stack: E2eStack;
let remote: LoggedIn;
let session: RemoteSession;

beforeAll(async () => {
	await resetMoto();
	stack = e2eStack(readSandboxEnv(), {stack: 'remote'});
	remote = await loggedIn(stack);
	session = await remote.connections.open(remote.target);
});

afterAll(async () => {
	await remote?.connections.close();
	await stack?.run(['destroy', '--yes']);
	stack?.cleanup();
});

describe('the remote session over one connection', () => {
	it('a command that exits 3 raises RemoteCommandError with the code, the command and its last lines', async () => {
		const error = await session
			.run({line: `${sh('printf', '%s\\n', 'first', 'last words')}; exit 3`, title: 'run the failing fixture'})
			.catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(RemoteCommandError);
		expect(error).toBeInstanceOf(ExternalError);
		const failure = error as RemoteCommandError;
		expect(failure.message).toBe('Run the failing fixture failed with exit code 3 on the server.');
		expect(failure.remoteExit).toBe(3);
		expect(failure.exitCode).toBe(1);
		expect(failure.command).toBe("printf '%s\\n' first 'last words'; exit 3");
		expect(failure.lastLines).toEqual(['first', 'last words']);
		// An expected non-zero exit is an answer, not an error.
		await expect(session.run('exit 3', {okExitCodes: [3]})).resolves.toMatchObject({exitCode: 3});
	});

	it('streams 50 MB of output line by line in bounded memory', async () => {
		let bytes = 0;
		let lines = 0;
		global.gc?.();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
		try {
			// 500 000 lines of 99 characters and a newline: 50 000 000 bytes.
			const result = await session.run("head -c 49500000 /dev/zero | tr '\\0' x | fold -w 99", {
				onLine: (line) => {
					bytes += line.length + 1;
					lines++;
				},
			});
			expect(result.tail.length).toBeLessThanOrEqual(300);
		} finally {
			clearInterval(sampler);
		}
		expect(lines).toBe(500_000);
		expect(bytes).toBe(50_000_000);
		// Keeping the output would hold 50 MB and more; streaming keeps only the chunks in flight and the tail.
		expect(peak - baseline).toBeLessThan(20 * 1024 * 1024);
	});

	it('passes stdin from a stream byte for byte', async () => {
		const payload = randomBytes(3 * 1024 * 1024 + 17);
		const result = await session.run('sha256sum', {stdin: Readable.from([payload.subarray(0, 1000), payload.subarray(1000)]), capture: true});
		expect(result.stdout.split(' ')[0]).toBe(createHash('sha256').update(payload).digest('hex'));
	});

	it('uploads root-owned files with the mode asked for, in one install for the batch', async () => {
		// The sandbox "instance" shares this machine's file system, so the result can be read directly.
		const dir = mkdtempSync(join(tmpdir(), 'hoist-upload-'));
		try {
			const secret = `token with spaces, 'quotes', $dollars and\nnewlines`;
			await session.upload([
				{content: secret, path: `${dir}/nested dir/secret.env`, mode: 0o600, owner: 'root', group: 'root'},
				{content: Buffer.from([0, 1, 2, 255]), path: `${dir}/binary`, mode: 0o644, owner: 'root', group: 'root'},
			]);
			const file = statSync(`${dir}/nested dir/secret.env`);
			expect(file.mode & 0o7777).toBe(0o600);
			expect([file.uid, file.gid]).toEqual([0, 0]);
			expect(readFileSync(`${dir}/nested dir/secret.env`, 'utf8')).toBe(secret);
			expect(readFileSync(`${dir}/binary`)).toEqual(Buffer.from([0, 1, 2, 255]));
			expect(statSync(`${dir}/binary`).mode & 0o7777).toBe(0o644);
			// No temporary file is left in the login's home.
			const home = (await session.run('ls -A', {capture: true})).stdout;
			expect(home).not.toContain('.hoist-upload-');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it.each([false, true])('an aborted command (root: %s) is stopped on the server within a second, leaving no process', async (root) => {
		const marker = `sleep 60${root ? 17 : 18}`;
		const controller = new AbortController();
		const running = session.run({line: `echo started; ${marker}; echo never`, root}, {signal: controller.signal});
		await expect.poll(() => processesMatching(marker).length, {timeout: 5_000}).toBeGreaterThan(0);
		controller.abort(new Error('stopped by the test'));
		await expect(running).rejects.toThrow('stopped by the test');
		await expect.poll(() => processesMatching(marker), {timeout: 1_000, interval: 50}).toEqual([]);
		await expect(session.run('echo still usable', {capture: true})).resolves.toMatchObject({stdout: 'still usable\n'});
	});

	it('opens one connection and reuses it until it is closed', async () => {
		const before = remote.connections.opened;
		const again = await remote.connections.open(remote.target);
		expect(again).toBe(session);
		await again.run('true');
		expect(remote.connections.opened).toBe(before);
		await sleep(10);
	});
});

describe('an interrupted run', () => {
	it('SIGINT during a long remote command: hoist exits 130 within 3 s and leaves no process on the host', async () => {
		const marker = 'sleep 6019';
		const run = stack.start(['up', '--json'], {
			FIXTURE_EFFECTS: join(stack.dir, 'effects'),
			FIXTURE_REMOTE_TARGET: JSON.stringify(remote.target),
			FIXTURE_REMOTE_COMMAND: `echo remote started; ${marker}`,
		}, true);
		await run.waitForEvent((event) => event['type'] === 'step-log' && event['line'] === 'remote started');
		const interrupted = Date.now();
		run.child.kill('SIGINT');
		const result = await run.done;
		expect(Date.now() - interrupted).toBeLessThan(3_000);
		expect(result.code).toBe(130);
		expect(processesMatching(marker)).toEqual([]);
		const failed = result.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {kind: string}};
		expect(failed).toMatchObject({stepId: 'remote', error: {kind: 'cancelled'}});
	});
});
