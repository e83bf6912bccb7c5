import {UserError, nextCommand} from '../errors.js';
import {caddyService, caddyVolumes} from '../server/overlay.js';
import type {Inventory, ServerContainer} from './inventory.js';
import type {ManifestItem} from './manifest.js';

/** The compose labels a service declares its own dump and restore with. */
export const backupLabel = 'hoist.backup';
export const restoreLabel = 'hoist.restore';

export type BackupItem =
	| {kind: 'dump'; file: string; service: string; containerId: string; command: string}
	| {kind: 'volume'; file: string; volume: string; key: string; bytes: number; service?: string; live: boolean};

export interface Stops {
	/** Container ids, stopped before and started after. */
	ids: string[];
	/** Their services, for the question and the report. */
	services: string[];
}

export interface BackupPlan {
	items: BackupItem[];
	/** What must stop while the volumes without a dump command are copied. */
	stops: Stops;
	/** Volumes left out, with why. */
	skipped: Array<{key: string; why: string}>;
}

/**
 * What a backup copies and what it stops, from what runs on the server: a service with a `hoist.backup` label is
 * dumped by its own command while it runs (the volumes it mounts are its data: not copied again); every other named
 * volume is exported while the services that mount it are stopped, so no file changes under the copy. Caddy's
 * certificates are copied while Caddy serves: it writes each file whole, and stopping it would take the site down.
 */
export function planBackup(inventory: Inventory): BackupPlan {
	const services = servicesOf(inventory);
	const items: BackupItem[] = [];
	const covered = new Set<string>();
	for (const [service, containers] of services) {
		const command = containers.find((container) => container.labels[backupLabel])?.labels[backupLabel];
		if (command === undefined) continue;
		const running = containers.find((container) => container.running);
		if (!running) throw notRunning(service, backupLabel, 'hoist backup');
		items.push({kind: 'dump', file: `${service}.dump`, service, containerId: running.id, command});
		for (const container of containers) for (const volume of container.volumes) covered.add(volume);
	}
	const stopping = new Map<string, ServerContainer>();
	const skipped: BackupPlan['skipped'] = [];
	for (const volume of inventory.volumes) {
		if (volume.key === caddyVolumes[1]) {
			skipped.push({key: volume.key, why: 'Caddy\'s autosaved configuration, written again from the Caddyfile'});
			continue;
		}
		if (covered.has(volume.name)) {
			const owner = items.find((item) => item.kind === 'dump' && services.get(item.service)?.some((container) => container.volumes.includes(volume.name)));
			skipped.push({key: volume.key, why: `${owner?.kind === 'dump' ? owner.service : 'its service'}'s data, in its dump`});
			continue;
		}
		const live = volume.key === caddyVolumes[0];
		const users = inventory.containers.filter((container) => container.volumes.includes(volume.name) && !container.oneOff);
		if (!live) for (const container of users.filter((user) => user.running)) stopping.set(container.id, container);
		items.push({kind: 'volume', file: `${volume.key}.tar`, volume: volume.name, key: volume.key, bytes: volume.bytes, live, ...(live ? {service: caddyService} : {})});
	}
	return {items, stops: stopsOf([...stopping.values()]), skipped};
}

export type RestoreItem =
	| {kind: 'dump'; item: ManifestItem; service: string; containerId: string; command: string}
	| {kind: 'volume'; item: ManifestItem; volume: string; key: string};

export interface RestorePlan {
	items: RestoreItem[];
	stops: Stops;
}

/**
 * Where each file of a backup goes on the server as it is now, refused before anything stops when a place is
 * missing. A volume is replaced while the services that mount it are stopped; a dump is read back by the service's
 * `hoist.restore` command, so that service keeps running, and the other services of the app (which use its data)
 * stop meanwhile. Caddy stops only when its own certificates are replaced.
 */
export function planRestore(manifestItems: ManifestItem[], inventory: Inventory): RestorePlan {
	const services = servicesOf(inventory);
	const items: RestoreItem[] = [];
	const stopping = new Map<string, ServerContainer>();
	const restoredServices = new Set<string>();
	for (const item of manifestItems) {
		if (item.method === 'dump') {
			const service = item.service ?? '';
			const containers = services.get(service) ?? [];
			const command = containers.find((container) => container.labels[restoreLabel])?.labels[restoreLabel];
			if (command === undefined) {
				throw new UserError(`The backup holds a dump of ${service}, but the stack's ${service} has no ${restoreLabel} label to read it back with.`, {
					code: 'RESTORE_NO_COMMAND',
					nextSteps: [`Add \`${restoreLabel}: "<command that reads the dump on stdin>"\` to ${service}'s labels in the compose file, run \`hoist deploy\`, then restore again.`],
				});
			}
			const running = containers.find((container) => container.running);
			if (!running) throw notRunning(service, restoreLabel, 'hoist restore');
			items.push({kind: 'dump', item, service, containerId: running.id, command});
			restoredServices.add(service);
			continue;
		}
		const volume = inventory.volumes.find((candidate) => candidate.key === item.volume);
		if (!volume) {
			throw new UserError(`The backup holds the volume ${item.volume ?? item.file}, which the stack on the server does not have.`, {
				code: 'RESTORE_NO_VOLUME',
				nextSteps: [nextCommand('hoist up', 'Run {command} first (it creates the stack\'s volumes), then restore again.')],
			});
		}
		items.push({kind: 'volume', item, volume: volume.name, key: volume.key});
		for (const container of inventory.containers) if (container.running && !container.oneOff && container.volumes.includes(volume.name)) stopping.set(container.id, container);
	}
	if (restoredServices.size > 0) {
		for (const container of inventory.containers) {
			if (container.running && !container.oneOff && container.service !== caddyService && !restoredServices.has(container.service)) stopping.set(container.id, container);
		}
	}
	for (const id of [...stopping.keys()]) if (restoredServices.has(stopping.get(id)!.service)) stopping.delete(id);
	return {items, stops: stopsOf([...stopping.values()])};
}

/** Each service's own containers (one-off `compose run` containers left out), in the order Podman listed them. */
function servicesOf(inventory: Inventory): Map<string, ServerContainer[]> {
	const services = new Map<string, ServerContainer[]>();
	for (const container of inventory.containers) {
		if (container.oneOff) continue;
		services.set(container.service, [...(services.get(container.service) ?? []), container]);
	}
	return services;
}

function stopsOf(containers: ServerContainer[]): Stops {
	return {ids: containers.map((container) => container.id), services: [...new Set(containers.map((container) => container.service))].sort()};
}

function notRunning(service: string, label: string, command: string): UserError {
	return new UserError(`${service} has a ${label} command, which runs in its container, but ${service} is not running.`, {
		code: 'BACKUP_SERVICE_NOT_RUNNING',
		nextSteps: [nextCommand('hoist up', `Start the stack ({command}; \`hoist status\` shows what runs), then run \`${command}\` again.`)],
	});
}
