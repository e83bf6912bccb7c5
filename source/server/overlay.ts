import {stringify} from 'yaml';
import type {ComposeProject} from '../compose/project.js';
import {qualifiedImage} from './image-name.js';

/** Caddy's service and volumes in the overlay; "hoist-" keeps them apart from the user's names. */
export const caddyService = 'hoist-caddy';
/** Caddy's named volumes: its certificates and ACME account, and its autosaved configuration. */
export const caddyVolumes = ['hoist_caddy_data', 'hoist_caddy_config'] as const;
/** Per container: enough to read what went wrong, never enough to fill a 10 GiB disk. */
export const logLimit = '10m';

/**
 * A reload (a change to the Caddyfile: a domain, a route; releases no longer reload, see routeUpstream) starts a new
 * listener on 80 and 443 beside the old one (SO_REUSEPORT) and closes the old one; the kernel resets the connections
 * that were still waiting in the closed listener's accept queue. With this sysctl (in Caddy's own network namespace,
 * Linux 5.14+) the kernel moves them to the new listener instead. Measured on the sandbox with Caddy 2.6: 30 resets
 * in 40 reloads under 20 parallel connecting loops without it, none in 40 with it; Caddy 2.11 still dropped a
 * connection about once in ten to fifteen reloads with it, which is why releases stopped reloading.
 */
const queuedConnectionsMigrate = 'net.ipv4.tcp_migrate_req';

/**
 * Caddy looks the web service's name up for every new connection, at the network's DNS server (aardvark-dns on the
 * bridge's gateway address). On older Podman hosts a query can go unanswered: aardvark-dns before 1.11 closes and
 * reopens its sockets when it reloads for a container that joins or leaves (containers/aardvark-dns#389, fixed by #449),
 * and netavark before 1.9 lets the bridge's address change with its ports (hoist pins it before a release: see
 * pinBridges). Debian 12 and Ubuntu 24.04 ship both; Caddy's resolver waited its default 5 s on such a query while a
 * visitor waited too (CI's releases test timed out once). One second and three tries turn that into a one-second wait;
 * an answer normally comes in well under a millisecond. This hides no fault of hoist's: a release keeps Caddy on the
 * serving container's address while its own containers come and go (see CaddyPin), so it makes no lookup then; what
 * is left is a reload of aardvark-dns for a container hoist does not move (another stack on the host, a container
 * restarting by itself, the boot), which is the resolver's fault, and a lookup it drops is asked again as any stub
 * resolver would. A lookup that never gets an answer still fails, after three seconds, with Caddy's error in its log.
 */
const resolverOptions = ['timeout:1', 'attempts:3'];

/**
 * compose.hoist.yml, given to compose after the user's file: Caddy on 80/443 (and 443/udp for HTTP/3) in the web
 * service's networks, with its certificates in named volumes; every service's image fully qualified (`postgres:16` is
 * `docker.io/library/postgres:16` on every host, whatever its registries.conf searches); and a size limit on the logs
 * of every service whose logging the user left alone. The user's file itself travels unchanged. Where the kernel can,
 * Caddy's reloads hand waiting connections over instead of resetting them.
 */
export function renderOverlay(project: Pick<ComposeProject, 'services' | 'webNetworks'>, caddyImage: string, host: {migratesQueuedConnections: boolean} = {migratesQueuedConnections: false}): string {
	const services: Record<string, object> = {
		[caddyService]: {
			image: caddyImage,
			restart: 'unless-stopped',
			ports: ['80:80', '443:443', '443:443/udp'],
			volumes: [`${caddyVolumes[0]}:/data`, `${caddyVolumes[1]}:/config`, './hoist-caddy:/etc/caddy:ro'],
			...(project.webNetworks.length === 1 && project.webNetworks[0] === 'default' ? {} : {networks: project.webNetworks}),
			dns_opt: resolverOptions,
			...(host.migratesQueuedConnections ? {sysctls: {[queuedConnectionsMigrate]: 1}} : {}),
			logging: {options: {'max-size': logLimit}},
		},
	};
	for (const service of Object.values(project.services)) {
		// An image already written in full merges to the same configuration, so compose's hash (and the container) stays.
		services[service.name] = {image: qualifiedImage(service.image), ...(service.hasLogging ? {} : {logging: {options: {'max-size': logLimit}}})};
	}
	const overlay = {services, volumes: Object.fromEntries(caddyVolumes.map((name) => [name, {}]))};
	return `# Written by hoist: Caddy in front of the web service, every image by its full name, and a size limit on every service's logs.\n${stringify(overlay)}`;
}
