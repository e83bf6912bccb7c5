import {stateSections} from './commands/compose.js';

export type Health = 'starting' | 'healthy' | 'unhealthy';

export interface ContainerState {
	id: string;
	name: string;
	service: string;
	/** Podman's word: running, exited, created, stopped, paused, … */
	state: string;
	exitCode: number;
	/** The compose configuration it was created from. */
	configHash: string | undefined;
	image: string;
	/** The image it was created from, by id: a tag pulled since then names another. */
	imageId: string;
	health: Health | undefined;
	digest: string | undefined;
	restarts: number;
	/** When it last started (epoch seconds), for its uptime. */
	startedAt: number | undefined;
	/** A `compose run` container, not one of the service's own. */
	oneOff: boolean;
}

export interface StackState {
	/** The configuration hash compose gives each service now. */
	hashes: Map<string, string>;
	containers: ContainerState[];
}

interface PodmanPsEntry {
	Id?: string;
	Names?: string[];
	State?: string;
	ExitCode?: number;
	Image?: string;
	ImageID?: string;
	Labels?: Record<string, string> | null;
}

/** Reads `stackState`'s answer. */
export function parseStackState(output: string): StackState {
	const section = (name: string, next?: string) => {
		const start = output.indexOf(`${name}\n`);
		if (start < 0) return '';
		const from = start + name.length + 1;
		const end = next === undefined ? output.length : output.indexOf(`${next}\n`, from);
		return output.slice(from, end < 0 ? output.length : end);
	};
	const hashes = new Map<string, string>();
	for (const line of section(stateSections.hashes, stateSections.containers).split('\n')) {
		const match = /^(\S+) ([0-9a-f]{64})$/.exec(line.trim());
		if (match) hashes.set(match[1]!, match[2]!);
	}
	const details = new Map<string, {health: Health | undefined; digest: string | undefined; restarts: number; startedAt: number | undefined}>();
	for (const line of section(stateSections.details).split('\n')) {
		const [id, health, digest, restarts, startedAt] = line.trim().split(' ');
		if (!id) continue;
		const started = Number(startedAt);
		details.set(id, {
			health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : undefined,
			digest: digest?.startsWith('sha256:') ? digest : undefined,
			restarts: Number(restarts) || 0,
			// Go's zero time (never started) is far in the past.
			startedAt: Number.isFinite(started) && started > 0 ? started : undefined,
		});
	}
	let entries: PodmanPsEntry[];
	try {
		entries = JSON.parse(section(stateSections.containers, stateSections.details).trim() || '[]') as PodmanPsEntry[];
	} catch {
		entries = [];
	}
	const containers = entries.flatMap((entry): ContainerState[] => {
		const labels = entry.Labels ?? {};
		const service = labels['com.docker.compose.service'];
		if (!entry.Id || !service) return [];
		const detail = details.get(entry.Id);
		return [
			{
				id: entry.Id,
				name: entry.Names?.[0] ?? entry.Id.slice(0, 12),
				service,
				state: entry.State ?? 'unknown',
				exitCode: entry.ExitCode ?? 0,
				configHash: labels['com.docker.compose.config-hash'],
				image: entry.Image ?? '',
				imageId: entry.ImageID ?? '',
				health: detail?.health,
				digest: detail?.digest,
				restarts: detail?.restarts ?? 0,
				startedAt: detail?.startedAt,
				oneOff: (labels['com.docker.compose.oneoff'] ?? 'False').toLowerCase() === 'true',
			},
		];
	});
	return {hashes, containers};
}

export type ServiceVerdict =
	| {service: string; status: 'ok'; container: ContainerState}
	| {service: string; status: 'waiting'; why: string; container?: ContainerState}
	| {service: string; status: 'failed'; why: string; container: ContainerState};

export interface ServiceExpectation {
	name: string;
	/** Runs to completion (migrations, seeds) instead of staying up. */
	oneShot: boolean;
	healthcheck: boolean;
	/** A one-shot service that was deliberately not run again (a rollback): its last successful run is enough. */
	lastRunEnough?: boolean;
}

/**
 * Where one service stands against what the compose file says now: up to date and running (healthy where it has a
 * healthcheck), or done with exit 0 for a one-shot service; still on its way; or failed.
 */
export function judgeService(state: StackState, expected: ServiceExpectation): ServiceVerdict {
	const service = expected.name;
	const own = state.containers.filter((container) => container.service === service && !container.oneOff);
	const wanted = state.hashes.get(service);
	const current = own.find((container) => wanted === undefined || container.configHash === wanted) ?? (expected.lastRunEnough ? own[0] : undefined);
	if (!current) return {service, status: 'waiting', why: own.length > 0 ? 'to be recreated from the new configuration' : 'to be created'};
	if (expected.oneShot) {
		if (current.state === 'exited' || current.state === 'stopped') {
			return current.exitCode === 0
				? {service, status: 'ok', container: current}
				: {service, status: 'failed', why: `exited with code ${current.exitCode}`, container: current};
		}
		return {service, status: 'waiting', why: `to finish (${current.state})`, container: current};
	}
	if (current.state !== 'running') {
		if (current.state === 'exited' || current.state === 'stopped') return {service, status: 'failed', why: `stopped with exit code ${current.exitCode}`, container: current};
		return {service, status: 'waiting', why: `to run (${current.state})`, container: current};
	}
	if (current.health === 'unhealthy') return {service, status: 'failed', why: 'is unhealthy', container: current};
	if (current.health === 'starting' || (expected.healthcheck && current.health === undefined)) {
		return {service, status: 'waiting', why: 'to become healthy', container: current};
	}
	return {service, status: 'ok', container: current};
}
