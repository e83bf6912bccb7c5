// The host upgrade's reboot logic (source/remote/host-upgrade.ts) against a simulated server: its boot id, the marker
// on its disk, the installed and the running kernel, and connections that break when it goes down. A run is stopped
// at each point where a stop could leave things half done, and a second run resumes: the server is rebooted once.
// What this does not prove: the script's part (test/scripts/host-upgrade-shims.test.ts) and a real reconnect over SSH
// (test/e2e/host-reconnect.test.ts).
import {describe, expect, it} from 'vitest';
import type {RemoteCommand} from '../../../source/remote/commands/command.js';
import {HostKeyChangedError, SshConnectError} from '../../../source/remote/errors.js';
import {pendingReboot, upgradeHost, type HostUpgradeIo, type HostUpgradeRow} from '../../../source/remote/host-upgrade.js';
import type {RemoteSession} from '../../../source/remote/session.js';
import {FakeSession} from '../../helpers/fake-session.js';

const oldKernel = '6.12.1-0-virt';
const newKernel = '6.12.13-0-virt';

/** A simulated Alpine instance: what hoist can see of it over SSH. */
class Server {
	boot = 1;
	marker: string | undefined;
	running = oldKernel;
	installed = oldKernel;
	/** apk's pending upgrades: name, old, new. */
	pending: Array<[string, string, string]> = [['busybox', '1.37.0-r18', '1.37.0-r19'], ['linux-virt', '6.12.1-r0', '6.12.13-r0']];
	hasApk = true;
	rebootsAsked = 0;
	/** Whether the asked reboot happens at once (false: the server is still up from the old boot for a while). */
	rebootsAtOnce = true;
	down = 0;
	/** What boots: the installed kernel, unless the boot loader is broken. */
	bootsInstalledKernel = true;
	/** A stop of hoist (kill) just after the command with this title was answered, or just before it was sent. */
	stopAfter: string | undefined;
	stopBefore: string | undefined;
	hostKeyChanged = false;
	sessions: FakeSession[] = [];
	#session: FakeSession | undefined;
	#broken = new Set<FakeSession>();

