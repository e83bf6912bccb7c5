import type {RemoteCommand} from './command.js';
import {andThen, sh} from './quote.js';

/**
 * One round trip at first contact: how this login becomes root (root already, doas, sudo, or not at all) and
 * which system the server runs. Parsed by `parseFacts`.
 */
export function hostFacts(): RemoteCommand {
	return {
		title: 'read the server\'s system facts',
		line: [
			'uid=$(id -u)',
			'if [ "$uid" = 0 ]; then via=root',
			'elif command -v doas >/dev/null 2>&1 && doas -n true >/dev/null 2>&1; then via=doas',
			'elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then via=sudo',
			'else via=none; fi',
			'echo "hoist_via=$via"',
			'echo "hoist_user=$(id -un)"',
			'cat /etc/os-release 2>/dev/null',
			'echo "hoist_alpine_release=$(cat /etc/alpine-release 2>/dev/null)"',
		].join('; '),
	};
}

export type Escalation = 'root' | 'doas' | 'sudo' | 'none';

export interface HostFacts {
	escalation: Escalation;
	user: string;
	/** /etc/os-release ID, e.g. alpine, debian */
	osId: string;
	osVersion: string;
	/** PRETTY_NAME, or ID and version */
	osName: string;
}

export function parseFacts(output: string): HostFacts {
	const values = new Map<string, string>();
	for (const line of output.split('\n')) {
		const match = /^([A-Za-z_]+)=(.*)$/.exec(line.trim());
		if (match) values.set(match[1]!, match[2]!.replace(/^"(.*)"$/, '$1'));
	}
	const via = values.get('hoist_via');
	const escalation: Escalation = via === 'root' || via === 'doas' || via === 'sudo' ? via : 'none';
	const osId = values.get('ID') ?? 'unknown';
	const osVersion = values.get('hoist_alpine_release') || values.get('VERSION_ID') || '';
	return {
		escalation,
		user: values.get('hoist_user') ?? '',
		osId,
		osVersion,
		osName: values.get('PRETTY_NAME') ?? `${osId} ${osVersion}`.trim(),
	};
}

/** How a line runs as root for this login: `doas sh -c '…'`, `sudo -n sh -c '…'`, or as it is for root. */
export function asRoot(line: string, escalation: Escalation): string {
	switch (escalation) {
		case 'doas':
			return `doas sh -c ${sh(line)}`;
		case 'sudo':
			return `sudo -n sh -c ${sh(line)}`;
		default:
			return `sh -c ${sh(line)}`;
	}
}

/**
 * What goes over the wire: the remote shell reports its pid on stderr first (sshd made it a process-group leader),
 * so an aborted command's whole group can be stopped; then it becomes the command.
 */
export function wireLine(line: string, root: boolean, escalation: Escalation): string {
	return `echo "${pidMarker}$$" >&2; exec ${root ? asRoot(line, escalation) : `sh -c ${sh(line)}`}`;
}

export const pidMarker = '@hoist-pid=';

/** Stops an aborted command: its whole process group, politely first. (dash's and busybox's `kill` take no `--`.) */
export function stopProcessGroup(pid: number, signal: 'TERM' | 'KILL'): RemoteCommand {
	return {title: `stop process group ${pid}`, line: `kill -${signal} -${pid} 2>/dev/null || kill -${signal} ${pid} 2>/dev/null || true`};
}

/** Moves uploaded temporary files into place, each with its mode (and owner when given), in one round trip. */
export function installFiles(files: Array<{temp: string; path: string; mode: number; owner?: string; group?: string}>): RemoteCommand {
	return {
		title: `put ${files.length === 1 ? files[0]!.path : `${files.length} files`} in place`,
		line: andThen(
			...files.map(({temp, path, mode, owner, group}) =>
				andThen(
					sh('mkdir', '-p', parentOf(path)),
					// Beside the file, then renamed over it: a reader (Caddy, reading an upstream file per request) sees the old
					// file or the new one, never none or half of one, as it would while install rewrote it in place.
					sh('install', '-m', mode.toString(8).padStart(4, '0'), ...(owner ? ['-o', owner] : []), ...(group ? ['-g', group] : []), temp, `${path}.hoist-new`),
					sh('mv', '-f', `${path}.hoist-new`, path),
					sh('rm', '-f', temp),
				),
			),
		),
	};
}

/** Best-effort removal of temporary upload files after a failure. */
export function removeFiles(paths: string[]): RemoteCommand {
	return {title: 'remove temporary files', line: `${sh('rm', '-f', ...paths)} || true`};
}

function parentOf(path: string): string {
	const index = path.lastIndexOf('/');
	return index <= 0 ? '/' : path.slice(0, index);
}
