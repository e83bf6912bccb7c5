import {basename, join} from 'node:path';
import type {CommandContext} from '../cli/command.js';
import {askYesNo, canAsk, Declined} from '../cli/confirm.js';
import {UserError, nextCommand} from '../errors.js';
import {execLabelled, importVolume} from '../server/commands/backup.js';
import {describeTarget} from '../remote/target.js';
import {caddyVolumes} from '../server/overlay.js';
import type {Manifest} from './manifest.js';
import {planRestore, type RestoreItem, type RestorePlan} from './plan.js';
import {readInventory, withServicesStopped} from './services-window.js';
import type {StackSession} from '../commands/remote/stack-session.js';
import {TaskStream} from './tasks.js';
import {formatBytes, formatRate, sendFile} from './transfer.js';

/** A backup found and checked on this machine, before anything on the server is touched. */
export interface CheckedBackup {
	dir: string;
	manifest: Manifest;
}

/**
 * `hoist restore`: after the question, stops the services that use what is replaced, puts each volume and dump
 * back, starts them and waits until they run (healthy where they have a healthcheck).
 */
export async function runRestore(session: StackSession, context: CommandContext, backup: CheckedBackup, options: {yes: boolean}): Promise<number> {
	const {signal} = context.io.cancellation;
	const stack = session.config.stack;
	const plan = planRestore(backup.manifest.items, await readInventory(session.remote, stack, signal));
	if (!options.yes) await confirmRestore(context, session, backup, plan);

	const renderer = await session.renderer();
	const tasks = new TaskStream((event) => renderer.onEvent(event), signal);
	tasks.start(new Date().toISOString(), 'restore', [
		...(plan.stops.ids.length > 0 ? [{id: 'stop', title: `Stop ${plan.stops.services.join(', ')}`}] : []),
		...plan.items.map((item) => ({id: item.item.file, title: `Restore ${what(item)}`})),
		...(plan.stops.ids.length > 0 ? [{id: 'start', title: `Start ${plan.stops.services.join(', ')} and wait until they run`}] : []),
	]);
	try {
		const downSeconds = await withServicesStopped(tasks, session.remote, stack, plan.stops, signal, async () => {
			for (const item of plan.items) await restoreItem(tasks, session, item, join(backup.dir, item.item.file), signal);
		});
		const code = tasks.finish();
		renderer.showMessage([
			`Restored ${basename(backup.dir)} (taken ${backup.manifest.createdAt}) onto ${describeTarget(session.deployed.target)}: ${plan.items.map((item) => `${what(item)} (${formatBytes(item.item.bytes)})`).join(', ')}.`,
			...(plan.stops.ids.length > 0 ? [`${plan.stops.services.join(', ')} ${plan.stops.services.length === 1 ? 'was' : 'were'} stopped for ${downSeconds.toFixed(1)} s and run${plan.stops.services.length === 1 ? 's' : ''} again.`] : []),
		]);
		return code;
	} catch (error) {
		return tasks.finish(error);
	}
}

function what(item: RestoreItem): string {
	if (item.kind === 'dump') return `${item.service}'s data (its hoist.restore command)`;
	return item.key === caddyVolumes[0] ? `Caddy's certificates (${item.key})` : `the volume ${item.key}`;
}

async function restoreItem(tasks: TaskStream, session: StackSession, item: RestoreItem, path: string, signal: AbortSignal): Promise<void> {
	await tasks.task(item.item.file, async (report) => {
		const command = item.kind === 'dump' ? execLabelled(item.containerId, item.service, item.command, 'restore') : importVolume(item.volume);
		const done = await sendFile(session.remote, command, path, {
			signal,
			onBytes: (bytes, ms) => report.progress(formatRate(bytes, ms), item.item.bytes > 0 ? Math.min(1, bytes / item.item.bytes) : undefined),
		});
		return {value: undefined, summary: formatRate(done.bytes, done.ms)};
	});
}

async function confirmRestore(context: CommandContext, session: StackSession, backup: CheckedBackup, plan: RestorePlan): Promise<void> {
	const replaced = plan.items.map(what).join(', ');
	const stops = plan.stops.services.length > 0 ? ` ${plan.stops.services.join(', ')} stop${plan.stops.services.length === 1 ? 's' : ''} meanwhile.` : '';
	const question = `Restore ${basename(backup.dir)} (taken ${backup.manifest.createdAt}) onto stack "${session.config.stack}" on ${describeTarget(session.deployed.target)}? It replaces ${replaced}: what is there now is lost.${stops}`;
	if (!(await canAsk(context.args, context.io))) {
		throw new UserError(`\`hoist restore\` replaces ${replaced} on the server, and asks first; there is no terminal to ask on.`, {
			code: 'CONFIRMATION_NEEDED',
			nextSteps: [nextCommand(`hoist restore ${context.args.positionals[0] ?? 'BACKUP'} --yes`, 'Run {command} to confirm in a script.')],
		});
	}
	if (!(await askYesNo(context.io, question))) throw new Declined('Nothing was restored.');
}
