import {composeProject, podmanSocket, stackPaths} from '../layout.js';
import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';
import {underStackLock} from './stack-lock.js';

/** How compose is called on the target, as bootstrap found it: ["docker", "compose"] (v2) or ["docker-compose"]. */
export interface ComposeTool {
	command: string[];
	version: 'v1' | 'v2';
}

export interface ComposeProjectFiles {
	stack: string;
	/** The user's compose file, relative to the stack directory (it travels under its own name). */
	composeFile: string;
	/** After `hoist rollback`: compose.release.yml pins each service to the image digest of that release. */
	pinned?: boolean;
}

/**
 * The prefix every compose command shares: in the stack directory, with the variables hoist carried over from the
 * environment it ran in (a file, never the command line), against rootful Podman's API, with the stack's registry
 * login. Root, because Podman is rootful.
 */
function composeLine(tool: ComposeTool, files: ComposeProjectFiles, args: string[]): string {
	const paths = stackPaths(files.stack);
	return [
		`cd ${sh(paths.dir)}`,
		'set -a',
		`. ${sh(paths.hoistEnv)}`,
		'set +a',
		`DOCKER_HOST=${sh(`unix://${podmanSocket}`)} DOCKER_CONFIG=${sh(paths.dockerConfig)} ${sh(
			...tool.command,
			'-p',
			composeProject(files.stack),
			'-f',
			files.composeFile,
			'-f',
			paths.overlay.slice(paths.dir.length + 1),
			...(files.pinned ? ['-f', paths.releaseOverlay.slice(paths.dir.length + 1)] : []),
			...args,
		)}`,
	].join(' && ');
}

/** Creates or updates every service; one-shot services run to completion before their dependants start. */
export function composeUp(tool: ComposeTool, files: ComposeProjectFiles): RemoteCommand {
	return {root: true, title: 'compose up', line: underStackLock(files.stack, composeLine(tool, files, ['up', '-d', '--remove-orphans']))};
}

export function composeLogs(tool: ComposeTool, files: ComposeProjectFiles, service: string, lines: number): RemoteCommand {
	return {root: true, title: `read the logs of ${service}`, line: composeLine(tool, files, ['logs', '--no-color', '--tail', String(lines), service])};
}

export interface LogsRequest {
	/** The services to show; all of them (each line prefixed with its container, as compose does) when empty. */
	services: string[];
	follow: boolean;
	/** Only lines since then: a duration like 10m or 1h30m, a date (2024-05-01T10:00:00Z) or epoch seconds. */
	since?: string;
	/** The last lines of each container, or "all". */
	tail: number | 'all';
}

/**
 * `hoist logs`: compose logs, streamed. Compose v1 has no --since; there each container's `podman logs` runs side by
 * side instead, every line prefixed with the container's name the way compose prefixes it. Either way every process
 * belongs to the command's process group, so stopping the command stops all of them.
 */
export function streamLogs(tool: ComposeTool, files: ComposeProjectFiles, request: LogsRequest): RemoteCommand {
	const title = `read the logs of ${request.services.length > 0 ? request.services.join(', ') : 'every service'}`;
	if (request.since !== undefined && tool.version === 'v1') return {root: true, title, line: podmanLogs(files.stack, request, request.since)};
	const args = [
		'logs',
		'--no-color',
		...(request.follow ? ['--follow'] : []),
		...(request.since === undefined ? [] : ['--since', request.since]),
		'--tail',
		String(request.tail),
		...(request.services.length > 0 ? ['--', ...request.services] : []),
	];
	return {root: true, title, line: composeLine(tool, files, args)};
}

function podmanLogs(stack: string, request: LogsRequest, since: string): string {
	const project = sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`);
	const select =
		request.services.length === 0
			? `podman ps --all ${project} --format '{{.Names}}'`
			: `for s in ${sh(...request.services)}; do podman ps --all ${project} --filter "label=com.docker.compose.service=$s" --format '{{.Names}}'; done`;
	const options = sh(...(request.follow ? ['--follow'] : []), '--since', since, ...(request.tail === 'all' ? [] : ['--tail', String(request.tail)]));
	// Compose's prefix is the container's name without the project: web_1 (v1), web-1 (v2).
	const short = `s=\${n#${sh(`${composeProject(stack)}_`)}}; s=\${s#${sh(`${composeProject(stack)}-`)}}`;
	return [
		`names=$(${select})`,
		`w=0; for n in $names; do ${short}; [ \${#s} -gt $w ] && w=\${#s}; done`,
		`for n in $names; do ${short}; (podman logs ${options} "$n" 2>&1 | while IFS= read -r l; do printf "%-\${w}s | %s\\n" "$s" "$l"; done) & done`,
		'wait',
	].join('\n');
}

