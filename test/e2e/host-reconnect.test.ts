// The wait after the reboot of a host upgrade (source/remote/host-upgrade.ts, awaitReboot) over real SSH to the
// sandbox instance: the server drops the run's connection and stops answering (its sshd stopped, as while it boots),
// then sshd starts again; hoist opens one new connection, checks the pinned host key, and says how long it took.
// The sandbox host has no apk and must never reboot, so the reboot itself is not sent: the test makes what a reboot
// looks like from outside (the connection dropped by the server, port 22 refused, then answered again), and hands
// awaitReboot a request made from a boot id that is not the current one (the one thing a real reboot changes and a
// stop of sshd cannot). Whether a reboot happened, the marker and resuming are unit-tested (test/unit/remote).
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, expect, it} from 'vitest';
import {Redactor} from '../../source/engine/redactor.js';
import {RemoteConnections} from '../../source/remote/connections.js';
import {SshConnectError} from '../../source/remote/errors.js';
import {awaitReboot, type HostUpgradeIo, type HostUpgradeRow} from '../../source/remote/host-upgrade.js';
import {pinHostKey} from '../../source/remote/known-hosts.js';
import type {Target} from '../../source/remote/target.js';
import {authorizeKey, clearAuthorizedKeys, readSandboxEnv, setSshd} from '../sandbox/sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-reconnect-'));
afterAll(async () => {
	await setSshd('start');
	await clearAuthorizedKeys();
	rmSync(dir, {recursive: true, force: true});
});

it('after the server dropped the connection and refused SSH for a while: one new connection, the pinned key, "back after N s"', async () => {
	const sandbox = readSandboxEnv();
	const key = join(dir, 'id_ed25519');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
	await authorizeKey(`${key}.pub`);
	const target: Target = {kind: 'server', host: sandbox.HOIST_SANDBOX_HOST, port: 22, user: sandbox.HOIST_SANDBOX_SSH_USER, privateKeyPath: key, identity: 'server', publicAddress: sandbox.HOIST_SANDBOX_HOST};
	const [keyType = '', hostKey = ''] = readFileSync(sandbox.HOIST_SANDBOX_HOST_KEY, 'utf8').trim().split(/\s+/);
	const knownHosts = join(dir, 'known_hosts');
	pinHostKey(knownHosts, {host: target.host, keyType, key: hostKey, instanceId: 'server'});

	const connections = new RemoteConnections({knownHosts, redactor: new Redactor()});
	const rows: HostUpgradeRow[] = [];
	const progress: string[] = [];
	const io: HostUpgradeIo = {
		connect: (readyTimeoutMs) => connections.open(target, {trustNewHost: false, readyTimeoutMs}),
		clock: {now: () => Date.now(), sleep: (ms, signal) => sleep(ms, undefined, signal ? {signal} : {})},
		signal: new AbortController().signal,
		row: (row) => rows.push(row),
		progress: (message) => progress.push(message),
		log: () => undefined,
		waitSeconds: 30,
	};
	const before = await io.connect(5_000);
	const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

	// What a reboot looks like from here: nothing answers on port 22, and the server ends the run's connection
	// (the session's own sshd process, killed from inside it: its parent).
	await setSshd('stop');
	await expect(before.run('kill -TERM $PPID')).rejects.toBeInstanceOf(SshConnectError);
	const sshdBack = sleep(4_000).then(() => setSshd('start'));

	const started = Date.now();
	const {session, backAfterSeconds} = await awaitReboot(io, before, {bootId: `${bootId}-before-the-simulated-reboot`, kernel: 'sandbox'});
	await sshdBack;
	expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
	expect(backAfterSeconds).toBeGreaterThanOrEqual(4);
	expect(session).not.toBe(before);
	expect(session.hostKeyFingerprint).toBe(before.hostKeyFingerprint);
	expect((await session.run('echo still here', {capture: true})).stdout).toBe('still here\n');
	expect(progress.some((line) => /^waiting for the server to come back: .*refused/i.test(line))).toBe(true);
	expect(rows.map((row) => `${row.id} ${row.state}: ${row.note}`)).toEqual([
		'reboot running: rebooting for kernel sandbox',
		`reboot done: back after ${backAfterSeconds} s, kernel sandbox`,
		`reconnect done: SSH connection opened again (host key ${before.hostKeyFingerprint}, as pinned)`,
	]);
	await connections.close();
}, 60_000);
