// Test helpers for the server templates: a fake root with recording shims (bootstrap.sh), a simulated podman on
// a fake clock (health-scheduler.sh), and the sandbox instance's podman environment (real runs).
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {run, type CommandResult, type SandboxEnv} from '../sandbox/sandbox.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const templates = path.join(repoRoot, 'templates');
export const shimDir = path.join(repoRoot, 'test/scripts/shims');
export const bootstrapScript = path.join(templates, 'bootstrap.sh');
export const schedulerScript = path.join(templates, 'health-scheduler.sh');
/** busybox ash stands in for Alpine's /bin/sh (Debian's busybox-static; see shims/applets.sh for how it differs). */
export const busybox = '/bin/busybox';

export function tempDir(prefix: string): string {
	return mkdtempSync(path.join(os.tmpdir(), `hoist-${prefix}-`));
}

/** Writes FILE (making its directory), optionally with a mode. */
export function put(file: string, content: string, mode?: number): void {
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, content);
	if (mode !== undefined) chmodSync(file, mode);
}

export function readOr(file: string, fallback = ''): string {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return fallback;
	}
}

/**
 * A fake server for bootstrap.sh: `root` is its HOIST_ROOT, `bin` the only directory on its PATH (one shim.sh
 * link per command that "exists" on the host), `state` what the shims report, `log` every shimmed call.
 */
export interface FakeHost {
	dir: string;
	root: string;
	bin: string;
	state: string;
	log: string;
}

export interface FakeHostOptions {
	osRelease: string;
	/** Commands present on the host (links to shim.sh). */
	commands: string[];
	memTotalKb?: number;
	pid1?: string;
	systemd?: boolean;
	repositories?: string;
	fstab?: string;
	/** Lines after the header of /proc/swaps. */
	swaps?: string[];
	hostConf?: string;
	/** Installed packages as the package manager reports them. */
	apkInstalled?: string[];
	dpkgInstalled?: string[];
	aptAvailable?: string[];
	/** Shim state files to create empty (e.g. "socket-up", "started/podman"). */
	flags?: string[];
	/** Lines "<glob>\t<exit code>\t<message>": calls that fail. */
	failures?: string[];
	tinyCloud?: {complete: boolean; userDataExit?: number; userDataLog?: string};
	/** The version /usr/libexec/podman/netavark reports (Alpine's podman installs it), or none there. */
	netavark?: string;
}

export const alpineRelease = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n';
export const debianRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
export const ubuntuRelease = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n';
export const alpineRepositories = 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n#https://dl-cdn.alpinelinux.org/alpine/v3.20/community\n';

