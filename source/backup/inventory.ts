import {inventorySections} from '../server/commands/backup.js';
import type {Health} from '../server/stack-state.js';

/** A named volume of the stack's compose project, as the server has it. */
export interface ServerVolume {
	/** Podman's name: `<project>_<key>`. */
	name: string;
	/** The key under `volumes:` in the compose files (compose's volume label), e.g. appdata or hoist_caddy_data. */
	key: string;
	/** What it holds now, from `du` (KiB rounded up): for the estimate of how long services stay stopped. */
	bytes: number;
}

export interface ServerContainer {
	id: string;
	service: string;
	running: boolean;
	health: Health | undefined;
	/** A `compose run` container, not one of the service's own. */
	oneOff: boolean;
	labels: Record<string, string>;
	/** The named volumes it mounts, by Podman's name. */
	volumes: string[];
}

export interface Inventory {
	volumes: ServerVolume[];
	containers: ServerContainer[];
}

interface PodmanVolume {
	Name?: string;
	Labels?: Record<string, string> | null;
}

interface PodmanContainer {
	Id?: string;
	State?: {Status?: string; Running?: boolean; Health?: {Status?: string}; Healthcheck?: {Status?: string}};
	Config?: {Labels?: Record<string, string> | null};
	Mounts?: Array<{Type?: string; Name?: string}>;
}

/** Reads `backupInventory`'s answer. */
export function parseInventory(output: string): Inventory {
	const section = (name: string, next?: string) => {
		const start = output.indexOf(`${name}\n`);
		if (start < 0) return '';
		const from = start + name.length + 1;
		const end = next === undefined ? output.length : output.indexOf(`${next}\n`, from);
		return output.slice(from, end < 0 ? output.length : end).trim();
	};
	const sizes = new Map<string, number>();
	for (const line of section(inventorySections.sizes, inventorySections.containers).split('\n')) {
		const match = /^(\d+) (\S+)$/.exec(line.trim());
		if (match) sizes.set(match[2]!, Number(match[1]) * 1024);
	}
	const volumes = json<PodmanVolume>(section(inventorySections.volumes, inventorySections.sizes)).flatMap((volume): ServerVolume[] =>
		volume.Name ? [{name: volume.Name, key: volume.Labels?.['com.docker.compose.volume'] ?? volume.Name, bytes: sizes.get(volume.Name) ?? 0}] : [],
	);
	const containers = json<PodmanContainer>(section(inventorySections.containers)).flatMap((entry): ServerContainer[] => {
		const labels = entry.Config?.Labels ?? {};
		const service = labels['com.docker.compose.service'];
		if (!entry.Id || !service) return [];
		const health = entry.State?.Health?.Status ?? entry.State?.Healthcheck?.Status;
		return [
			{
				id: entry.Id,
				service,
				running: entry.State?.Running === true || entry.State?.Status === 'running',
				health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : undefined,
				oneOff: (labels['com.docker.compose.oneoff'] ?? 'False').toLowerCase() === 'true',
				labels,
				volumes: (entry.Mounts ?? []).flatMap((mount) => (mount.Type === 'volume' && mount.Name ? [mount.Name] : [])),
			},
		];
	});
	return {volumes, containers};
}

function json<T>(text: string): T[] {
	try {
		const value: unknown = JSON.parse(text || '[]');
		return Array.isArray(value) ? (value as T[]) : [];
	} catch {
		return [];
	}
}
