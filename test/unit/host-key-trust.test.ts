import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CommandLine} from '../../source/cli/command.js';
import {Declined} from '../../source/cli/confirm.js';
import {trustServerHostKey} from '../../source/commands/up/host-key-trust.js';
import type {CommandIo} from '../../source/cli/io.js';
import {configSchema} from '../../source/config/schema.js';
import {stackFiles, type StackFiles} from '../../source/engine/stack-files.js';
import {judgeHostKey, scanHostKey} from '../../source/remote/connect.js';
import {fingerprint, HostKeyChangedError, SshConnectError} from '../../source/remote/errors.js';
import {pinFor, pinHostKey} from '../../source/remote/known-hosts.js';
import {generateEd25519} from '../../source/remote/openssh-key.js';
import type {Target} from '../../source/remote/target.js';

/** An SSH server on loopback that shows its host key and lets nobody in: what an unknown server looks like. */
const hostKey = generateEd25519('unit-host');
const presentedKey = hostKey.publicKey.split(' ')[1]!;
let server: ssh2.Server;
let port = 0;
let dir: string;

beforeAll(async () => {
	server = new ssh2.Server({hostKeys: [hostKey.privateKey]}, (client) => {
		client.on('authentication', (context) => context.reject());
		client.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
	dir = mkdtempSync(join(tmpdir(), 'hoist-trust-'));
});

afterAll(() => {
	server.close();
	rmSync(dir, {recursive: true, force: true});
});

const target = (extra: Partial<Target> = {}): Target => ({
	kind: 'server', host: '127.0.0.1', port, user: 'alpine', privateKeyPath: '/k', identity: 'server', publicAddress: '127.0.0.1', ...extra,
});

describe('the host key an existing server presents', () => {
	it('is read without logging in, as ssh-keyscan would', async () => {
		await expect(scanHostKey('127.0.0.1', port)).resolves.toEqual({keyType: 'ssh-ed25519', key: presentedKey});
	});

	it('a closed port is said so', async () => {
		const error = await scanHostKey('127.0.0.1', 9, {readyTimeoutMs: 2_000}).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(SshConnectError);
		expect((error as SshConnectError).reason).toBe('refused');
	});

	it('is accepted when pinned, pinned when hoist.yml names it, refused when new or changed', () => {
		const knownHosts = join(dir, 'judge_known_hosts');
		const presented = {keyType: 'ssh-ed25519', key: presentedKey};
		const unknown = judgeHostKey(target(), knownHosts, presented, false);
		expect(unknown).toMatchObject({kind: 'refuse', error: {reason: 'host-key', message: `The SSH host key of 127.0.0.1 (ssh-ed25519 ${fingerprint(presentedKey)}) is not trusted yet; hoist did not connect.`}});
		expect(judgeHostKey(target({hostKey: hostKey.publicKey}), knownHosts, presented, false)).toEqual({kind: 'pin'});
		expect(judgeHostKey(target({hostKey: 'ssh-ed25519 AAAAother'}), knownHosts, presented, false)).toMatchObject({kind: 'refuse', error: expect.any(HostKeyChangedError)});
		pinHostKey(knownHosts, {host: '127.0.0.1', ...presented, instanceId: 'server'});
		expect(judgeHostKey(target(), knownHosts, presented, false)).toEqual({kind: 'accept'});
		const changed = judgeHostKey(target(), knownHosts, {keyType: 'ssh-ed25519', key: 'AAAAother'}, true);
		expect(changed).toMatchObject({kind: 'refuse', error: {code: 'SSH_HOST_KEY_CHANGED', message: 'The SSH host key of 127.0.0.1 has changed; hoist did not connect.'}});
		// A rebuilt server whose new key the user named in hoist.yml: their word replaces the old pin.
		expect(judgeHostKey(target({hostKey: 'ssh-ed25519 AAAAother'}), knownHosts, {keyType: 'ssh-ed25519', key: 'AAAAother'}, false)).toEqual({kind: 'pin'});
	});
});

describe('the question on first contact with an existing server', () => {
	/** A terminal on both ends (as inquirer and canAsk see one), the answer typed once the question shows. */
	function terminal(answer?: string) {
		const stdin = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin});
		const stdout = Object.assign(new PassThrough(), {isTTY: true, columns: 100, rows: 30});
		let shown = '';
		stdout.on('data', (chunk: Buffer) => {
			shown += chunk.toString();
			if (answer !== undefined && shown.includes('Trust this key and connect?') && !shown.includes('@answered')) {
				shown += '@answered';
				setImmediate(() => stdin.write(answer));
			}
		});
		const io = {
			stdin: stdin as unknown as NodeJS.ReadStream,
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: new PassThrough() as unknown as NodeJS.WriteStream,
			env: {TERM: 'xterm'},
			cancellation: {signal: new AbortController().signal, cancel: () => undefined, dispose: () => undefined},
		} satisfies CommandIo;
		return {io, shown: () => shown};
	}
	const args = (flags: CommandLine['flags'] = {}): CommandLine => ({config: join(dir, 'hoist.yml'), json: false, flags, positionals: [], rest: []});
	const config = (extra: Record<string, unknown> = {}) =>
		configSchema.parse({stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}, server: {host: '127.0.0.1', port, ...extra}});
	const fresh = (): StackFiles => stackFiles(mkdtempSync(join(dir, 'stack-')));

	it('shows the fingerprint and how to check it; yes pins the key in .hoist/known_hosts', async () => {
		const stack = fresh();
		const {io, shown} = terminal('y\r');
		await trustServerHostKey(config(), stack, args(), io);
		expect(shown()).toContain(`hoist has not connected to 127.0.0.1:${port} before. It presents the host key`);
		expect(shown()).toContain(`ssh-ed25519 ${fingerprint(presentedKey)}`);
		expect(shown()).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
		expect(pinFor(stack.knownHosts, '127.0.0.1')).toEqual({host: '127.0.0.1', keyType: 'ssh-ed25519', key: presentedKey, instanceId: 'server'});
	});

	it('no: nothing is pinned and nothing changed (Declined, exit 0)', async () => {
		const stack = fresh();
		const {io} = terminal('n\r');
		await expect(trustServerHostKey(config(), stack, args(), io)).rejects.toBeInstanceOf(Declined);
		expect(pinFor(stack.knownHosts, '127.0.0.1')).toBeUndefined();
	});

	it('is never asked with --yes, without a terminal, with server.hostKey, or once a key is pinned', async () => {
		const stack = fresh();
		for (const [cfg, flags] of [[config(), {yes: true}], [config({hostKey: hostKey.publicKey}), {}]] as const) {
			const {io, shown} = terminal('y\r');
			await trustServerHostKey(cfg, stack, args(flags), io);
			expect(shown()).toBe('');
		}
		const {io} = terminal('y\r');
		await trustServerHostKey(config(), stack, args(), {...io, stdout: new PassThrough() as unknown as NodeJS.WriteStream});
		expect(() => readFileSync(stack.knownHosts)).toThrow();
		pinHostKey(stack.knownHosts, {host: '127.0.0.1', keyType: 'ssh-ed25519', key: 'AAAApinned', instanceId: 'server'});
		const pinned = terminal('y\r');
		await trustServerHostKey(config(), stack, args(), pinned.io);
		expect(pinned.shown()).toBe('');
	});
});
