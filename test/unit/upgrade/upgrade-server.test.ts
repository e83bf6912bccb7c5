// `hoist upgrade` on Alpine against a simulated server: its packages and kernels, its boot id and the reboot marker on
// its disk, connections that break when it reboots, and the stack's containers, stopped by a reboot until the stack's
// boot service starts them again. What the user sees (the task events, the closing lines, the exit code) and what the
// server went through (reboots asked, uploads) are asserted. The script itself: test/scripts/host-upgrade-shims.test.ts;
// the host without apk, on the sandbox: test/e2e/day2-tools.test.ts.
import {describe, expect, it} from 'vitest';
import type {StackSession} from '../../../source/commands/remote/stack-session.js';
import type {CommandContext} from '../../../source/cli/command.js';
import type {EngineEvent} from '../../../source/engine/events.js';
import type {JournalData} from '../../../source/engine/journal.js';
import {UserError} from '../../../source/errors.js';
import type {RemoteCommand} from '../../../source/remote/commands/command.js';
import {SshConnectError} from '../../../source/remote/errors.js';
import type {RemoteSession} from '../../../source/remote/session.js';
import type {Target} from '../../../source/remote/target.js';
import {runUpgrade} from '../../../source/upgrade/run-upgrade.js';
import {upgradeServer, type UpgradeInput, type UpgradeReport} from '../../../source/upgrade/upgrade-server.js';
import {FakeSession, type FakeAnswer} from '../../helpers/fake-session.js';
import {FakeStack, recordedBefore} from '../../helpers/fake-stack.js';
import {createHarness} from '../../helpers/step-context.js';

