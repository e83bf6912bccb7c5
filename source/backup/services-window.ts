import {ExternalError} from '../errors.js';
import {backupInventory, startContainers, stopContainers} from '../server/commands/backup.js';
import type {RemoteSession} from '../remote/session.js';
import {parseInventory, type Inventory} from './inventory.js';
import type {Stops} from './plan.js';
import type {TaskStream} from './tasks.js';

/** What runs for the stack on the server now. */
export async function readInventory(remote: RemoteSession, stack: string, signal: AbortSignal): Promise<Inventory> {
	return parseInventory((await remote.run(backupInventory(stack), {capture: true, signal})).stdout);
}

const upTimeoutMs = 120_000;

/**
 * Stops `stops` as one task, runs `work`, and starts them again as another, also when `work` failed (a backup must
 * not leave the app down); then waits until each runs (and is healthy where it has a healthcheck). Returns how long
 * they were down, in seconds.
 */
export async function withServicesStopped(
	tasks: TaskStream,
	remote: RemoteSession,
	stack: string,
	stops: Stops,
	signal: AbortSignal,
	work: () => Promise<void>,
): Promise<number> {
	if (stops.ids.length === 0) {
		await work();
		return 0;
	}
	const names = stops.services.join(', ');
	await tasks.task('stop', async () => {
		await remote.run(stopContainers(stops.ids), {signal});
		return {value: undefined, summary: names};
	});
	const stoppedAt = Date.now();
	let downSeconds = 0;
	try {
		await work();
	} finally {
		// Started again even after a failure or Ctrl-C: the signal is not passed, so the start itself is not cut short.
		await tasks.task('start', async (report) => {
			await remote.run(startContainers(stops.ids));
			report.progress(`waiting until ${names} run${stops.services.length === 1 ? 's' : ''}`);
			await waitUntilUp(remote, stack, stops.ids);
			downSeconds = (Date.now() - stoppedAt) / 1000;
			return {value: undefined, summary: `${names} back after ${downSeconds.toFixed(1)} s`};
		}, {evenIfStopped: true});
	}
	return downSeconds;
}

/** Polls until every container runs and none is still starting its healthcheck; an unhealthy one fails at once. */
async function waitUntilUp(remote: RemoteSession, stack: string, ids: string[]): Promise<void> {
	const deadline = Date.now() + upTimeoutMs;
	for (;;) {
		const containers = (await readInventory(remote, stack, new AbortController().signal)).containers.filter((container) => ids.includes(container.id));
		const unhealthy = containers.find((container) => container.health === 'unhealthy');
		if (unhealthy) throw notUp(`${unhealthy.service} is unhealthy after it was started again`);
		const waiting = containers.filter((container) => !container.running || container.health === 'starting');
		if (waiting.length === 0 && containers.length === ids.length) return;
		if (Date.now() > deadline) throw notUp(`${waiting.map((container) => container.service).join(', ') || 'a container'} did not come back within ${upTimeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

function notUp(what: string): ExternalError {
	return new ExternalError(`${what.charAt(0).toUpperCase()}${what.slice(1)}.`, {
		code: 'SERVICES_NOT_BACK',
		command: 'podman start',
		nextSteps: ['`hoist logs` shows why; `hoist status` shows what runs; `hoist up` starts the stack again.'],
	});
}
