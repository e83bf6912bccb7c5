import {readFileSync, rmSync} from 'node:fs';
import {basename, join, relative} from 'node:path';
import type {CommandContext} from '../cli/command.js';
import {askYesNo, canAsk, Declined} from '../cli/confirm.js';
import {UserError, nextCommand} from '../errors.js';
import {writeFileAtomic} from '../files/atomic-write.js';
import {packageRoot} from '../files/package-root.js';
import {execLabelled, exportVolume} from '../server/commands/backup.js';
import {formatSeconds} from '../text/format-seconds.js';
import {backupsRoot, ignoreInGit, makeBackupDir, pruneBackups} from './local.js';
import {manifestJson, manifestName, type ManifestItem} from './manifest.js';
import {planBackup, type BackupItem, type BackupPlan} from './plan.js';
import {readInventory, withServicesStopped} from './services-window.js';
import type {StackSession} from '../commands/remote/stack-session.js';
import {TaskStream} from './tasks.js';
import {formatBytes, formatRate, receiveToFile} from './transfer.js';

export interface BackupOptions {
	yes: boolean;
	/** Keep only the newest N local backups (this one included). */
	keep?: number;
}

/** A conservative copy rate for the estimate of how long services stay stopped (the server's disk and the SSH link). */
const estimateBytesPerSecond = 20_000_000;

/**
 * `hoist backup`: each dump and volume of the stack, streamed over the SSH connection into
 * backups/<stack>/<UTC time>/ beside hoist.yml, the manifest written last. A failed item fails the backup and its
 * folder is removed: a folder never looks whole when it is not.
 */
export async function runBackup(session: StackSession, context: CommandContext, options: BackupOptions): Promise<number> {
	const {io} = context;
	const {signal} = io.cancellation;
	const stack = session.config.stack;
	const plan = planBackup(await readInventory(session.remote, stack, signal));
	if (plan.stops.ids.length > 0 && !options.yes) await confirmStops(context, stack, plan);

	const renderer = await session.renderer();
	const tasks = new TaskStream((event) => renderer.onEvent(event), signal);
	const started = new Date();
	const root = backupsRoot(session.files.dir, stack);
	const s3 = session.config.backup?.s3;
	const dir = makeBackupDir(root, started);
	const stopped = plan.items.filter((item) => item.kind === 'volume' && !item.live);
	const running = plan.items.filter((item) => !stopped.includes(item));
	const [dumps, live] = [running.filter((item) => item.kind === 'dump'), running.filter((item) => item.kind === 'volume')];
	tasks.start(started.toISOString(), 'backup', [
		...dumps.map(planned),
		...(plan.stops.ids.length > 0 ? [{id: 'stop', title: `Stop ${plan.stops.services.join(', ')}`}] : []),
		...stopped.map(planned),
		...(plan.stops.ids.length > 0 ? [{id: 'start', title: `Start ${plan.stops.services.join(', ')} again`}] : []),
		...live.map(planned),
		...(s3 ? [{id: 's3', title: `Upload to ${s3} (server-side encryption)`}] : []),
	]);

	const written: ManifestItem[] = [];
	const copy = async (item: BackupItem) => written.push(await copyItem(tasks, session, item, join(dir, item.file), signal));
	let downSeconds: number;
	try {
		for (const item of dumps) await copy(item);
		downSeconds = await withServicesStopped(tasks, session.remote, stack, plan.stops, signal, async () => {
			for (const item of stopped) await copy(item);
		});
		for (const item of live) await copy(item);
		for (const item of written) if (stopped.some((candidate) => candidate.file === item.file)) item.stopped = {services: plan.stops.services, seconds: Math.round(downSeconds * 10) / 10};
		writeFileAtomic(
			join(dir, manifestName),
			manifestJson({format: 1, hoist: hoistVersion(), stack, createdAt: started.toISOString(), release: session.journal.data.releases.at(-1)?.number ?? null, items: written}),
		);
	} catch (error) {
		rmSync(dir, {recursive: true, force: true});
		const code = tasks.finish(error);
		renderer.showMessage([`The backup failed; its folder ${dir} was removed (it was not whole).`]);
		return code;
	}
	// The backup is whole from here on: what follows may fail the command, never the backup.
	const uploaded = s3 ? await upload(tasks, session, s3, dir, context.io.env, signal).catch(() => undefined) : undefined;
	const lines = [
		`Backup written to ${relative(process.cwd(), dir) || dir}: ${written.length} item${written.length === 1 ? '' : 's'}, ${formatBytes(written.reduce((sum, item) => sum + item.bytes, 0))}.`,
		...(plan.stops.ids.length > 0 ? [`${plan.stops.services.join(', ')} ${plan.stops.services.length === 1 ? 'was' : 'were'} stopped for ${downSeconds.toFixed(1)} s while ${stopped.map((item) => item.kind === 'volume' && item.key).join(', ')} ${stopped.length === 1 ? 'was' : 'were'} copied.`] : []),
		...plan.skipped.map((skip) => `Not copied: ${skip.key} (${skip.why}).`),
		...(options.keep === undefined ? [] : pruned(pruneBackups(root, options.keep))),
		...[ignoreInGit(session.files.dir)].filter((line): line is string => line !== undefined),
		...(uploaded ? [`Uploaded to ${uploaded} too.`] : []),
		`Restore it with \`hoist restore ${relative(root, dir)}\`.`,
	];
	const code = tasks.finish();
	renderer.showMessage(lines);
	return code;
}