export function fakeHost(options: FakeHostOptions): FakeHost {
	const dir = tempDir('fakehost');
	const host: FakeHost = {dir, root: path.join(dir, 'root'), bin: path.join(dir, 'bin'), state: path.join(dir, 'state'), log: path.join(dir, 'calls.log')};
	const {root, state} = host;
	for (const d of [host.bin, state, `${root}/etc/runlevels/sysinit`, `${root}/etc/runlevels/boot`, `${root}/etc/runlevels/default`, `${root}/tmp`]) {
		mkdirSync(d, {recursive: true});
	}
	for (const command of options.commands) symlinkSync(path.join(shimDir, 'shim.sh'), path.join(host.bin, command));
	put(`${root}/etc/os-release`, options.osRelease);
	put(`${root}/proc/meminfo`, `MemTotal:       ${options.memTotalKb ?? 985_000} kB\nMemFree:          500000 kB\n`);
	put(`${root}/proc/swaps`, ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority', ...(options.swaps ?? [])].join('\n') + '\n');
	put(`${root}/proc/1/comm`, `${options.pid1 ?? 'init'}\n`);
	put(`${root}/etc/fstab`, options.fstab ?? 'UUID=0b8d-root / ext4 rw,relatime 0 1\n');
	if (options.repositories !== undefined) put(`${root}/etc/apk/repositories`, options.repositories);
	if (options.systemd) mkdirSync(`${root}/run/systemd/system`, {recursive: true});
	if (options.hostConf !== undefined) put(`${root}/etc/hoist/host.conf`, options.hostConf);
	put(`${state}/apk-installed`, (options.apkInstalled ?? []).map((p) => `${p}\n`).join(''));
	put(`${state}/dpkg-installed`, (options.dpkgInstalled ?? []).map((p) => `${p}\n`).join(''));
	put(`${state}/apt-available`, (options.aptAvailable ?? []).map((p) => `${p}\n`).join(''));
	for (const flag of options.flags ?? []) put(path.join(state, flag), '');
	if (options.failures) put(`${state}/fail`, options.failures.map((line) => `${line}\n`).join(''));
	if (options.tinyCloud) {
		put(`${root}/sbin/tiny-cloud`, '#!/bin/sh\n', 0o755);
		if (options.tinyCloud.complete) put(`${root}/var/lib/cloud/.bootstrap-complete`, '');
		if (options.tinyCloud.userDataExit !== undefined) put(`${root}/var/log/user-data.exit`, `${options.tinyCloud.userDataExit}\n`);
		if (options.tinyCloud.userDataLog !== undefined) put(`${root}/var/log/user-data.log`, options.tinyCloud.userDataLog);
	}
	if (options.netavark !== undefined) put(`${root}/usr/libexec/podman/netavark`, `#!/bin/sh\necho "netavark ${options.netavark}"\n`, 0o755);
	put(host.log, '');
	return host;
}

export interface BootstrapRun extends CommandResult {
	/** Shimmed calls of this run, in order. */
	calls: string[];
	/** The hoist-step lines. */
	steps: string[];
	summary: Record<string, string> | undefined;
	ms: number;
}

/** Runs bootstrap.sh under busybox ash on the fake host (applet shims sourced first, see shims/applets.sh). */
export async function runBootstrap(host: FakeHost, env: Record<string, string> = {}): Promise<BootstrapRun> {
	const before = readOr(host.log).split('\n').filter(Boolean).length;
	const started = Date.now();
	const result = await run(busybox, ['ash', '-c', '. "$SHIM_APPLETS"; . "$0"', bootstrapScript], {
		env: {
			PATH: host.bin, HOME: host.dir, TMPDIR: `${host.root}/tmp`, HOIST_ROOT: host.root,
			SHIM_LOG: host.log, SHIM_STATE: host.state, SHIM_APPLETS: path.join(shimDir, 'applets.sh'), ...env,
		},
	});
	const ms = Date.now() - started;
	const calls = readOr(host.log).split('\n').filter(Boolean).slice(before);
	const lines = result.stdout.split('\n');
	const steps = lines.filter((line) => line.startsWith('hoist-step '));
	const summaryLine = lines.find((line) => line.startsWith('hoist-bootstrap '));
	const summary = summaryLine === undefined ? undefined
		: Object.fromEntries(summaryLine.split(' ').slice(1).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
	return {...result, calls, steps, summary, ms};
}

/** Calls that change the host (as opposed to the checks that precede them). */
export function changingCalls(calls: string[]): string[] {
	return calls.filter((call) => /^(apk add|apt-get|rc-update add|rc-service \S+ (start|restart|stop)|systemctl (enable|start|restart)|dd|mkswap|swapon)( |$)/.test(call));
}

export function removeDir(dir: string): void {
	rmSync(dir, {recursive: true, force: true});
}

/** nsenter + env: a command in the sandbox instance's network namespace with its root's podman settings. */
export function instanceCommand(env: SandboxEnv, command: string[], extraEnv: Record<string, string> = {}): string[] {
	const dir = env.HOIST_SANDBOX_DIR;
	return [
		'nsenter', `--net=/run/netns/${env.HOIST_SANDBOX_NETNS}`, 'env', `CONTAINERS_CONF=${dir}/instance/containers.conf`,
		`CONTAINERS_STORAGE_CONF=${dir}/instance/storage.conf`, `CONTAINERS_REGISTRIES_CONF=${dir}/instance/registries.conf`,
		`HOME=${dir}/instance/root`, ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`), ...command,
	];
}
