import type {RemoteCommand} from './command.js';
import {sh} from './quote.js';

/**
 * Where a reboot hoist asked for is remembered on the server: the boot id it was asked from and the kernel it is for.
 * On disk, not in /run, so that it outlives the reboot: a run that was stopped after asking finds it, compares the
 * boot id with the current one, and knows whether the reboot happened, without ever asking twice.
 */
export const rebootMarker = '/var/lib/hoist/reboot-requested';

/** Runs the uploaded host-upgrade.sh as root. */
export function runHostUpgrade(script: string): RemoteCommand {
	return {root: true, title: 'upgrade the packages (host-upgrade.sh)', line: `sh ${sh(script)}`};
}

export type HostUpgradeLine =
	| {kind: 'upgraded'; name: string; from: string; to: string}
	| {kind: 'skip'; why: string}
	| {kind: 'fail'; text: string}
	| {kind: 'done'; upgraded: number; running: string; reboot: string | undefined};

/** host-upgrade.sh's own lines (see its header); undefined for apk's output. */
export function parseHostUpgradeLine(line: string): HostUpgradeLine | undefined {
	const upgraded = /^hoist-upgraded (\S+) (\S+) (\S+)$/.exec(line);
	if (upgraded) return {kind: 'upgraded', name: upgraded[1]!, from: upgraded[2]!, to: upgraded[3]!};
	const verdict = /^hoist-upgrade (skip|fail|done) (.*)$/.exec(line);
	if (!verdict) return undefined;
	const text = verdict[2]!;
	if (verdict[1] === 'skip') return {kind: 'skip', why: text};
	if (verdict[1] === 'fail') return {kind: 'fail', text};
	const fields = new Map(text.split(' ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
	const reboot = fields.get('reboot') ?? 'no';
	return {kind: 'done', upgraded: Number(fields.get('upgraded') ?? 0), running: fields.get('running') ?? 'unknown', reboot: reboot === 'no' ? undefined : reboot};
}

/** The reboot hoist asked for and has not seen through yet (the marker's content). */
export interface RebootRequest {
	bootId: string;
	kernel: string;
}

export interface RebootState {
	/** The boot the server is in now: it changes with every boot. */
	bootId: string;
	requested: RebootRequest | undefined;
}

/** The files the reboot commands use; tests run the commands in `sh` with their own. */
export interface RebootPaths {
	marker: string;
	bootId: string;
	reboot: string;
}
const onServer: RebootPaths = {marker: rebootMarker, bootId: '/proc/sys/kernel/random/boot_id', reboot: '/sbin/reboot'};

/** The current boot id and the marker of an asked-for reboot, in one round trip. */
export function readRebootState(paths: RebootPaths = onServer): RemoteCommand {
	return {root: true, title: 'read the boot id', line: `cat ${sh(paths.bootId)}; cat ${sh(paths.marker)} 2>/dev/null || true`};
}

export function parseRebootState(stdout: string): RebootState | undefined {
	const [bootId, marker] = stdout.split('\n').map((line) => line.trim());
	if (!bootId) return undefined;
	const [requestedFrom, kernel] = (marker ?? '').split(' ');
	return {bootId, requested: requestedFrom ? {bootId: requestedFrom, kernel: kernel ?? 'unknown'} : undefined};
}

/**
 * Remembers the reboot (the current boot id and the kernel, on disk, synced), then reboots a second later, detached:
 * the command itself ends at once, so its answer is not lost in the connection the reboot closes.
 */
export function requestReboot(kernel: string, paths: RebootPaths = onServer): RemoteCommand {
	return {
		root: true,
		title: `reboot for kernel ${kernel}`,
		line: [
			sh('mkdir', '-p', paths.marker.slice(0, paths.marker.lastIndexOf('/'))),
			`printf '%s %s\\n' "$(cat ${sh(paths.bootId)})" ${sh(kernel)} > ${sh(paths.marker)}`,
			'sync',
			// braces: only the reboot goes to the background, not the list before it
			`{ nohup sh -c ${sh(`sleep 1; exec ${sh(paths.reboot)}`)} </dev/null >/dev/null 2>&1 & }`,
		].join(' && '),
	};
}

/** Once the server is back from the reboot: the marker has done its work. */
export function clearRebootMarker(paths: RebootPaths = onServer): RemoteCommand {
	return {root: true, title: 'forget the reboot', line: sh('rm', '-f', paths.marker)};
}