/**
 * The whole local backup to S3 as a step of its own: a failed upload fails the command (exit 1), but the local
 * backup is whole and stays. The SDK loads only for a stack with backup.s3.
 */
async function upload(tasks: TaskStream, session: StackSession, url: string, dir: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string> {
	return tasks.task('s3', async (report) => {
		const {s3Client, s3Place, uploadBackup} = await import('./s3.js');
		const place = s3Place(url, session.config.stack);
		const started = Date.now();
		const bytes = await uploadBackup(s3Client(session.config, env), place, dir, (file) => report.progress(`uploading ${file}`), signal);
		const where = `s3://${place.bucket}/${place.prefix}${basename(dir)}/`;
		return {value: where, summary: `${formatRate(bytes, Date.now() - started)} to ${where}`};
	});
}

function planned(item: BackupItem): {id: string; title: string} {
	if (item.kind === 'dump') return {id: item.file, title: `Dump ${item.service} (its hoist.backup command)`};
	return {id: item.file, title: item.live ? `Copy ${item.key} (Caddy's certificates, while Caddy serves)` : `Copy the volume ${item.key}`};
}

async function copyItem(tasks: TaskStream, session: StackSession, item: BackupItem, path: string, signal: AbortSignal): Promise<ManifestItem> {
	return tasks.task(item.file, async (report) => {
		const command = item.kind === 'dump' ? execLabelled(item.containerId, item.service, item.command, 'dump') : exportVolume(item.volume);
		const expected = item.kind === 'volume' && item.bytes > 0 ? item.bytes : undefined;
		const done = await receiveToFile(session.remote, command, path, {
			signal,
			onBytes: (bytes, ms) => report.progress(formatRate(bytes, ms), expected === undefined ? undefined : Math.min(1, bytes / expected)),
		});
		const value: ManifestItem = {
			file: item.file,
			method: item.kind === 'dump' ? 'dump' : 'tar',
			...(item.kind === 'dump' ? {service: item.service} : {volume: item.key, ...(item.service ? {service: item.service} : {})}),
			bytes: done.bytes,
			sha256: done.sha256,
		};
		return {value, summary: `${formatRate(done.bytes, done.ms)}, sha256 ${done.sha256.slice(0, 12)}…`};
	});
}

/** The question before services stop; without a terminal only --yes answers it. */
async function confirmStops(context: CommandContext, stack: string, plan: BackupPlan): Promise<void> {
	const volumes = plan.items.filter((item) => item.kind === 'volume' && !item.live);
	const bytes = volumes.reduce((sum, item) => sum + (item.kind === 'volume' ? item.bytes : 0), 0);
	const seconds = Math.ceil(bytes / estimateBytesPerSecond) + 3;
	const what = `${plan.stops.services.join(', ')} for about ${formatSeconds(seconds)} while ${volumes.map((item) => (item.kind === 'volume' ? item.key : '')).join(', ')} (${formatBytes(bytes)}) ${volumes.length === 1 ? 'is' : 'are'} copied`;
	if (!(await canAsk(context.args, context.io))) {
		throw new UserError(`\`hoist backup\` stops ${what}, and asks first; there is no terminal to ask on.`, {
			code: 'CONFIRMATION_NEEDED',
			hint: 'A volume without a hoist.backup command is copied while the services that write to it are stopped, so the copy is consistent.',
			nextSteps: [nextCommand('hoist backup --yes', 'Run {command} to confirm in a script (cron, CI).')],
		});
	}
	if (!(await askYesNo(context.io, `Back up stack "${stack}"? This stops ${what}.`))) throw new Declined('Nothing was backed up.');
}

function pruned(names: string[]): string[] {
	return names.length === 0 ? [] : [`Removed ${names.length} older backup${names.length === 1 ? '' : 's'} (--keep): ${names.join(', ')}.`];
}

function hoistVersion(): string {
	return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string}).version;
}
