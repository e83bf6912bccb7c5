/**
 * The rehearsal's stand-ins on the practice server, as pure builders: the files they run from (templates/rehearsal/),
 * and every command that starts, changes, links or removes them. Steps and commands run what these return.
 */
import {isIPv6} from 'node:net';
import {composeProject, podmanSocket, serverRoot, stackPaths} from '../server/layout.js';
import {caddyService} from '../server/overlay.js';
import {fillTemplate, readTemplate} from '../server/templates.js';
import {networksOf, pinBridges} from '../server/commands/bridges.js';
import type {ComposeTool} from '../server/commands/compose.js';
import type {RemoteCommand} from '../remote/commands/command.js';
import {sh} from '../remote/commands/quote.js';
import type {Pitfall} from './pitfalls.js';
import {initialRecords, type ZoneRecord} from './records.js';

/** Pebble's management port (its current root is served there), published on the practice server's address. */
export const acmeManagementPort = 15000;
/** Pebble's ACME port, reached by Caddy inside the stack's network under this name (its certificate names it). */
export const acmeDirectory = 'https://pebble:14000/dir';
export const acmeAlias = 'pebble';
/** Where the published Pebble images keep the CA that signed their listener's certificate. */
export const acmeListenerCaPath = '/test/certs/pebble.minica.pem';
/** How long a resolver keeps "does not exist" for a rehearsal name: long enough to see the countdown, short to wait out. */
export const rehearsalNegativeTtl = 60;

export interface StandIns {
	/** The rehearsal's stack (its own compose project), e.g. shop-rehearsal. */
	stack: string;
	/** The practice server's own address: the stand-ins bind it, the A records hold it. */
	address: string;
	dnsPort: number;
	/** The names the stack serves (domain first), and the zones that hold them. */
	names: string[];
	zones: string[];
	images: {dns: string; acme: string};
	pitfall: Pitfall;
}

/** One authoritative stand-in: compose service, label in the watcher, port on the server's address. */
export interface DnsStandIn {
	service: string;
	name: string;
	port: number;
}

export function standInsProject(stack: string): string {
	return `${stack}-standins`;
}

export function standInsDir(stack: string): string {
	return `${serverRoot}/${standInsProject(stack)}`;
}

/** The DNS stand-ins: one, or two that disagree for `--pitfall stale` (the second on the next port). */
export function dnsStandIns(standIns: Pick<StandIns, 'dnsPort' | 'pitfall'>): DnsStandIn[] {
	const first = {service: 'dns', name: 'ns1', port: standIns.dnsPort};
	return standIns.pitfall === 'stale' ? [first, {service: 'dns-stale', name: 'ns2', port: standIns.dnsPort + 1}] : [first];
}

/** The ports the rehearsal needs on the practice server's address, for the check that nothing else holds them. */
export function neededPorts(standIns: Pick<StandIns, 'dnsPort' | 'pitfall'>): Array<{port: number; proto: 'tcp' | 'udp'; what: string; service?: string}> {
	return [
		{port: 80, proto: 'tcp', what: 'Caddy (HTTP)'},
		{port: 443, proto: 'tcp', what: 'Caddy (HTTPS)'},
		// The DNS stand-ins listen in the host's network (no published port): their own listener is told by their service.
		...dnsStandIns(standIns).flatMap((server) => (['udp', 'tcp'] as const).map((proto) => ({port: server.port, proto, what: `the rehearsal DNS (${server.name})`, service: server.service}))),
		{port: acmeManagementPort, proto: 'tcp', what: 'the rehearsal CA\'s management port'},
	];
}

export interface StandInFile {
	path: string;
	content: string;
	mode: number;
}