/**
 * `hoist exec`: COMMAND in the service's running container, each word as given (no shell in between), with a
 * terminal only when hoist has one. It is Podman's own exec on the container compose labelled as the service's, the
 * same on every host: compose v1 would hand it to a docker CLI the host may lack or, told not to, drop stdin and mix
 * stderr into stdout. Podman's own failures exit 125-127, like docker's.
 */
export function composeExec(stack: string, service: string, command: string[], terminal: boolean): RemoteCommand {
	const filter = sh(
		'--filter',
		`label=com.docker.compose.project=${composeProject(stack)}`,
		'--filter',
		`label=com.docker.compose.service=${service}`,
		'--filter',
		'label=com.docker.compose.oneoff=False',
	);
	return {
		root: true,
		title: `run ${command[0] ?? 'a command'} in ${service}`,
		line: [
			`id=$(podman ps --quiet ${filter} | head -n 1)`,
			`if [ -z "$id" ]; then echo ${sh(`hoist: no container of the service ${service} is running`)} >&2; exit 125; fi`,
			`podman exec --interactive ${terminal ? '--tty ' : ''}"$id" ${sh(...command)}`,
		].join('\n'),
	};
}

/** The boot script's start and stop lines, so the stack comes back after a reboot exactly as hoist starts it. */
export function bootLines(tool: ComposeTool, files: ComposeProjectFiles): {up: string; stop: string} {
	return {up: composeLine(tool, files, ['up', '-d']), stop: composeLine(tool, files, ['stop'])};
}

/**
 * Makes a running Caddy read its Caddyfile again (no restart: connections and certificates stay); nothing when Caddy
 * is not running yet, since it reads the file when it starts.
 */
export function reloadCaddy(stack: string, service: string): RemoteCommand {
	return {
		root: true,
		title: 'reload Caddy',
		line: `${runningService(stack, service)} if [ -n "$id" ]; then podman exec "$id" caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile; fi`,
	};
}

/**
 * Makes the network namespace of a running service (Caddy) forget the link-layer address it remembers for `address`,
 * and prints what it remembered. Podman hands the address of a removed container to a later one and does not announce
 * the new container's MAC; the kernel keeps an idle neighbour entry (STALE) as long as its table is small, and on the
 * next use sends to the old MAC for about 5 s (DELAY) and probes it before it asks the network again. Connections to the
 * new container time out meanwhile: Caddy answered 502 "dial tcp …: i/o timeout" after 3 s, then hung, each time a
 * release's new container got an address Caddy had talked to before.
 */
export function forgetNeighbour(stack: string, service: string, address: string): RemoteCommand {
	const ip = (...args: string[]) => `nsenter -t "$pid" -n ${sh('ip', 'neigh', ...args, 'to', address)}`;
	return {
		root: true,
		title: `clear ${service}'s cached link-layer address of ${address}`,
		line: `${runningService(stack, service)} if [ -n "$id" ]; then pid=$(podman inspect --format '{{.State.Pid}}' "$id") && ${ip('show')} && ${ip('flush')}; fi`,
	};
}

