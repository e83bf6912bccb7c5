import {composeProject, podmanSocket, stackPaths} from '../../server/layout.js';
import type {RemoteCommand} from './command.js';
import {sh} from './quote.js';

/** How compose is called on the target, as bootstrap found it: ["docker", "compose"] (v2) or ["docker-compose"]. */
export interface ComposeTool {
	command: string[];
	version: 'v1' | 'v2';
}

export interface ComposeProjectFiles {
	stack: string;
	/** The user's compose file, relative to the stack directory (it travels under its own name). */
	composeFile: string;
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
			...args,
		)}`,
	].join(' && ');
}

/** Creates or updates every service; one-shot services run to completion before their dependants start. */
export function composeUp(tool: ComposeTool, files: ComposeProjectFiles): RemoteCommand {
	return {root: true, title: 'compose up', line: composeLine(tool, files, ['up', '-d', '--remove-orphans'])};
}

export function composeStop(tool: ComposeTool, files: ComposeProjectFiles): RemoteCommand {
	return {root: true, title: 'compose stop', line: composeLine(tool, files, ['stop'])};
}

/** The configuration hash compose would give each service now (`service hash` lines): what "up to date" means. */
export function composeConfigHashes(tool: ComposeTool, files: ComposeProjectFiles): RemoteCommand {
	return {root: true, title: 'compose config --hash', line: composeLine(tool, files, ['config', '--hash=*'])};
}

export function composeLogs(tool: ComposeTool, files: ComposeProjectFiles, service: string, lines: number): RemoteCommand {
	return {root: true, title: `read the logs of ${service}`, line: composeLine(tool, files, ['logs', '--no-color', '--tail', String(lines), service])};
}

/** Every container of the stack's compose project, with labels, state and exit code, as Podman's JSON. */
export function projectContainers(stack: string): RemoteCommand {
	return {
		root: true,
		title: 'list the stack\'s containers',
		line: sh('podman', 'ps', '--all', '--filter', `label=com.docker.compose.project=${composeProject(stack)}`, '--format', 'json'),
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
 * Everything "is the stack as it should be?" needs, in one round trip: the configuration hash compose gives each
 * service now, the project's containers (labels, state, exit code), and per container its health and image digest.
 */
export function stackState(tool: ComposeTool, files: ComposeProjectFiles): RemoteCommand {
	const filter = sh('--filter', `label=com.docker.compose.project=${composeProject(files.stack)}`);
	return {
		root: true,
		title: 'read the state of the stack',
		line: [
			`echo ${stateSections.hashes}`,
			`(${composeLine(tool, files, ['config', '--hash=*'])}) 2>/dev/null || true`,
			`echo ${stateSections.containers}`,
			`podman ps --all ${filter} --format json`,
			`echo ${stateSections.details}`,
			`ids=$(podman ps --all --quiet ${filter})`,
			`if [ -n "$ids" ]; then podman inspect --format ${sh('{{.Id}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}} {{.ImageDigest}} {{.RestartCount}} {{.State.StartedAt.Unix}}')} $ids; fi`,
		].join('\n'),
	};
}