const oldKernel = '6.12.1-0-virt';
const newKernel = '6.12.13-0-virt';
const target: Target = {kind: 'aws', host: '198.51.100.7', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-0abc', publicAddress: '198.51.100.7'};

/** An Alpine instance with the stack `demo` (web, db, Caddy) on it, as hoist sees it over SSH. */
class Server {
	boot = 1;
	marker: string | undefined;
	running = oldKernel;
	installed = oldKernel;
	pending: Array<[string, string, string]> = [['busybox', '1.37.0-r18', '1.37.0-r19']];
	rebootsAsked = 0;
	/** false: the asked reboot happens only at the next wait of hoist (the server is still up from the old boot). */
	rebootsAtOnce = true;
	/** Looks at the stack after a boot until the boot service has started the containers again. */
	bootServiceAfter = 2;
	/** A service the boot service cannot start again. */
	staysDown: string | undefined;
	/** A kill of hoist just after the server answered this command. */
	killAfter: string | undefined;
	readonly stack = new FakeStack();
	readonly sessions: FakeSession[] = [];
	#looksSinceBoot = Infinity;
	#current: FakeSession | undefined;
	#broken = new Set<FakeSession>();
	#down = 0;

	connect = async (): Promise<RemoteSession> => {
		if (this.#current && !this.#broken.has(this.#current)) return this.#current;
		if (this.#down > 0) {
			this.#down--;
			throw new SshConnectError('refused', 'connect ECONNREFUSED');
		}
		const session: FakeSession = new FakeSession({answer: (command) => this.#answer(session, command)});
		this.sessions.push(session);
		this.#current = session;
		return session;
	};

	rebootNow(): void {
		this.boot++;
		this.running = this.installed;
		if (this.#current) this.#broken.add(this.#current);
		this.#down = 2;
		this.#looksSinceBoot = 0;
		for (const container of this.stack.containers) container.state = 'exited';
	}

	#answer(session: FakeSession, command: RemoteCommand): FakeAnswer | undefined {
		if (this.#broken.has(session)) throw new SshConnectError('closed', 'The server closed the SSH connection.');
		const answer = this.#reply(command);
		if (this.killAfter !== undefined && this.killAfter === command.title) {
			this.killAfter = undefined;
			throw new Error('hoist was killed here');
		}
		return answer;
	}

	#reply(command: RemoteCommand): FakeAnswer | undefined {
		switch (command.title) {
			case 'read the kernel, Podman and compose versions':
				return `kernel=${this.running}\npodman=5.3.1\ncompose=2.31.0\napk=yes\n`;
			case 'read the boot id':
				return `boot-${this.boot}\n${this.marker ?? ''}`;
			case 'upgrade the packages (host-upgrade.sh)': {
				const lines = this.pending.map(([name, from, to]) => `hoist-upgraded ${name} ${from} ${to}`);
				if (this.pending.some(([name]) => name === 'linux-virt')) this.installed = newKernel;
				this.pending = [];
				return {lines: [...lines, `hoist-upgrade done upgraded=${lines.length} running=${this.running} reboot=${this.running === this.installed ? 'no' : this.installed}`]};
			}
			case `reboot for kernel ${newKernel}`:
				this.rebootsAsked++;
				this.marker = `boot-${this.boot} ${newKernel}`;
				if (this.rebootsAtOnce) this.rebootNow();
				return undefined;
			case 'forget the reboot':
				this.marker = undefined;
				return undefined;
			case 'read the state of the stack':
				if (++this.#looksSinceBoot === this.bootServiceAfter) {
					for (const container of this.stack.containers) if (container.service !== this.staysDown) container.state = 'running';
				}
				return this.stack.answer(command);
			default:
				return this.stack.answer(command);
		}
	}
}

function journal(): JournalData {
	const {bootstrap, compose, upload} = recordedBefore(target, {
		web: {image: 'registry.test/web:v2', oneShot: false, healthcheck: false, healthGate: false},
		db: {image: 'postgres:16', oneShot: false, healthcheck: false, healthGate: false},
	});
	const certificate = {
		status: 'issued' as const, names: ['app.example.test'], address: target.publicAddress, staging: false,
		acme: {directory: 'https://acme.test/directory', caRoot: false}, certificates: [],
	};
	const done = (outputs: object) => ({status: 'done' as const, outputs: outputs as Record<string, unknown>});
	return {
		schema: 3, stack: 'demo', runId: 'r', createdAt: '', updatedAt: '', runs: [], resources: {}, releases: [],
		steps: {target: done(target), bootstrap: done(bootstrap), compose: done(compose), upload: done(upload), certificate: done(certificate)},
	} as JournalData;
}

/** One `hoist upgrade` against the server: what it showed, reported and returned. */
async function upgrade(server: Server, options: {yes?: boolean; confirm?: UpgradeInput['confirm']; onSleep?: () => void} = {}) {
	const harness = createHarness({
		onSleep: options.onSleep,
		httpsGet: async () => ({status: 200, headers: {}, body: ''}) as never,
	});
	const events: EngineEvent[] = [];
	const messages: string[] = [];
	const reports: UpgradeReport[] = [];
	const asked: string[] = [];
	const remote = await server.connect();
	try {
		const code = await upgradeServer({
			config: harness.config, files: harness.files, journal: journal(), remote, connect: server.connect, services: harness.services,
			signal: harness.controller.signal, yes: options.yes ?? true,
			confirm: options.confirm ?? (async (question) => void asked.push(question)),
			renderer: async () => ({onEvent: (event) => events.push(event), showMessage: (lines) => messages.push(...lines)}),
			report: (report) => reports.push(report),
		});
		const failed = events.find((event) => event.type === 'step-failed');
		return {code, events, messages, reports, asked, failed: failed?.type === 'step-failed' ? failed : undefined, done: (id: string) => events.find((event) => event.type === 'step-done' && event.stepId === id)};
	} finally {
		harness.cleanup();
	}
}

describe('hoist upgrade on Alpine', () => {
	it('without a kernel change: upgrades, does not reboot, checks the stack and HTTPS, shows the versions', async () => {
		const server = new Server();
		const run = await upgrade(server);
		expect(run.code).toBe(0);
		expect(server.rebootsAsked).toBe(0);
		expect(server.sessions).toHaveLength(1);
		expect(server.sessions[0]!.uploaded.map((file) => file.path)).toEqual(['/var/lib/hoist/bootstrap/host-upgrade.sh']);
		expect(run.done('upgrade')).toMatchObject({summary: 'upgraded 1 package; no reboot needed'});
		expect(run.done('services')).toMatchObject({summary: 'web, db, hoist-caddy back'});
		expect(run.done('https')).toMatchObject({summary: 'https://app.example.test/ answers'});
		expect(run.messages).toEqual([
			'Upgraded 1 package on alpine@198.51.100.7: busybox 1.37.0-r18 → 1.37.0-r19.',
			'No reboot: the running kernel is still the installed one.',
			`  kernel ${oldKernel} (unchanged)`,
			'  Podman 5.3.1 (unchanged)',
			'  compose docker compose 2.31.0 (unchanged)',
			'Every service runs, and https://app.example.test/ answers over HTTPS.',
		]);
		expect(run.reports).toEqual([expect.objectContaining({supported: true, upgraded: ['busybox 1.37.0-r18 → 1.37.0-r19'], before: expect.objectContaining({kernel: oldKernel})})]);
		expect(run.reports[0]!.rebootedFor).toBeUndefined();
	});

	it('with a kernel change: reboots once, waits for SSH and for the boot service to start the stack, then checks it', async () => {
		const server = new Server();
		server.pending.push(['linux-virt', '6.12.1-r0', '6.12.13-r0']);
		const run = await upgrade(server);
		expect(run.failed).toBeUndefined();
		expect(run.code).toBe(0);
		expect(server.rebootsAsked).toBe(1);
		expect(server.boot).toBe(2);
		expect(server.sessions).toHaveLength(2);
		expect(server.marker).toBeUndefined();
		expect(run.done('upgrade')).toMatchObject({summary: `upgraded 2 packages; rebooted for kernel ${newKernel}, back after 4 s`});
		// The containers read as stopped at first after the boot: waited for, not a failure.
		expect(run.events).toContainEqual(expect.objectContaining({type: 'step-progress', stepId: 'services', message: expect.stringContaining('web stopped with exit code 0')}));
		expect(run.done('after')).toMatchObject({summary: `kernel ${oldKernel} → ${newKernel}, Podman 5.3.1 (unchanged), compose docker compose 2.31.0 (unchanged)`});
		expect(run.messages).toContain(`Rebooted once for kernel ${newKernel}: back after 4 s.`);
		expect(run.reports[0]).toMatchObject({rebootedFor: newKernel, backAfterSeconds: 4, after: {kernel: newKernel}});
	});

	it('killed after asking for the reboot: run again, it waits for that reboot and never asks a second time', async () => {
		const server = new Server();
		server.pending.push(['linux-virt', '6.12.1-r0', '6.12.13-r0']);
		server.rebootsAtOnce = false;
		server.killAfter = `reboot for kernel ${newKernel}`;
		const killed = await upgrade(server);
		expect(killed.code).not.toBe(0);
		expect(server.marker).toBe(`boot-1 ${newKernel}`);

		// The reboot happens while the second run waits: it finds the marker from this boot and waits for the next.
		const again = await upgrade(server, {onSleep: () => server.boot === 1 && server.rebootNow()});
		expect(again.failed).toBeUndefined();
		expect(again.code).toBe(0);
		expect(server.rebootsAsked).toBe(1);
		expect(server.boot).toBe(2);
		expect(server.marker).toBeUndefined();
		// The script is on the server already (the first run's upload): no second upload that would race the reboot.
		expect(server.sessions.flatMap((session) => session.uploaded)).toHaveLength(1);
		expect(again.reports[0]).toMatchObject({rebootedFor: newKernel, after: {kernel: newKernel}});
	});

	it('a service that does not come back after the reboot: exit 1 naming it, with its logs', async () => {
		const server = new Server();
		server.pending.push(['linux-virt', '6.12.1-r0', '6.12.13-r0']);
		server.staysDown = 'db';
		server.stack.logs.set('db', 'FATAL: could not load module');
		const run = await upgrade(server);
		expect(run.code).toBe(1);
		expect(run.failed).toMatchObject({stepId: 'services', error: {code: 'SERVICE_NOT_BACK', message: 'The service "db" did not come back after the upgrade: it stopped with exit code 0.', output: 'FATAL: could not load module'}});
		expect(run.failed!.error.nextSteps.map((step) => step.command)).toEqual(['hoist logs db', 'hoist up']);
		expect(run.reports).toEqual([]);
	});

	it('asks before an upgrade that may reboot; a refusal (no terminal) changes nothing', async () => {
		const server = new Server();
		const asked = await upgrade(server, {yes: false});
		expect(asked.asked).toEqual(['Upgrade the packages of alpine@198.51.100.7 (Alpine Linux v3.20)? If the kernel changes, the server reboots: about 60 s of downtime for the stack.']);
		const refused = new Server();
		const refusal = new UserError('no terminal', {code: 'CONFIRMATION_NEEDED'});
		await expect(upgrade(refused, {yes: false, confirm: async () => Promise.reject(refusal)})).rejects.toBe(refusal);
		expect(refused.sessions[0]!.script).toEqual(['read the kernel, Podman and compose versions']);
	});
});

describe('hoist upgrade without a terminal', () => {
	it('without --yes: exit 2 (a user error) saying to add --yes, before anything is uploaded or run as root', async () => {
		const server = new Server();
		const remote = await server.connect();
		const harness = createHarness();
		const session = {
			config: harness.config, files: harness.files, journal: {data: journal()}, deployed: {target}, remote,
			connections: {open: server.connect}, renderer: () => Promise.reject(new Error('nothing is shown before the question')),
		} as unknown as StackSession;
		const context = {
			args: {config: 'hoist.yml', json: false, flags: {}, positionals: [], rest: []},
			io: {stdin: {isTTY: false}, stdout: {isTTY: false}, stderr: {isTTY: false}, env: {}, cancellation: {signal: harness.controller.signal, cancel: () => undefined, dispose: () => undefined}},
		} as unknown as CommandContext;
		try {
			const refused = await runUpgrade(session, context).catch((error: unknown) => error);
			expect(refused).toBeInstanceOf(UserError);
			expect(refused).toMatchObject({code: 'CONFIRMATION_NEEDED', exitCode: 2, message: '`hoist upgrade` may reboot the server, and asks first; there is no terminal to ask on.'});
			expect((refused as UserError).nextSteps).toEqual([{text: 'Run `hoist upgrade --yes` to confirm in a script (cron, CI).', command: 'hoist upgrade --yes'}]);
			expect(server.sessions[0]!.script).toEqual(['read the kernel, Podman and compose versions']);
		} finally {
			harness.cleanup();
		}
	});
});

describe('hoist upgrade on a host without apk', () => {
	it('says it is not supported on that system, what to do instead, changes nothing, exit 0', async () => {
		const session = new FakeSession({
			facts: {osId: 'debian', osName: 'Debian GNU/Linux 12 (bookworm)'},
			answer: (command) => (command.title === 'read the kernel, Podman and compose versions' ? 'kernel=6.1.0-28-amd64\npodman=4.3.1\ncompose=1.29.2\napk=no\n' : undefined),
		});
		const harness = createHarness();
		const messages: string[] = [];
		const reports: UpgradeReport[] = [];
		const code = await upgradeServer({
			config: harness.config, files: harness.files, journal: journal(), remote: session, connect: async () => session, services: harness.services,
			signal: harness.controller.signal, yes: false, confirm: () => Promise.reject(new Error('must not ask')),
			renderer: async () => ({onEvent: () => undefined, showMessage: (lines) => messages.push(...lines)}),
			report: (report) => reports.push(report),
		});
		harness.cleanup();
		expect(code).toBe(0);
		expect(session.script).toEqual(['read the kernel, Podman and compose versions']);
		expect(messages[0]).toBe('hoist upgrade is not supported yet on Debian GNU/Linux 12 (bookworm): hoist upgrades the packages of Alpine hosts (apk) only. Nothing was changed.');
		expect(messages[2]).toContain('`sudo apt-get update && sudo apt-get upgrade`');
		expect(reports).toEqual([{server: 'alpine@198.51.100.7', os: 'Debian GNU/Linux 12 (bookworm)', supported: false, before: {kernel: '6.1.0-28-amd64', podman: '4.3.1', compose: 'docker compose 1.29.2', apk: false}, upgraded: []}]);
	});
});
