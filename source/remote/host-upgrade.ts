import {poll, type Clock} from '../engine/poll.js';
import {ExternalError} from '../errors.js';
import {
	clearRebootMarker,
	parseHostUpgradeLine,
	parseRebootState,
	readRebootState,
	rebootMarker,
	requestReboot,
	runHostUpgrade,
	type RebootRequest,
	type RebootState,
} from './commands/host-upgrade.js';
import {HostKeyChangedError, RemoteCommandError, SshConnectError} from './errors.js';
import type {RemoteSession} from './session.js';

/** The rows this shows under the step that uses it. */
export interface HostUpgradeRow {
	id: 'upgrade' | 'reboot' | 'reconnect';
	state: 'running' | 'done' | 'skipped' | 'failed';
	note: string;
}

/** What the host upgrade needs of the step or command that runs it. */
export interface HostUpgradeIo {
	/**
	 * The run's one SSH connection: the same while it works, a new one once it broke (services.remote: the pinned host
	 * key is checked, a new key is never trusted).
	 */
	connect(readyTimeoutMs: number): Promise<RemoteSession>;
	clock: Clock;
	signal: AbortSignal;
	row(row: HostUpgradeRow): void;
	progress(message: string): void;
	log(line: string): void;
	/** How long the server may take to come back from the reboot. */
	waitSeconds: number;
}

export interface HostUpgradeResult {
	/** "name old → new", in apk's order. */
	upgraded: string[];
	/** Why nothing was done (a host without apk). */
	skipped?: string;
	/** The kernel the server was rebooted for, and how long it was away (unknown when an earlier run saw it go). */
	rebootedFor?: string;
	backAfterSeconds?: number;
	/** The connection to use from here on: a new one after a reboot. */
	session: RemoteSession;
}

/** What to do about a reboot hoist asked for earlier, from the server's own state. */
export type PendingReboot = {kind: 'none'} | {kind: 'came-back'; request: RebootRequest} | {kind: 'in-progress'; request: RebootRequest};

/**
 * A marker whose boot id is not the current one: the reboot happened (the run that asked was stopped before it saw
 * it). The same boot id: it was asked for and has not happened yet — wait for it, never ask again.
 */
export function pendingReboot(state: RebootState): PendingReboot {
	if (!state.requested) return {kind: 'none'};
	return state.requested.bootId === state.bootId ? {kind: 'in-progress', request: state.requested} : {kind: 'came-back', request: state.requested};
}

/**
 * Upgrades the host's packages (templates/host-upgrade.sh, uploaded beforehand to `script`) and, when the running
 * kernel is no longer the installed one, reboots it once and waits until it answers SSH again from a new boot.
 * Safe to call again after a stop at any point: a reboot asked for earlier is recognised on the server (its marker and
 * boot id) and waited for, never asked for a second time; the upgrade itself is idempotent.
 */
export async function upgradeHost(io: HostUpgradeIo, script: string): Promise<HostUpgradeResult> {
	let session = await io.connect(10_000);
	let rebootedFor: string | undefined;
	let backAfterSeconds: number | undefined;
	const pending = pendingReboot(await rebootState(session, io.signal));
	if (pending.kind === 'came-back') {
		rebootedFor = pending.request.kernel;
		io.row({id: 'reboot', state: 'done', note: `rebooted for kernel ${rebootedFor} (asked for by an earlier run that was stopped)`});
		await session.run(clearRebootMarker(), {signal: io.signal});
	} else if (pending.kind === 'in-progress') {
		rebootedFor = pending.request.kernel;
		({session, backAfterSeconds} = await awaitReboot(io, session, pending.request));
	}

	io.row({id: 'upgrade', state: 'running', note: 'apk upgrade --available'});
	const upgraded: string[] = [];
	let verdict: ReturnType<typeof parseHostUpgradeLine>;
	try {
		await session.run(runHostUpgrade(script), {
			signal: io.signal,
			onLine: (line) => {
				const parsed = parseHostUpgradeLine(line);
				if (parsed?.kind === 'upgraded') upgraded.push(`${parsed.name} ${parsed.from} → ${parsed.to}`);
				if (parsed) verdict = parsed;
				else io.log(line);
			},
		});
	} catch (error) {
		if (!(error instanceof RemoteCommandError)) throw error;
		const text = verdict?.kind === 'fail' ? verdict.text : error.message;
		io.row({id: 'upgrade', state: 'failed', note: text});
		throw new ExternalError(`Upgrading the server's packages failed: ${text}.`, {
			code: 'HOST_UPGRADE_FAILED',
			command: 'host-upgrade.sh',
			output: error.lastLines.join('\n'),
			nextSteps: ['Read apk\'s lines above (a mirror that did not answer, a full disk) and fix the cause.'],
		});
	}
	if (verdict?.kind === 'skip') {
		io.row({id: 'upgrade', state: 'skipped', note: verdict.why});
		return {upgraded, skipped: verdict.why, session};
	}
	if (verdict?.kind !== 'done') {
		throw new ExternalError('host-upgrade.sh ended without its last line.', {code: 'HOST_UPGRADE_NO_SUMMARY', command: 'host-upgrade.sh', nextSteps: ['If it happens again, this is a bug in hoist.']});
	}
	io.row({id: 'upgrade', state: 'done', note: upgradedNote(upgraded)});
	if (verdict.reboot === undefined) return {upgraded, session, ...(rebootedFor ? {rebootedFor} : {}), ...(backAfterSeconds === undefined ? {} : {backAfterSeconds})};
	if (rebootedFor !== undefined) {
		// Booted once for this already: a second reboot would not help, and hoist reboots a server once.
		throw new ExternalError(`The server booted again after hoist's reboot, but still runs kernel ${verdict.running} while ${verdict.reboot} is installed.`, {
			code: 'HOST_KERNEL_NOT_BOOTED',
			command: 'host-upgrade.sh',
			hint: 'The boot loader did not start the installed kernel (or the running kernel\'s modules are missing for another reason).',
			nextSteps: ['Look at the boot loader configuration on the server (Alpine: /boot/extlinux.conf or grub) and reboot it yourself.'],
		});
	}
	const before = await rebootState(session, io.signal);
	const request = {bootId: before.bootId, kernel: verdict.reboot};
	io.log(`kernel ${verdict.reboot} is installed, ${verdict.running} runs (its modules are gone): rebooting`);
	await session.run(requestReboot(verdict.reboot), {signal: io.signal});
	({session, backAfterSeconds} = await awaitReboot(io, session, request));
	return {upgraded, rebootedFor: verdict.reboot, backAfterSeconds, session};
}

