import {composeProject, serverRoot, stackPaths} from '../layout.js';
import type {RemoteCommand} from '../../remote/commands/command.js';
import {underStackLock} from './stack-lock.js';
import {sh} from '../../remote/commands/quote.js';

/** How long a container gets to stop on TERM before it is killed: a database deserves a clean shutdown. */
const stopSeconds = 10;

/** `hoist-volume NAME` lines: the named volumes the stack's compose project made (never an external one). */
export const volumeMarker = 'hoist-volume';
/** `hoist-removed CONTAINERS NETWORKS`: how many of each the project had (none: the stack was not there). */
const removedMarker = 'hoist-removed';
/** Said when the stack's directory was there to remove. */
const removedDirMarker = 'hoist-removed-dir';

function projectFilter(stack: string): string {
	return sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`);
}

/**
 * Stops and removes every container of the stack's compose project and its networks, found by compose's project
 * label (so it works without the stack's files, after a partial destroy, and twice in a row). Named volumes are
 * removed only when asked for (`--volumes`: the user's data); the ones that stay are reported as `hoist-volume NAME`.
 * External volumes carry no project label, so they are never touched.
 */
export function removeProject(stack: string, options: {volumes: boolean}): RemoteCommand {
	const filter = projectFilter(stack);
	return {
		root: true,
		title: `remove the containers and networks${options.volumes ? ' and volumes' : ''} of ${stack}`,
		line: underStackLock(stack, [
			'set -e',
			`ids=$(podman ps --all --quiet ${filter})`,
			`if [ -n "$ids" ]; then podman stop --time ${stopSeconds} $ids >/dev/null 2>&1 || true; podman rm --force $ids >/dev/null; fi`,
			`nets=$(podman network ls --quiet ${filter})`,
			'if [ -n "$nets" ]; then podman network rm $nets >/dev/null; fi',
			`echo "${removedMarker} $(set -- $ids; echo $#) $(set -- $nets; echo $#)"`,
			`vols=$(podman volume ls --quiet ${filter})`,
			options.volumes
				? 'if [ -n "$vols" ]; then podman volume rm $vols >/dev/null; fi'
				: `for v in $vols; do echo "${volumeMarker} $v"; done`,
		].join('\n')),
	};
}

/** Stops the project's containers (TERM, then KILL after the grace period), leaving them in place. */
export function stopProject(stack: string): RemoteCommand {
	return {
		root: true,
		title: `stop the containers of ${stack}`,
		line: underStackLock(stack, `ids=$(podman ps --quiet ${projectFilter(stack)}); if [ -n "$ids" ]; then podman stop --time ${stopSeconds} $ids >/dev/null; fi`),
	};
}

/** How many containers and networks removeProject found and removed. */
export function parseRemoved(output: string): {containers: number; networks: number} {
	const counts = new RegExp(`^${removedMarker} (\\d+) (\\d+)$`, 'm').exec(output);
	return {containers: Number(counts?.[1] ?? 0), networks: Number(counts?.[2] ?? 0)};
}

export function parseVolumes(output: string): string[] {
	return output
		.split('\n')
		.map((line) => new RegExp(`^${volumeMarker} (\\S+)$`).exec(line.trim())?.[1])
		.filter((name): name is string => name !== undefined);
}

/** Removes the stack's directory on the server (saying so when it was there), and /srv/hoist once no other stack lives there. */
export function removeStackDir(stack: string): RemoteCommand {
	const {dir} = stackPaths(stack);
	return {
		root: true,
		title: `remove ${dir}`,
		line: `{ [ ! -e ${sh(dir)} ] || { ${sh('rm', '-rf', dir)} && echo ${removedDirMarker}; }; } && { rmdir ${sh(serverRoot)} 2>/dev/null || true; }`,
	};
}

export function parseRemovedDir(output: string): boolean {
	return output.split('\n').some((line) => line.trim() === removedDirMarker);
}