/** Everything the stand-ins run from, in their own directory; the zones start with the pitfall's records. */
export function standInFiles(standIns: StandIns): StandInFile[] {
	const dir = standInsDir(standIns.stack);
	const servers = dnsStandIns(standIns);
	const zoneList = standIns.zones.map((zone) => `  - domain: ${zone}`).join('\n');
	const files: StandInFile[] = [
		{path: `${dir}/compose.yml`, mode: 0o644, content: fillTemplate(readTemplate('rehearsal/standins.compose.yml'), {
			STACK: standIns.stack, DNS_IMAGE: standIns.images.dns, ACME_IMAGE: standIns.images.acme, ADDRESS: standIns.address,
			DNS_SERVER: isIPv6(standIns.address) ? `[${standIns.address}]:${standIns.dnsPort}` : `${standIns.address}:${standIns.dnsPort}`,
			ACME_MGMT_PORT: String(acmeManagementPort),
		})},
		{path: `${dir}/pebble.json`, mode: 0o644, content: fillTemplate(readTemplate('rehearsal/pebble.json'), {})},
	];
	if (standIns.pitfall === 'stale') {
		files.push({path: `${dir}/compose.stale.yml`, mode: 0o644, content: fillTemplate(readTemplate('rehearsal/standins-stale.compose.yml'), {
			DNS_IMAGE: standIns.images.dns,
		})});
	}
	for (const server of servers) {
		files.push({path: `${dir}/${server.service}/knot.conf`, mode: 0o644, content: fillTemplate(readTemplate('rehearsal/knot.conf'), {ZONES: zoneList, LISTEN: `${standIns.address}@${server.port}`})});
		for (const zone of standIns.zones) {
			const records = initialRecords(standIns, server.name).filter((record) => inZone(record.name, zone));
			files.push({path: `${dir}/${server.service}/${zone}.zone`, mode: 0o644, content: zoneFile(zone, standIns.address, servers, records)});
		}
	}
	return files;
}

function inZone(name: string, zone: string): boolean {
	return name === zone || name.endsWith(`.${zone}`);
}

function zoneFile(zone: string, address: string, servers: DnsStandIn[], records: ZoneRecord[]): string {
	return fillTemplate(readTemplate('rehearsal/zone'), {
		ZONE: zone,
		NEGATIVE_TTL: String(rehearsalNegativeTtl),
		NAMESERVERS: servers.map((server) => `@       IN NS   ${server.name}.${zone}.\n${server.name}     IN A    ${address}`).join('\n'),
		RECORDS: records.map((record) => `${record.name}. ${record.ttl} IN ${record.type} ${record.value}`).join('\n'),
	});
}

