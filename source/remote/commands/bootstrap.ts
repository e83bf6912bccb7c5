import type {RemoteCommand} from './command.js';
import {sh} from './quote.js';

export interface BootstrapSettings {
	/** bootstrap.sh as uploaded, with health-scheduler.sh and openrc/hoist-health.initd beside it. */
	script: string;
	swapMb: number;
}

/** Runs the uploaded bootstrap script as root; its settings are plain numbers on the command line, never secrets. */
export function runBootstrap(settings: BootstrapSettings): RemoteCommand {
	return {root: true, title: 'run bootstrap.sh', line: `HOIST_SWAP_MB=${settings.swapMb} sh ${sh(settings.script)}`};
}

/** bootstrap.sh's last line: what the host is and how to call compose there. */
export interface BootstrapSummary {
	os: string;
	version: string;
	manager: 'openrc' | 'systemd' | 'none';
	compose: 'v1' | 'v2';
	installed: string[];
	composeCommand: string[];
	/**
	 * The kernel hands the connections queued on a closing listener to another listener of the same port
	 * (net.ipv4.tcp_migrate_req, Linux 5.14+). Absent from journals written before hoist asked.
	 */
	migratesQueuedConnections?: boolean;
}

export function parseBootstrapSummary(line: string): BootstrapSummary | undefined {
	if (!line.startsWith('hoist-bootstrap ')) return undefined;
	const fields = new Map(line.slice('hoist-bootstrap '.length).split(' ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
	const manager = fields.get('manager');
	const compose = fields.get('compose');
	if ((manager !== 'openrc' && manager !== 'systemd' && manager !== 'none') || (compose !== 'v1' && compose !== 'v2')) return undefined;
	const installed = fields.get('installed') ?? 'none';
	return {
		os: fields.get('os') ?? 'unknown',
		version: fields.get('version') ?? '',
		manager,
		compose,
		installed: installed === 'none' ? [] : installed.split(','),
		composeCommand: (fields.get('compose_cmd') ?? '').split(',').filter(Boolean),
		migratesQueuedConnections: fields.get('migrate_req') === 'yes',
	};
}

/** `hoist-step <id> <state> <text>` from bootstrap.sh. */
export function parseBootstrapStep(line: string): {id: string; state: 'start' | 'done' | 'skip' | 'fail'; text: string} | undefined {
	const match = /^hoist-step (\S+) (start|done|skip|fail) ?(.*)$/.exec(line);
	return match ? {id: match[1]!, state: match[2] as 'start' | 'done' | 'skip' | 'fail', text: match[3]!} : undefined;
}

/** The marker bootstrap's step leaves when a version of the scripts ran through: `<sha256> <summary line>`. */
export function writeMarker(path: string, hash: string, summary: string): RemoteCommand {
	return {root: true, title: 'remember the bootstrap', line: `printf '%s %s\\n' ${sh(hash, summary)} > ${sh(path)}`};
}

/** The marker and whether Podman's API answers, in one round trip: the bootstrap step's check. */
export function bootstrapState(marker: string, socket: string): RemoteCommand {
	return {
		root: true,
		title: 'check the bootstrap',
		line: [
			`cat ${sh(marker)} 2>/dev/null || true`,
			// The API answers: curl where it exists, else podman's own client (busybox's wget knows no unix sockets).
			`if command -v curl >/dev/null 2>&1; then curl -sf --unix-socket ${sh(socket)} http://d/_ping >/dev/null && echo hoist-socket-ok; ` +
				`else podman --remote --url ${sh(`unix://${socket}`)} version >/dev/null 2>&1 && echo hoist-socket-ok; fi; true`,
		].join('; '),
	};
}