async function rebootState(session: RemoteSession, signal: AbortSignal): Promise<RebootState> {
	const result = await session.run(readRebootState(), {capture: true, signal});
	const state = parseRebootState(result.stdout);
	if (!state) throw new ExternalError('The server has no boot id (/proc/sys/kernel/random/boot_id).', {code: 'HOST_NO_BOOT_ID', command: 'cat /proc/sys/kernel/random/boot_id', nextSteps: ['hoist reboots only Linux hosts; check the server.']});
	return state;
}

/**
 * Waits until the server answers SSH from another boot than the one the reboot was asked from: the old connection
 * breaks when it goes down, then a new one is opened (the pinned host key checked) once sshd answers again. The
 * marker is removed once it is back.
 */
export async function awaitReboot(io: HostUpgradeIo, session: RemoteSession, request: RebootRequest): Promise<{session: RemoteSession; backAfterSeconds: number}> {
	io.row({id: 'reboot', state: 'running', note: `rebooting for kernel ${request.kernel}`});
	const started = io.clock.now();
	const old = session;
	const back = await poll<RemoteSession>({
		attempt: async () => {
			try {
				const current = await io.connect(5_000);
				const state = await rebootState(current, AbortSignal.any([io.signal, AbortSignal.timeout(10_000)]));
				if (state.bootId !== request.bootId) return {done: true, value: current};
				return {done: false, status: 'still up from the old boot'};
			} catch (error) {
				io.signal.throwIfAborted();
				if (error instanceof HostKeyChangedError || (error instanceof SshConnectError && (error.reason === 'host-key' || error.reason === 'auth'))) throw error;
				if (error instanceof SshConnectError || error instanceof RemoteCommandError || isTimeout(error)) return {done: false, status: error instanceof Error ? error.message : String(error), error};
				throw error;
			}
		},
		interval: 2_000,
		timeoutMs: io.waitSeconds * 1000,
		clock: io.clock,
		signal: io.signal,
		onWait: ({status, leftMs}) => io.progress(`waiting for the server to come back: ${status} (${Math.round((leftMs ?? 0) / 1000)}s left)`),
		giveUp: (last) =>
			new ExternalError(`The server did not come back within ${io.waitSeconds}s after the reboot for kernel ${request.kernel} (last: ${last.status}).`, {
				code: 'HOST_REBOOT_TIMEOUT',
				command: 'reboot',
				hint: 'A boot that takes long (a file system check) or a kernel that does not boot looks like this.',
				nextSteps: [
					'Look at the server\'s console (AWS: `aws ec2 get-console-output --instance-id ID --latest`).',
					`Once it answers, hoist sees that the reboot happened and does not reboot again (its record: ${rebootMarker}).`,
				],
			}),
	});
	const backAfterSeconds = Math.max(0, Math.round((io.clock.now() - started) / 1000));
	io.row({id: 'reboot', state: 'done', note: `back after ${backAfterSeconds} s, kernel ${request.kernel}`});
	if (back !== old) io.row({id: 'reconnect', state: 'done', note: `SSH connection opened again (host key ${back.hostKeyFingerprint}, as pinned)`});
	await back.run(clearRebootMarker(), {signal: io.signal});
	return {session: back, backAfterSeconds};
}

function isTimeout(error: unknown): boolean {
	return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function upgradedNote(upgraded: string[]): string {
	if (upgraded.length === 0) return 'every package was up to date';
	const shown = upgraded.slice(0, 6).join(', ');
	return `upgraded ${upgraded.length} package${upgraded.length === 1 ? '' : 's'}: ${shown}${upgraded.length > 6 ? `, and ${upgraded.length - 6} more` : ''}`;
}