/** Compose for the stand-ins: their directory, their project, Podman's API, the rehearsal stack's registry login. */
function composeLine(tool: ComposeTool, standIns: Pick<StandIns, 'stack' | 'pitfall'>, args: string[]): string {
	return [
		`cd ${sh(standInsDir(standIns.stack))}`,
		`DOCKER_HOST=${sh(`unix://${podmanSocket}`)} DOCKER_CONFIG=${sh(stackPaths(standIns.stack).dockerConfig)} ${sh(
			...tool.command, '-p', standInsProject(standIns.stack), '-f', 'compose.yml', ...(standIns.pitfall === 'stale' ? ['-f', 'compose.stale.yml'] : []), ...args,
		)}`,
	].join(' && ');
}

export function standInsUp(tool: ComposeTool, standIns: StandIns): RemoteCommand {
	return {root: true, title: 'start the rehearsal DNS and CA', line: composeLine(tool, standIns, ['up', '-d', '--remove-orphans'])};
}

/**
 * Removes the stand-ins' containers (their volumes too unless kept) and their directory. Without compose (a server
 * that lost it) Podman's own commands by the project's label do the same; a project that is gone is no error.
 */
export function standInsDown(stack: string, keepVolumes: boolean): RemoteCommand {
	const label = sh('--filter', `label=com.docker.compose.project=${standInsProject(stack)}`);
	return {
		root: true,
		title: 'remove the rehearsal DNS and CA',
		line: [
			`ids=$(podman ps -aq ${label})`,
			'if [ -n "$ids" ]; then podman rm -f -t 2 $ids >/dev/null; fi',
			...(keepVolumes ? [] : [`vols=$(podman volume ls -q ${label})`, 'if [ -n "$vols" ]; then podman volume rm -f $vols >/dev/null; fi']),
			`nets=$(podman network ls -q ${label})`,
			'if [ -n "$nets" ]; then podman network rm -f $nets >/dev/null; fi',
			`rm -rf ${sh(standInsDir(stack))}`,
		].join('\n'),
	};
}

/** The running container of a stand-in service, by compose's labels (v1 and v2 name containers differently). */
function containerOf(stack: string, service: string): string {
	return `$(podman ps -q ${sh('--filter', `label=com.docker.compose.project=${standInsProject(stack)}`, '--filter', `label=com.docker.compose.service=${service}`)} | head -n 1)`;
}

/** Exit code of a zone command when the stand-in is not running: the caller says so in words. */
export const notRunningExit = 3;

/** One knotc command; a tolerant one may fail (unsetting a record set that is not there is an error to knotc). */
interface Knotc {
	words: string[];
	tolerant?: boolean;
}

/** knotc in each given DNS stand-in; the first failure aborts that server's open transaction and stops. */
function knotc(stack: string, servers: DnsStandIn[], zone: string, commands: Knotc[]): string {
	const run = (words: string[]) => `podman exec "$c" knotc -s /rundir/knot.sock ${sh(...words)}`;
	return servers.map((server) => [
		`c=${containerOf(stack, server.service)}`,
		`if [ -z "$c" ]; then echo ${sh(`hoist: the rehearsal DNS ${server.name} is not running`)} >&2; exit ${notRunningExit}; fi`,
		...commands.map(({words, tolerant}) => (tolerant
			? `${run(words)} >/dev/null 2>&1 || true`
			: `${run(words)} >/dev/null || { ${run(['zone-abort', zone])} >/dev/null 2>&1; exit 1; }`)),
	].join('\n')).join('\n');
}

export interface ZoneChange {
	action: 'set' | 'delete';
	zone: string;
	record: Omit<ZoneRecord, 'ttl' | 'value'> & {ttl?: number; value?: string};
}

/** One record set replaced (set) or removed (delete), in one transaction per server: a reader never sees half of it. */
export function changeZone(stack: string, servers: DnsStandIn[], change: ZoneChange): RemoteCommand {
	const {zone, record} = change;
	const owner = `${record.name}.`;
	const commands: Knotc[] = [
		{words: ['zone-begin', zone]},
		{words: ['zone-unset', zone, owner, record.type], tolerant: true},
		...(change.action === 'set' ? [{words: ['zone-set', zone, owner, String(record.ttl ?? 60), record.type, ...splitValue(record.value ?? '')]}] : []),
		{words: ['zone-commit', zone]},
	];
	return {root: true, title: `${change.action} ${record.type} ${record.name} in the rehearsal zone`, line: knotc(stack, servers, zone, commands)};
}

/** A record's value as knotc takes it: separate words, quoted strings kept whole (CAA 0 issue "letsencrypt.org"). */
function splitValue(value: string): string[] {
	return [...value.matchAll(/"[^"]*"|\S+/g)].map((match) => match[0]);
}

/** The zones as the first DNS stand-in holds them now: one `[zone] owner ttl type value` line per record. */
export function listZones(stack: string, server: DnsStandIn, zones: string[]): RemoteCommand {
	return {
		root: true,
		title: 'read the rehearsal zone',
		line: [
			`c=${containerOf(stack, server.service)}`,
			`if [ -z "$c" ]; then echo ${sh(`hoist: the rehearsal DNS ${server.name} is not running`)} >&2; exit ${notRunningExit}; fi`,
			...zones.map((zone) => `podman exec "$c" knotc -s /rundir/knot.sock ${sh('zone-read', zone)}`),
		].join('\n'),
	};
}

/** The CA that signed Pebble's listener certificate, copied out of its image (Caddy trusts it for the ACME endpoint). */
export function readListenerCa(stack: string): RemoteCommand {
	const copy = `${standInsDir(stack)}/acme-listener-ca.pem`;
	return {
		root: true,
		title: 'read the rehearsal CA\'s listener certificate',
		line: [
			`c=${containerOf(stack, 'acme')}`,
			`if [ -z "$c" ]; then echo ${sh('hoist: the rehearsal CA is not running')} >&2; exit ${notRunningExit}; fi`,
			`podman cp "$c":${sh(acmeListenerCaPath)} ${sh(copy)} && cat ${sh(copy)}`,
		].join('\n'),
	};
}

/**
 * Puts Pebble into each network of the stack's Caddy under the name its certificate carries, so Caddy reaches the ACME
 * endpoint by name, verified (the stand-ins are their own compose project; the stack's network exists only after the
 * deploy). Prints one line per network: `has NET`, `linked NET`, or on a dry run `missing NET`.
 */
export function linkAcmeToCaddy(stack: string, options: {dryRun: boolean}): RemoteCommand {
	const connect = options.dryRun ? 'echo "missing $net"' : `podman network connect --alias ${sh(acmeAlias)} "$net" "$acme" >/dev/null && echo "linked $net" || exit 1`;
	return {
		root: true,
		title: 'connect the rehearsal CA to the stack\'s network',
		line: [
			`caddy=$(podman ps -q ${sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`, '--filter', `label=com.docker.compose.service=${caddyService}`)} | head -n 1)`,
			`acme=${containerOf(stack, 'acme')}`,
			`if [ -z "$caddy" ] || [ -z "$acme" ]; then echo ${sh('hoist: Caddy or the rehearsal CA is not running')} >&2; exit ${notRunningExit}; fi`,
			`have=" $(${networksOf('"$acme"')}) "`,
			...(options.dryRun ? [] : [pinBridges('"$caddy"')]),
			`for net in $(${networksOf('"$caddy"')}); do case "$have" in *" $net "*) echo "has $net" ;; *) ${connect} ;; esac; done`,
		].join('\n'),
	};
}

