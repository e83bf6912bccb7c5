import {composeProject} from '../layout.js';
import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';

/** Section markers of `backupInventory`'s answer. */
export const inventorySections = {volumes: '@@hoist-volumes', sizes: '@@hoist-sizes', containers: '@@hoist-containers'} as const;

/** How long a container gets to stop on TERM before it is killed, as for destroy: a database deserves a clean shutdown. */
const stopSeconds = 10;

/**
 * What a backup or a restore needs to know about the stack on the server, in one round trip: the compose project's
 * named volumes (with their sizes in KiB) and every container of the project as Podman inspects it (labels, mounts,
 * state). External volumes carry no project label: they are not the stack's to copy.
 */
export function backupInventory(stack: string): RemoteCommand {
	const filter = sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`);
	return {
		root: true,
		title: 'read the stack\'s volumes and containers',
		line: [
			`echo ${inventorySections.volumes}`,
			`podman volume ls --format json ${filter}`,
			`echo ${inventorySections.sizes}`,
			`for v in $(podman volume ls --quiet ${filter}); do echo "$(du -sk "$(podman volume inspect --format '{{.Mountpoint}}' "$v")" | cut -f1) $v"; done`,
			`echo ${inventorySections.containers}`,
			`ids=$(podman ps --all --quiet ${filter})`,
			'if [ -n "$ids" ]; then podman inspect $ids; else echo "[]"; fi',
		].join('\n'),
	};
}

/** A named volume's content as a tar stream on stdout (numeric owners, as Podman writes them). */
export function exportVolume(volume: string): RemoteCommand {
	return {root: true, title: `copy the volume ${volume}`, line: sh('podman', 'volume', 'export', volume)};
}

/**
 * Replaces a named volume's content with the tar stream on stdin: what was there is removed first, so a file the
 * backup did not have does not survive the restore.
 */
export function importVolume(volume: string): RemoteCommand {
	return {
		root: true,
		title: `restore the volume ${volume}`,
		line: [
			`mp=$(podman volume inspect --format '{{.Mountpoint}}' ${sh(volume)})`,
			'[ -n "$mp" ] && [ "$mp" != / ]',
			'find "$mp" -mindepth 1 -maxdepth 1 -exec rm -rf {} +',
			sh('podman', 'volume', 'import', volume, '-'),
		].join(' && '),
	};
}

/**
 * The service's own dump command (its `hoist.backup` label) in its running container, through `sh -c` as compose
 * runs a string command; its stdout is the backup. `restore` feeds stdin to its `hoist.restore` command instead.
 */
export function execLabelled(containerId: string, service: string, command: string, direction: 'dump' | 'restore'): RemoteCommand {
	return {
		root: true,
		title: `${direction === 'dump' ? 'dump' : 'restore'} ${service} (its hoist.${direction === 'dump' ? 'backup' : 'restore'} command)`,
		line: sh('podman', 'exec', ...(direction === 'restore' ? ['--interactive'] : []), containerId, 'sh', '-c', command),
	};
}

/** Stops containers (TERM, then KILL after the grace period), leaving them in place to be started again. */
export function stopContainers(ids: string[]): RemoteCommand {
	return {root: true, title: `stop ${ids.length} container${ids.length === 1 ? '' : 's'}`, line: `${sh('podman', 'stop', '--time', stopSeconds, ...ids)} >/dev/null`};
}

export function startContainers(ids: string[]): RemoteCommand {
	return {root: true, title: `start ${ids.length} container${ids.length === 1 ? '' : 's'}`, line: `${sh('podman', 'start', ...ids)} >/dev/null`};
}