/** `id=` the running container of a compose service (empty when it does not run). */
function runningService(stack: string, service: string): string {
	const filter = sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`, '--filter', `label=com.docker.compose.service=${service}`);
	return `id=$(podman ps -q ${filter});`;
}

/**
 * Restarts a running Caddy (a second without HTTPS): for a change of CA. A reload may go on serving the certificate
 * Caddy already manages for a name (it keeps its certificate cache across reloads); after a restart it loads from its
 * storage only what the configured CA issued, and asks that CA for the rest.
 */
export function restartCaddy(stack: string, service: string): RemoteCommand {
	return {root: true, title: 'restart Caddy', line: `${runningService(stack, service)} if [ -n "$id" ]; then podman restart --time 10 "$id" >/dev/null; fi`};
}

/** Caddy's log since a Unix time (its JSON lines), for explaining why no certificate came. */
export function caddyLogs(stack: string, service: string, sinceUnix: number): RemoteCommand {
	return {
		root: true,
		title: 'read Caddy\'s log',
		line: `${runningService(stack, service)} if [ -n "$id" ]; then podman logs --since ${sh(String(Math.floor(sinceUnix)))} "$id" 2>&1 | tail -n 400; fi`,
	};
}

/** The server's clock (Unix seconds): logs are read from the server's "now", whatever this machine's clock says. */
export function serverTime(): RemoteCommand {
	return {title: 'read the server\'s clock', line: 'date +%s'};
}

/** Section markers of `stackState`'s answer. */
export const stateSections = {hashes: '@@hoist-hashes', containers: '@@hoist-containers', details: '@@hoist-details'} as const;

/**
 * What runs for the stack: each container with its state, health, image digest, restarts and start, and (unless
 * `hashes` is false) the configuration hash compose gives each service now, which tells a container that must be
 * recreated. The hashes cost a start of compose itself (about 0.5 s with docker-compose v1): a look taken right after
 * `compose up`, or while it works, does without them.
 */
export function stackState(tool: ComposeTool, files: ComposeProjectFiles, options: {hashes?: boolean} = {}): RemoteCommand {
	const filter = sh('--filter', `label=com.docker.compose.project=${composeProject(files.stack)}`);
	return {
		root: true,
		title: 'read the state of the stack',
		line: [
			`echo ${stateSections.hashes}`,
			...(options.hashes === false ? [] : [`if [ -n "$(podman ps --all --quiet ${filter})" ]; then (${composeLine(tool, files, ['config', '--hash=*'])}) 2>/dev/null || true; fi`]),
			`echo ${stateSections.containers}`,
			`podman ps --all ${filter} --format json`,
			`echo ${stateSections.details}`,
			`ids=$(podman ps --all --quiet ${filter})`,
			`if [ -n "$ids" ]; then podman inspect --format ${sh('{{.Id}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}} {{.ImageDigest}} {{.RestartCount}} {{.State.StartedAt.Unix}}')} $ids; fi`,
		].join('\n'),
	};
}

/**
 * `compose up` for some services only, without touching the services they depend on; compose recreates a service
 * only when its configuration or image changed. `scale` starts a second container of one service beside the first
 * (with `noRecreate`, the running one is left as it is): the start of a swap without downtime.
 */
export function composeUpServices(tool: ComposeTool, files: ComposeProjectFiles, services: string[], options: {noRecreate?: boolean; scale?: {service: string; count: number}} = {}): RemoteCommand {
	return {
		root: true,
		title: `compose up ${services.join(' ')}`,
		line: underStackLock(
			files.stack,
			composeLine(tool, files, [
				'up',
				'-d',
				'--no-deps',
				...(options.noRecreate ? ['--no-recreate'] : []),
				...(options.scale ? ['--scale', `${options.scale.service}=${options.scale.count}`] : []),
				...services,
			]),
		),
	};
}

/** The address of a container on its (first) network, as the host reaches it. */
export function containerAddress(containerId: string): RemoteCommand {
	return {root: true, title: `find the address of ${containerId}`, line: sh('podman', 'inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', containerId)};
}

/**
 * One HTTP request from the host to a container, exit 0 when it answers 2xx or 3xx: busybox's wget on Alpine, curl
 * where there is no wget.
 */
export function probeHttp(address: string, port: number, path: string): RemoteCommand {
	const url = `http://${address}:${port}${path.startsWith('/') ? path : `/${path}`}`;
	return {
		title: `ask ${url}`,
		line: `if command -v wget >/dev/null 2>&1; then wget -q -O /dev/null -T 2 ${sh(url)}; else curl -sf -m 2 -o /dev/null ${sh(url)}; fi`,
	};
}

/** Stops containers gracefully (SIGTERM, then `seconds` to finish what they serve) and removes them. */
export function retireContainers(ids: string[], seconds: number): RemoteCommand {
	return {root: true, title: `retire ${ids.length} old container${ids.length === 1 ? '' : 's'}`, line: `${sh('podman', 'stop', '--time', String(seconds), ...ids)} >/dev/null && ${sh('podman', 'rm', ...ids)} >/dev/null`};
}

/** The image id each reference names on the server now (`reference id` lines; missing images are left out). */
export function imageIds(images: string[]): RemoteCommand {
	return {root: true, title: 'read image ids', line: `for img in ${sh(...images)}; do id=$(podman image inspect --format '{{.Id}}' "$img" 2>/dev/null) && echo "$img $id"; done; true`};
}