/** Takes the CA out of every network but its own project's, so the stack's network can be removed (`--end`). */
export function unlinkAcme(stack: string): RemoteCommand {
	return {
		root: true,
		title: 'disconnect the rehearsal CA from the stack\'s network',
		line: [
			`acme=${containerOf(stack, 'acme')}`,
			'if [ -z "$acme" ]; then exit 0; fi',
			`for net in $(${networksOf('"$acme"')}); do case "$net" in ${sh(`${standInsProject(stack)}_`)}*) ;; *) podman network disconnect -f "$net" "$acme" >/dev/null ;; esac; done`,
		].join('\n'),
	};
}

/** Where the server keeps which rehearsal root Caddy's certificates and ACME account belong to (its sha256). */
function caddyRootMark(stack: string): string {
	return `${stackPaths(stack).caddyDir}/rehearsal-root.sha256`;
}

/** The sha256 of the rehearsal root Caddy's ACME state belongs to, or nothing when none was recorded. */
export function readCaddyRootMark(stack: string): RemoteCommand {
	return {root: true, title: 'see which rehearsal CA Caddy\'s certificates come from', line: `cat ${sh(caddyRootMark(stack))} 2>/dev/null || true`};
}

/**
 * After the rehearsal CA started again (a new root: another pitfall, a reboot), the certificates Caddy holds from the
 * old one chain to nothing hoist trusts, and its ACME account is one the new CA never heard of ("accountDoesNotExist"):
 * its stored certificates and ACME account for the rehearsal go (in its data volume, from the host: the image may
 * have no shell), it restarts when anything went, and the server records the root they now belong to.
 */
export function forgetCaddyCertificates(stack: string, rootSha256: string): RemoteCommand {
	const label = (service: string) => sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`, '--filter', `label=com.docker.compose.service=${service}`);
	return {
		root: true,
		title: 'make Caddy forget the old rehearsal CA\'s certificates',
		line: [
			`caddy=$(podman ps -q ${label(caddyService)} | head -n 1)`,
			'if [ -z "$caddy" ]; then exit 0; fi',
			'forgot=',
			`for v in $(podman volume ls -q ${sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`)}); do case "$v" in *hoist_caddy_data) d=$(podman volume inspect --format '{{.Mountpoint}}' "$v") || exit 1; for p in "$d/caddy/certificates" "$d/caddy/acme"; do if [ -e "$p" ]; then rm -rf "$p"; forgot=1; fi; done ;; esac; done`,
			// Only when something went: a restart makes the network's DNS reload, and the CA resolves the rehearsal DNS by name.
			`if [ -n "$forgot" ]; then ${pinBridges('"$caddy"')}; podman restart -t 2 "$caddy" >/dev/null; fi`,
			`printf '%s\\n' ${sh(rootSha256)} >${sh(caddyRootMark(stack))}`,
		].join('\n'),
	};
}

/** What listens on the server (ss, or busybox netstat on Alpine) and what Podman publishes, by compose project. */
export function portListing(): RemoteCommand {
	return {
		root: true,
		title: 'see which ports are in use',
		line: [
			'{ ss -Hltun 2>/dev/null || netstat -ltun 2>/dev/null; } | sed \'s/^/L /\'',
			'podman ps --format \'{{index .Labels "com.docker.compose.project"}}|{{.Ports}}\' 2>/dev/null | sed \'s/^/P /\'',
			'podman ps --format \'{{index .Labels "com.docker.compose.project"}}|{{index .Labels "com.docker.compose.service"}}\' 2>/dev/null | sed \'s/^/S /\'',
			'true',
		].join('\n'),
	};
}