	connect = async (): Promise<RemoteSession> => {
		if (this.#session && !this.#broken.has(this.#session)) return this.#session;
		if (this.down > 0) {
			this.down--;
			throw new SshConnectError('refused', 'connect ECONNREFUSED');
		}
		if (this.hostKeyChanged) throw new HostKeyChangedError('The host key changed.', {code: 'HOST_KEY_CHANGED'});
		const session: FakeSession = new FakeSession({answer: (command) => this.#answer(session, command)});
		this.sessions.push(session);
		this.#session = session;
		return session;
	};

	rebootNow(): void {
		this.boot++;
		if (this.bootsInstalledKernel) this.running = this.installed;
		if (this.#session) this.#broken.add(this.#session);
		this.down = 2;
	}

	#answer(session: FakeSession, command: RemoteCommand) {
		if (this.#broken.has(session)) throw new SshConnectError('closed', 'The server closed the SSH connection.');
		if (this.stopBefore === command.title) {
			this.stopBefore = undefined;
			throw new Error('hoist was killed here');
		}
		const answer = this.#reply(command);
		if (this.stopAfter === command.title) {
			this.stopAfter = undefined;
			throw new Error('hoist was killed here');
		}
		return answer;
	}

	#reply(command: RemoteCommand) {
		switch (command.title) {
			case 'read the boot id':
				return `boot-${this.boot}\n${this.marker ?? ''}`;
			case 'upgrade the packages (host-upgrade.sh)': {
				if (!this.hasApk) return {lines: ['hoist-upgrade skip no apk on this host (Debian GNU/Linux 12 (bookworm)): hoist upgrades the packages of Alpine hosts only; nothing changed']};
				const lines = this.pending.map(([name, from, to]) => `hoist-upgraded ${name} ${from} ${to}`);
				if (this.pending.some(([name]) => name === 'linux-virt')) this.installed = newKernel;
				this.pending = [];
				const reboot = this.running === this.installed ? 'no' : this.installed;
				return {lines: ['(1/2) Upgrading busybox', ...lines, `hoist-upgrade done upgraded=${lines.length} running=${this.running} reboot=${reboot}`]};
			}
			case `reboot for kernel ${newKernel}`:
				this.rebootsAsked++;
				this.marker = `boot-${this.boot} ${newKernel}`;
				if (this.rebootsAtOnce) this.rebootNow();
				return undefined;
			case 'forget the reboot':
				this.marker = undefined;
				return undefined;
			default:
				throw new Error(`the simulated server does not know "${command.title}"`);
		}
	}
}

function io(server: Server, options: {waitSeconds?: number; onSleep?: () => void} = {}) {
	const rows: HostUpgradeRow[] = [];
	const clock = {now: 0};
	const value: HostUpgradeIo = {
		connect: server.connect,
		clock: {
			now: () => clock.now,
			sleep: async (ms) => {
				clock.now += ms;
				options.onSleep?.();
			},
		},
		signal: new AbortController().signal,
		row: (row) => rows.push(row),
		progress: () => undefined,
		log: () => undefined,
		waitSeconds: options.waitSeconds ?? 300,
	};
	return {io: value, rows, last: (id: HostUpgradeRow['id']) => rows.filter((row) => row.id === id).at(-1)};
}

const script = '/var/lib/hoist/bootstrap/host-upgrade.sh';

describe('upgradeHost', () => {
	it('without a kernel change: upgrades, says what, does not reboot, keeps the connection', async () => {
		const server = new Server();
		server.pending = [['busybox', '1.37.0-r18', '1.37.0-r19']];
		const {io: i, rows} = io(server);
		const result = await upgradeHost(i, script);
		expect(result).toMatchObject({upgraded: ['busybox 1.37.0-r18 → 1.37.0-r19']});
		expect(result.rebootedFor).toBeUndefined();
		expect(server.rebootsAsked).toBe(0);
		expect(server.sessions).toHaveLength(1);
		expect(rows).toEqual([
			{id: 'upgrade', state: 'running', note: 'apk upgrade --available'},
			{id: 'upgrade', state: 'done', note: 'upgraded 1 package: busybox 1.37.0-r18 → 1.37.0-r19'},
		]);
	});

	it('with a kernel change: reboots once, waits while sshd refuses, opens the connection again, says how long it took', async () => {
		const server = new Server();
		const {io: i, rows} = io(server);
		const result = await upgradeHost(i, script);
		expect(server.rebootsAsked).toBe(1);
		expect(server.sessions).toHaveLength(2);
		expect(result.session).toBe(server.sessions[1]);
		expect(result).toMatchObject({rebootedFor: newKernel, backAfterSeconds: 4});
		expect(server.marker).toBeUndefined();
		expect(rows.map((row) => `${row.id} ${row.state}: ${row.note}`)).toEqual([
			'upgrade running: apk upgrade --available',
			'upgrade done: upgraded 2 packages: busybox 1.37.0-r18 → 1.37.0-r19, linux-virt 6.12.1-r0 → 6.12.13-r0',
			`reboot running: rebooting for kernel ${newKernel}`,
			`reboot done: back after 4 s, kernel ${newKernel}`,
			'reconnect done: SSH connection opened again (host key SHA256:fake, as pinned)',
		]);
	});

	it('a host without apk: nothing changes, one row says why', async () => {
		const server = new Server();
		server.hasApk = false;
		const {io: i, rows} = io(server);
		const result = await upgradeHost(i, script);
		expect(result.skipped).toMatch(/^no apk on this host/);
		expect(server.rebootsAsked).toBe(0);
		expect(rows.at(-1)).toMatchObject({id: 'upgrade', state: 'skipped'});
	});

	describe('a stop in the middle, then a second run: the server reboots once', () => {
		it('stopped after the upgrade, before the reboot was asked: the second run sees the old kernel running and reboots', async () => {
			const server = new Server();
			server.stopAfter = 'upgrade the packages (host-upgrade.sh)';
			await expect(upgradeHost(io(server).io, script)).rejects.toThrow('hoist was killed here');
			expect(server.rebootsAsked).toBe(0);
			const second = io(server);
			const result = await upgradeHost(second.io, script);
			expect(server.rebootsAsked).toBe(1);
			expect(result.rebootedFor).toBe(newKernel);
			expect(result.upgraded).toEqual([]);
		});

		it('stopped after the reboot was asked, before hoist saw it (the server rebooted meanwhile): no second reboot', async () => {
			const server = new Server();
			server.stopAfter = `reboot for kernel ${newKernel}`;
			await expect(upgradeHost(io(server).io, script)).rejects.toThrow('hoist was killed here');
			expect(server.rebootsAsked).toBe(1);
			server.down = 0; // it is back by the time the user runs hoist again
			const second = io(server);
			const result = await upgradeHost(second.io, script);
			expect(server.rebootsAsked).toBe(1);
			expect(result.rebootedFor).toBe(newKernel);
			expect(second.rows[0]).toEqual({id: 'reboot', state: 'done', note: `rebooted for kernel ${newKernel} (asked for by an earlier run that was stopped)`});
			expect(second.last('upgrade')).toEqual({id: 'upgrade', state: 'done', note: 'every package was up to date'});
			expect(server.marker).toBeUndefined();
		});

		it('stopped after the reboot was asked, and the server is still up from the old boot when the second run looks: it waits, never asks again', async () => {
			const server = new Server();
			server.rebootsAtOnce = false;
			server.stopAfter = `reboot for kernel ${newKernel}`;
			await expect(upgradeHost(io(server).io, script)).rejects.toThrow('hoist was killed here');
			let sleeps = 0;
			const second = io(server, {onSleep: () => ++sleeps === 3 && server.rebootNow()});
			const result = await upgradeHost(second.io, script);
			expect(server.rebootsAsked).toBe(1);
			expect(result).toMatchObject({rebootedFor: newKernel, backAfterSeconds: 10});
			expect(second.rows[0]).toEqual({id: 'reboot', state: 'running', note: `rebooting for kernel ${newKernel}`});
		});

		it('stopped while waiting for the server to come back: the second run finds it back and goes on', async () => {
			const server = new Server();
			const controller = new AbortController();
			const first = io(server, {onSleep: () => controller.abort(new Error('SIGTERM'))});
			await expect(upgradeHost({...first.io, signal: controller.signal}, script)).rejects.toThrow('SIGTERM');
			server.down = 0;
			const result = await upgradeHost(io(server).io, script);
			expect(server.rebootsAsked).toBe(1);
			expect(result.rebootedFor).toBe(newKernel);
		});

		it('stopped after it came back, before the marker was cleared: the marker names an older boot, nothing is asked again', async () => {
			const server = new Server();
			server.stopBefore = 'forget the reboot';
			await expect(upgradeHost(io(server).io, script)).rejects.toThrow('hoist was killed here');
			expect(server.marker).toBe(`boot-1 ${newKernel}`);
			const result = await upgradeHost(io(server).io, script);
			expect(server.rebootsAsked).toBe(1);
			expect(result.rebootedFor).toBe(newKernel);
		});
	});

	it('the server booted the old kernel again: an error that says so, and no second reboot', async () => {
		const server = new Server();
		server.bootsInstalledKernel = false;
		server.stopBefore = 'forget the reboot';
		await expect(upgradeHost(io(server).io, script)).rejects.toThrow('hoist was killed here');
		await expect(upgradeHost(io(server).io, script)).rejects.toMatchObject({code: 'HOST_KERNEL_NOT_BOOTED'});
		expect(server.rebootsAsked).toBe(1);
	});

	it('a server that does not come back: HOST_REBOOT_TIMEOUT after the wait, and the marker stays for the next run', async () => {
		const server = new Server();
		server.rebootNow = function () {
			Server.prototype.rebootNow.call(this);
			this.down = Number.POSITIVE_INFINITY;
		};
		await expect(upgradeHost(io(server, {waitSeconds: 30}).io, script)).rejects.toMatchObject({code: 'HOST_REBOOT_TIMEOUT', kind: 'external'});
		expect(server.marker).toBe(`boot-1 ${newKernel}`);
		expect(server.rebootsAsked).toBe(1);
	});

	it('a changed host key after the reboot stops at once: it is never waited out or trusted', async () => {
		const server = new Server();
		server.rebootNow = function () {
			Server.prototype.rebootNow.call(this);
			this.hostKeyChanged = true;
			this.down = 0;
		};
		await expect(upgradeHost(io(server).io, script)).rejects.toBeInstanceOf(HostKeyChangedError);
		expect(server.rebootsAsked).toBe(1);
	});
});

describe('pendingReboot', () => {
	it('tells a reboot that happened from one that was asked for and has not yet', () => {
		expect(pendingReboot({bootId: 'a', requested: undefined})).toEqual({kind: 'none'});
		expect(pendingReboot({bootId: 'b', requested: {bootId: 'a', kernel: 'k'}})).toEqual({kind: 'came-back', request: {bootId: 'a', kernel: 'k'}});
		expect(pendingReboot({bootId: 'a', requested: {bootId: 'a', kernel: 'k'}})).toEqual({kind: 'in-progress', request: {bootId: 'a', kernel: 'k'}});
	});
});
