/**
 * Where hoist keeps things on the server. One directory per stack, owned by root: the user's files travel there
 * unchanged, and hoist's own files carry "hoist" in their names so they cannot collide with the user's.
 */
export const serverRoot = '/srv/hoist';
export const bootstrapDir = '/var/lib/hoist/bootstrap';
/** Rootful Podman's Docker-compatible API (the OpenRC service and systemd's podman.socket both serve it here). */
export const podmanSocket = '/run/podman/podman.sock';

export interface StackPaths {
	dir: string;
	/** Added to the user's compose file: Caddy and log limits. */
	overlay: string;
	/** After `hoist rollback`: each service pinned to the image digest of the release brought back (a third compose file). */
	releaseOverlay: string;
	/** Variables interpolation took from the environment where hoist ran, sourced before compose (mode 0600). */
	hoistEnv: string;
	/** Mounted into Caddy as a directory, so a rewritten Caddyfile is seen by a reload (a file mount would keep the old inode). */
	caddyDir: string;
	caddyfile: string;
	/** One file per routed service, naming where Caddy sends its routes (see routeUpstream in caddyfile.ts). */
	caddyUpstreams: string;
	acmeCaRoot: string;
	/** DOCKER_CONFIG for compose and the auth file for podman: the registry login, surviving reboots (mode 0600). */
	dockerConfig: string;
	authFile: string;
	/** Starts the stack without hoist: run at boot by the init system. */
	bootScript: string;
}

export function stackPaths(stack: string): StackPaths {
	const dir = `${serverRoot}/${stack}`;
	return {
		dir,
		overlay: `${dir}/compose.hoist.yml`,
		releaseOverlay: `${dir}/compose.release.yml`,
		hoistEnv: `${dir}/hoist.env`,
		caddyDir: `${dir}/hoist-caddy`,
		caddyfile: `${dir}/hoist-caddy/Caddyfile`,
		caddyUpstreams: `${dir}/hoist-caddy/upstreams`,
		acmeCaRoot: `${dir}/hoist-caddy/acme-ca-root.pem`,
		dockerConfig: `${dir}/.hoist-docker`,
		authFile: `${dir}/.hoist-docker/config.json`,
		bootScript: `${dir}/hoist-boot.sh`,
	};
}

/** The compose project name: containers, networks and volumes of the stack carry it. */
export function composeProject(stack: string): string {
	return stack;
}

/** The init script (OpenRC) or unit (systemd) that runs the boot script. */
export function bootServiceName(stack: string): string {
	return `hoist-${stack}`;
}
