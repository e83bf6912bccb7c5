// Helpers for end-to-end tests that run against the local sandbox (test/sandbox/up.sh).
import {execFile, spawn} from 'node:child_process';
import {readFileSync, readdirSync, readlinkSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

const execFileAsync = promisify(execFile);

export const sandboxScripts = path.dirname(fileURLToPath(import.meta.url));
export const sandboxDir = process.env['HOIST_SANDBOX_DIR'] ?? '/var/lib/hoist-sandbox';
/** The current Caddy the sandbox's caddy image is built from (current-caddy.sh), for tests that run Caddy itself. */
export const sandboxCaddy = `${process.env['HOIST_SANDBOX_CADDY_DIR'] ?? '/opt/hoist-sandbox/caddy'}/usr/bin/caddy`;

/** Everything `up.sh` writes to `$HOIST_SANDBOX_DIR/env.json` (all values are strings). */
export interface SandboxEnv {
	HOIST_SANDBOX_DIR: string;
	AWS_ENDPOINT_URL_EC2: string;
	AWS_ENDPOINT_URL_STS: string;
	AWS_ENDPOINT_URL_IAM: string;
	/** moto's S3 (the same server as EC2), for `backup.s3`; absent in an env.json written before it was added. */
	AWS_ENDPOINT_URL_S3?: string;
	AWS_REGION: string;
	AWS_ACCESS_KEY_ID: string;
	AWS_SECRET_ACCESS_KEY: string;
	AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: string;
	HOIST_SANDBOX_MOTO_URL: string;
	/** The user's "existing Elastic IP": pre-allocated in moto with the address of the sandbox host. */
	HOIST_SANDBOX_EIP_ALLOCATION_ID: string;
	HOIST_SANDBOX_EIP_ADDRESS: string;
	HOIST_SANDBOX_HOST: string;
	HOIST_SANDBOX_SSH_USER: string;
	/** Public host key of the instance's sshd, and a known_hosts file holding it. */
	HOIST_SANDBOX_HOST_KEY: string;
	HOIST_SANDBOX_KNOWN_HOSTS: string;
	HOIST_SANDBOX_NETNS: string;
	HOIST_SANDBOX_PODMAN_SOCKET: string;
	HOIST_SANDBOX_REGISTRY: string;
	HOIST_SANDBOX_REGISTRY_USER: string;
	HOIST_SANDBOX_REGISTRY_PASSWORD: string;
	HOIST_SANDBOX_REGISTRY_CA: string;
	HOIST_SANDBOX_IMAGE_WEB_V1: string;
	HOIST_SANDBOX_IMAGE_WEB_V2: string;
	/** Like v2, but it needs 5 s before it listens. */
	HOIST_SANDBOX_IMAGE_WEB_V3: string;
	HOIST_SANDBOX_IMAGE_MIGRATE: string;
	HOIST_SANDBOX_IMAGE_CADDY: string;
	HOIST_SANDBOX_COMPOSE_FILE: string;
	/** docker.io as the instance sees it: anonymous and read-only (registries.conf rewrites docker.io to it). */
	HOIST_SANDBOX_DOCKERHUB_MIRROR: string;
	/** Where to push what the mirror serves: `${prefix}/library/NAME:TAG` is pulled as `docker.io/library/NAME:TAG`. */
	HOIST_SANDBOX_DOCKERHUB_PUSH_PREFIX: string;
	/** A compose file that names its images the Docker way (`busybox:stable`, `hoistdemo/web:v1`). */
	HOIST_SANDBOX_SHORT_NAMES_COMPOSE_FILE: string;
	HOIST_SANDBOX_DNS_ZONE: string;
	/** Comma-separated: ns1 (also on 10.77.0.1), ns2. */
	HOIST_SANDBOX_DNS_AUTHORITATIVE: string;
	/** Comma-separated caching resolvers (unbound r1, r2, r3) standing in for public resolvers. */
	HOIST_SANDBOX_DNS_RESOLVERS: string;
	/** The resolver hoist discovers the zone with (unbound, same stub configuration as r1–r3). */
	HOIST_SANDBOX_DNS_BOOTSTRAP: string;
	/** A zone ns1/ns2 are configured for but never load: every name in it answers SERVFAIL. */
	HOIST_SANDBOX_DNS_SERVFAIL_ZONE: string;
	HOIST_SANDBOX_ACME_DIRECTORY: string;
	/** CA of Pebble's HTTPS listener (Caddy's `acme_ca_root`); the same CA signs the registry certificate. */
	HOIST_SANDBOX_ACME_CA: string;
	/** Root that signs the certificates Pebble issues (fetched again on every Pebble start). */
	HOIST_SANDBOX_ACME_ROOT: string;
	HOIST_SANDBOX_DOMAIN: string;
	/** The stand-in for AWS's address echo (extras/checkip.sh): answers a GET with the caller's address. */
	HOIST_SANDBOX_CHECKIP_URL?: string;
	/** A second Pebble whose certificates live HOIST_SANDBOX_ACME_SHORT_VALIDITY seconds (extras/pebble-short.sh). */
	HOIST_SANDBOX_ACME_SHORT_DIRECTORY?: string;
	HOIST_SANDBOX_ACME_SHORT_ROOT?: string;
	HOIST_SANDBOX_ACME_SHORT_VALIDITY?: string;
}

const envKeys = [
	'HOIST_SANDBOX_DIR', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM', 'AWS_REGION',
	'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
	'HOIST_SANDBOX_MOTO_URL', 'HOIST_SANDBOX_EIP_ALLOCATION_ID', 'HOIST_SANDBOX_EIP_ADDRESS', 'HOIST_SANDBOX_HOST',
	'HOIST_SANDBOX_SSH_USER', 'HOIST_SANDBOX_HOST_KEY', 'HOIST_SANDBOX_KNOWN_HOSTS', 'HOIST_SANDBOX_NETNS',
	'HOIST_SANDBOX_PODMAN_SOCKET', 'HOIST_SANDBOX_REGISTRY', 'HOIST_SANDBOX_REGISTRY_USER',
	'HOIST_SANDBOX_REGISTRY_PASSWORD', 'HOIST_SANDBOX_REGISTRY_CA', 'HOIST_SANDBOX_IMAGE_WEB_V1',
	'HOIST_SANDBOX_IMAGE_WEB_V2', 'HOIST_SANDBOX_IMAGE_WEB_V3', 'HOIST_SANDBOX_IMAGE_MIGRATE', 'HOIST_SANDBOX_IMAGE_CADDY', 'HOIST_SANDBOX_COMPOSE_FILE',
	'HOIST_SANDBOX_DOCKERHUB_MIRROR', 'HOIST_SANDBOX_DOCKERHUB_PUSH_PREFIX', 'HOIST_SANDBOX_SHORT_NAMES_COMPOSE_FILE',
	'HOIST_SANDBOX_DNS_ZONE', 'HOIST_SANDBOX_DNS_AUTHORITATIVE', 'HOIST_SANDBOX_DNS_RESOLVERS', 'HOIST_SANDBOX_DNS_BOOTSTRAP',
	'HOIST_SANDBOX_DNS_SERVFAIL_ZONE',
	'HOIST_SANDBOX_ACME_DIRECTORY', 'HOIST_SANDBOX_ACME_CA', 'HOIST_SANDBOX_ACME_ROOT', 'HOIST_SANDBOX_DOMAIN',
] as const satisfies ReadonlyArray<keyof SandboxEnv>;

const extraKeys = [
	'HOIST_SANDBOX_CHECKIP_URL', 'HOIST_SANDBOX_ACME_SHORT_DIRECTORY', 'HOIST_SANDBOX_ACME_SHORT_ROOT', 'HOIST_SANDBOX_ACME_SHORT_VALIDITY',
] as const satisfies ReadonlyArray<keyof SandboxEnv>;

/** Reads env.json as written by the last `up.sh` / `moto-reset.sh` (fresh from disk on every call). */
export function readSandboxEnv(dir: string = sandboxDir): SandboxEnv {
	const raw: unknown = JSON.parse(readFileSync(path.join(dir, 'env.json'), 'utf8'));
	if (typeof raw !== 'object' || raw === null) throw new Error(`${dir}/env.json is not an object`);
	const record = raw as Record<string, unknown>;
	const env: Partial<Record<keyof SandboxEnv, string>> = {};
	for (const key of envKeys) {
		const value = record[key];
		if (typeof value !== 'string' || value === '') throw new Error(`${dir}/env.json lacks ${key}`);
		env[key] = value;
	}
	if (typeof record['AWS_ENDPOINT_URL_S3'] === 'string') env.AWS_ENDPOINT_URL_S3 = record['AWS_ENDPOINT_URL_S3'];
	// Written by the extras that up.sh starts after the others; absent on a sandbox started before they existed.
	for (const key of extraKeys) {
		const value = record[key];
		if (typeof value === 'string' && value !== '') env[key] = value;
	}
	assertSandboxEndpoints(env);
	return env as SandboxEnv;
}

/** The sandbox's environment for a child process (e.g. the hoist CLI), on top of the current one. */
export function sandboxProcessEnv(env: SandboxEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	// hoist init never asks the real address echo from a test: the sandbox's stand-in, or nothing that answers.
	const child: NodeJS.ProcessEnv = {...process.env, ...env, HOIST_ADDRESS_ECHO_URL: env.HOIST_SANDBOX_CHECKIP_URL ?? 'http://127.0.0.1:9/', ...extra};
	delete child['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
	delete child['AWS_PROFILE'];
	return child;
}

/** True for 127.0.0.0/8 and the sandbox's 10.77.0.0/24: the only addresses tests may talk to. */
export function isSandboxAddress(host: string): boolean {
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^10\.77\.0\.\d{1,3}$/.test(host) || host === 'localhost';
}

/** Throws unless every AWS endpoint points at loopback or the sandbox network (never real AWS). */
export function assertSandboxEndpoints(env: Record<string, string | undefined>): void {
	if (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) {
		throw new Error('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set: the SDK would ignore the sandbox endpoints');
	}
	for (const [key, value] of Object.entries(env)) {
		if (!key.startsWith('AWS_ENDPOINT_URL') || value === undefined) continue;
		let host: string;
		try {
			host = new URL(value).hostname;
		} catch {
			throw new Error(`${key}=${value} is not a URL`);
		}
		if (!isSandboxAddress(host)) throw new Error(`${key}=${value} does not point at the local sandbox`);
	}
}

export interface ScriptOutput {
	stdout: string;
	stderr: string;
}

/** Runs a sandbox script (e.g. `up.sh`); rejects with its stderr when it fails. */
export async function runScript(name: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<ScriptOutput> {
	try {
		return await execFileAsync(path.join(sandboxScripts, name), args, {env, maxBuffer: 16 * 1024 * 1024});
	} catch (error) {
		const e = error as {stderr?: string; message: string};
		throw new Error(`${name} ${args.join(' ')} failed: ${e.stderr ?? ''}\n${e.message}`, {cause: error});
	}
}

/** Runs a script with its output shown live (for up/down in the global setup). Resolves with the exit code. */
export function runScriptVisible(name: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<number> {
	return new Promise((resolve, reject) => {
		const child = spawn(path.join(sandboxScripts, name), args, {env, stdio: ['ignore', 'inherit', 'inherit']});
		child.on('error', reject);
		child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
	});
}

export type DnsServer = 'ns1' | 'ns2' | 'r1' | 'r2' | 'r3' | 'bootstrap';
/**
 * Server sets of dns-record.sh. Records are changed on the authoritative servers (auth, ns1, ns2; `all` = auth and
 * then every resolver's cache flushed); resolvers only cache what those answer.
 */
export type DnsServers = 'auth' | 'resolvers' | 'all' | DnsServer;

/** Replaces NAME's TYPE records on the given servers; the next query sees the change. */
export async function setDnsRecord(servers: DnsServers, name: string, type: string, value: string, ttl = 60): Promise<void> {
	await runScript('dns-record.sh', [servers, 'set', name, type, value, String(ttl)]);
}

/** Adds one record to NAME's TYPE records (the others stay), e.g. a third NS of the zone. */
export async function addDnsRecord(servers: DnsServers, name: string, type: string, value: string, ttl = 60): Promise<void> {
	await runScript('dns-record.sh', [servers, 'add', name, type, value, String(ttl)]);
}

/** Removes the one record addDnsRecord added. */
export async function removeDnsRecord(servers: DnsServers, name: string, type: string, value: string): Promise<void> {
	await runScript('dns-record.sh', [servers, 'remove', name, type, value]);
}

export async function deleteDnsRecord(servers: DnsServers, name: string, type: string): Promise<void> {
	await runScript('dns-record.sh', [servers, 'delete', name, type]);
}

/** Sets the SOA MINIMUM on the given servers, i.e. the TTL of their negative answers (RFC 2308). */
export async function setNegativeTtl(servers: DnsServers, seconds: number): Promise<void> {
	await runScript('dns-record.sh', [servers, 'negative-ttl', String(seconds)]);
}

/** Replaces NAME's A (or TXT) records with COUNT of them: 300 A or 120 TXT make an answer over 4 KB. */
export async function fillDnsRecords(servers: DnsServers, name: string, count: number, type: 'A' | 'TXT' = 'A'): Promise<void> {
	await runScript('dns-record.sh', [servers, 'fill', name, String(count), type]);
}

/** Empties the resolvers' caches for NAME and below (default: everything). */
export async function flushResolvers(servers: DnsServers = 'resolvers', name?: string): Promise<void> {
	await runScript('dns-record.sh', [servers, 'flush', ...(name === undefined ? [] : [name])]);
}

export interface LoggedQuery {
	server: DnsServer;
	/** ms since the epoch (unbound logs whole seconds). */
	at: number;
	/** udp | tcp (knotd); "-" for unbound, which does not log it. */
	protocol: string;
	client: string;
	/** As logged: absolute, with the trailing dot. */
	name: string;
	type: string;
}

/** Where each server's query log is: byte offsets taken by queryLogMark. */
export type QueryLogMark = Record<DnsServer, number>;

const dnsServerNames: DnsServer[] = ['ns1', 'ns2', 'r1', 'r2', 'r3', 'bootstrap'];

export function queryLogPath(server: DnsServer, dir: string = sandboxDir): string {
	return path.join(dir, 'run', `dns-${server}.queries.log`);
}

function fileSize(file: string): number {
	try {
		return statSync(file).size;
	} catch {
		return 0;
	}
}

/** Waits until knotd's query logs hold every query made so far (they are flushed about once a second). */
export async function syncQueryLogs(): Promise<void> {
	await runScript('dns-record.sh', ['auth', 'sync']);
}

/** "Now" in every query log: the queries logged after this mark are the ones made after it. */
export async function queryLogMark(dir: string = sandboxDir): Promise<QueryLogMark> {
	await syncQueryLogs();
	return Object.fromEntries(dnsServerNames.map((server) => [server, fileSize(queryLogPath(server, dir))])) as QueryLogMark;
}

/** Parses one query log line of knotd's collector or of unbound (other unbound lines give undefined). */
export function parseQueryLogLine(server: DnsServer, line: string): LoggedQuery | undefined {
	const knot = /^(\d+) (\S+) (\S+) (\S+) (\S+)$/.exec(line);
	if (knot) {
		const [, at = '0', protocol = '', client = '', name = '', type = ''] = knot;
		return name.startsWith('_sync-') ? undefined : {server, at: Number(at), protocol, client, name, type};
	}
	const unbound = /^\[(\d+)\] unbound\[[^\]]*\] info: (\S+) (\S+) (\S+) IN$/.exec(line);
	if (unbound) {
		const [, at = '0', client = '', name = '', type = ''] = unbound;
		return {server, at: Number(at) * 1000, protocol: '-', client, name, type};
	}
	return undefined;
}

export interface QueriesSinceOptions {
	/** Only queries for this name (any case, with or without the trailing dot). */
	name?: string;
	/** Wait for knotd's logs to catch up first (default true; about a second). Pass false right after a sync. */
	sync?: boolean;
	dir?: string;
}

/** The queries SERVER logged since MARK, oldest first. */
export async function queriesSince(mark: QueryLogMark, server: DnsServer, options: QueriesSinceOptions = {}): Promise<LoggedQuery[]> {
	const {name, sync = true, dir = sandboxDir} = options;
	if (sync && (server === 'ns1' || server === 'ns2')) await syncQueryLogs();
	let text: string;
	try {
		text = readFileSync(queryLogPath(server, dir)).subarray(mark[server]).toString('utf8');
	} catch {
		return [];
	}
	const wanted = name?.replace(/\.?$/, '.').toLowerCase();
	return text.split('\n').map((line) => parseQueryLogLine(server, line))
		.filter((entry): entry is LoggedQuery => entry !== undefined && (wanted === undefined || entry.name.toLowerCase() === wanted))
		.sort((a, b) => a.at - b.at);
}

/** Gives the instance a new SSH host key (sshd keeps running); returns the new public key ("ssh-ed25519 AAAA…"). */
export async function rotateHostKey(): Promise<string> {
	return (await runScript('rotate-host-key.sh')).stdout.trim();
}

/** Stops or starts the instance's sshd: nothing answers on port 22 while it is stopped. */
export async function setSshd(action: 'stop' | 'start'): Promise<void> {
	await runScript('sshd.sh', [action]);
}

/** Stops or starts the short-lived Pebble: connections to it are refused while it is stopped; a start makes a new root. */
export async function setShortPebble(action: 'stop' | 'start'): Promise<void> {
	await runScript('extras/pebble-short.sh', action === 'stop' ? ['--stop'] : []);
}

/** Lets the instance's `alpine` log in with this public key, without any EC2 key pair (a user's own server). */
export async function authorizeKey(publicKeyFile: string): Promise<void> {
	await runScript('authorize-key.sh', ['add', publicKeyFile]);
}

/** Forgets every key authorizeKey added. */
export async function clearAuthorizedKeys(): Promise<void> {
	await runScript('authorize-key.sh', ['clear']);
}

/** Wipes the host as a terminated instance would be (containers, volumes, networks, /srv/hoist), now. */
export async function wipeInstance(): Promise<void> {
	await runScript('instance-reset.sh');
}

/**
 * Resets moto (new empty account, auth emulation off), re-allocates the 10.77.0.2 Elastic IP and rewrites env.json.
 * Returns the allocation id, which is the same after every reset.
 */
export async function resetMoto(): Promise<string> {
	return (await runScript('moto-reset.sh')).stdout.trim();
}

/** POST to moto's /moto-api/<path> (reset-auth, seed, …). The body is sent as text/plain, which moto requires. */
export async function motoApi(apiPath: string, body?: string, env: SandboxEnv = readSandboxEnv()): Promise<string> {
	const response = await fetch(`${env.HOIST_SANDBOX_MOTO_URL}/moto-api/${apiPath}`, {
		method: 'POST',
		headers: {'Content-Type': 'text/plain'},
		...(body === undefined ? {} : {body}),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`moto-api ${apiPath}: ${response.status} ${text}`);
	return text;
}

/** ssh as the instance's cloud user, verifying the host key against the sandbox known_hosts. */
export function sshArgs(env: SandboxEnv, identityFile: string, knownHosts = env.HOIST_SANDBOX_KNOWN_HOSTS): string[] {
	return [
		'-F', '/dev/null', '-i', identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
		'-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5',
		'-o', 'LogLevel=ERROR', `${env.HOIST_SANDBOX_SSH_USER}@${env.HOIST_SANDBOX_HOST}`,
	];
}

export interface CommandResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs a command, never rejecting: the exit code is part of the result. */
export function run(command: string, args: string[], options: {input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<CommandResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.stdin.on('error', () => undefined); // EPIPE when the command does not read its input
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code: code ?? (signal ? 128 : 1), stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});
}

/** Runs a command over SSH on the instance. */
export function ssh(env: SandboxEnv, identityFile: string, command: string, input?: string): Promise<CommandResult> {
	return run('ssh', [...sshArgs(env, identityFile), command], input === undefined ? {} : {input});
}

/** Podman inside the instance, as the instance's root would run it (own config and storage, instance netns). */
export function instancePodman(env: SandboxEnv, args: string[], input?: string): Promise<CommandResult> {
	const dir = env.HOIST_SANDBOX_DIR;
	return run('nsenter', [
		`--net=/run/netns/${env.HOIST_SANDBOX_NETNS}`, 'env', `CONTAINERS_CONF=${dir}/instance/containers.conf`,
		`CONTAINERS_STORAGE_CONF=${dir}/instance/storage.conf`, `CONTAINERS_REGISTRIES_CONF=${dir}/instance/registries.conf`,
		`HOME=${dir}/instance/root`, 'podman', ...args,
	], input === undefined ? {} : {input});
}

/** Environment for podman on the host ("developer machine") side: the sandbox's separate build store. */
export function hostPodmanEnv(env: SandboxEnv, authFile: string): NodeJS.ProcessEnv {
	const dir = env.HOIST_SANDBOX_DIR;
	return {
		...process.env,
		CONTAINERS_CONF: `${dir}/build/containers.conf`,
		CONTAINERS_STORAGE_CONF: `${dir}/build/storage.conf`,
		CONTAINERS_REGISTRIES_CONF: `${dir}/build/registries.conf`,
		REGISTRY_AUTH_FILE: authFile,
	};
}

export interface DigAnswer {
	status: string;
	flags: string[];
	answer: Array<{name: string; ttl: number; type: string; data: string}>;
	authority: Array<{name: string; ttl: number; type: string; data: string}>;
}

/** One DNS query with dig (RD off unless `recurse`), parsed: status, header flags, answer and authority records. */
export async function dig(server: string, name: string, type: string, recurse = false): Promise<DigAnswer> {
	const result = await run('dig', [
		`@${server}`, name, type, recurse ? '+rec' : '+norec', '+time=2', '+tries=1', '+noall', '+comments', '+answer', '+authority',
	]);
	if (result.code !== 0) throw new Error(`dig @${server} ${name} ${type}: ${result.stdout}${result.stderr}`);
	const status = /status: ([A-Z]+)/.exec(result.stdout)?.[1] ?? 'NONE';
	const flags = (/;; flags: ([a-z ]+);/.exec(result.stdout)?.[1] ?? '').trim().split(/\s+/);
	const records = (section: string) => {
		const block = new RegExp(`;; ${section} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(result.stdout)?.[1] ?? '';
		return block.split('\n').filter((line) => line.trim() !== '').map((line) => {
			const [recordName = '', ttl = '0', , recordType = '', ...data] = line.split(/\s+/);
			return {name: recordName, ttl: Number(ttl), type: recordType, data: data.join(' ')};
		});
	};
	return {status, flags, answer: records('ANSWER'), authority: records('AUTHORITY')};
}

/** Pids (with start times) of the daemons up.sh recorded in the manifest. */
export function recordedDaemons(dir: string = sandboxDir): Array<{name: string; pid: number; start: string}> {
	let manifest: string;
	try {
		manifest = readFileSync(path.join(dir, 'manifest'), 'utf8');
	} catch {
		return [];
	}
	return manifest.split('\n').filter((line) => line.startsWith('pid ')).map((line) => {
		const [, name = '', pid = '0', start = ''] = line.split(' ');
		return {name, pid: Number(pid), start};
	});
}

/** Start time (clock ticks since boot) of a live pid; undefined when there is no such process or it is a zombie. */
export function processStart(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return fields[0] === 'Z' ? undefined : fields[19];
	} catch {
		return undefined;
	}
}

/**
 * Processes that belong to the sandbox: recorded daemons, or any process whose root or command line is in the sandbox
 * dir (except vitest and commands waiting on /tmp/hoist-sandbox.lock, the lock checkouts sharing the machine take).
 */
export function sandboxProcesses(dir: string = sandboxDir): string[] {
	const found: string[] = [];
	for (const daemon of recordedDaemons(dir)) {
		if (processStart(daemon.pid) === daemon.start) found.push(`${daemon.pid} ${daemon.name} (recorded)`);
	}
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			const root = readlinkSync(`/proc/${entry}/root`);
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
			if (cmdline.includes('vitest') || cmdline === '') continue;
			// Commands of other checkouts waiting for the shared sandbox lock name the sandbox dir but are not part of it.
			if (/\bflock\b.*hoist-sandbox\.lock/.test(cmdline)) continue;
			if (root.startsWith(`${dir}/`) || cmdline.includes(`${dir}/`)) found.push(`${entry} ${cmdline}`);
		} catch {
			// the process ended while we looked
		}
	}
	return found;
}

export interface MachineState {
	netns: string;
	links: string;
	addresses: string;
	routes: string;
	iptables: string;
	nftables: string;
	ipForward: string;
	users: string;
	doasConf: string;
	containersCertsD: string;
	runDirs: string;
}

/**
 * What the sandbox may change on the machine, normalised for comparison (packet counters stripped).
 * Taken before `up` and after `down`, the two must be equal.
 */
export async function machineState(): Promise<MachineState> {
	const text = async (command: string, args: string[]) => {
		const result = await run(command, args).catch(() => undefined); // a tool that is not installed
		return result === undefined ? '<no command>' : result.code === 0 ? result.stdout : `exit ${result.code}`;
	};
	const readOr = (file: string) => {
		try {
			return readFileSync(file, 'utf8');
		} catch {
			return '<absent>';
		}
	};
	const list = (dir: string) => {
		try {
			return readdirSync(dir).sort().join(' ');
		} catch {
			return '<absent>';
		}
	};
	const links = (await text('ip', ['-o', 'link', 'show'])).split('\n').map((line) => line.split(':')[1]?.trim() ?? '').join(' ');
	return {
		netns: list('/run/netns'),
		links,
		addresses: (await text('ip', ['-o', 'addr', 'show'])).replace(/valid_lft.*$/gm, ''),
		routes: await text('ip', ['route', 'show', 'table', 'all']),
		iptables: (await text('iptables-save', [])).split('\n').filter((line) => !line.startsWith('#')).join('\n').replace(/\[\d+:\d+\]/g, ''),
		nftables: (await text('nft', ['list', 'ruleset'])).replace(/packets \d+ bytes \d+/g, ''),
		ipForward: readOr('/proc/sys/net/ipv4/ip_forward'),
		users: ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/subuid', '/etc/subgid'].map(readOr).join('\n'),
		doasConf: readOr('/etc/doas.conf'),
		containersCertsD: list('/etc/containers/certs.d'),
		runDirs: list('/run') + (statSafe('/var/lib/containers') ? ' +/var/lib/containers' : ''),
	};
}

function statSafe(file: string): boolean {
	try {
		statSync(file);
		return true;
	} catch {
		return false;
	}
}
