import {substepRow, type DetailRow} from '../engine/details.js';
import {reloadCaddy, restartCaddy} from './commands/compose.js';
import {fileHashes, parseHashes} from '../remote/commands/files.js';
import type {RemoteSession} from '../remote/session.js';
import type {ServerFile} from './bundle.js';
import {stackPaths} from './layout.js';
import {caddyService} from './overlay.js';

/** What a step lends the file transfer: its signal, log and detail rows. */
export interface SyncContext {
	readonly signal: AbortSignal;
	log(line: string): void;
	detail(row: DetailRow): void;
}

/** The files whose content on the server differs from `files` (or that are missing there), in one round trip. */
export async function changedFiles(session: RemoteSession, files: ServerFile[], signal: AbortSignal): Promise<ServerFile[]> {
	const remote = parseHashes((await session.run(fileHashes(files.map((file) => file.path)), {capture: true, signal})).stdout);
	return files.filter((file) => remote.get(file.path) !== file.sha256);
}

export interface SyncOptions {
	stack: string;
	files: ServerFile[];
	/** How a running Caddy picks up a changed Caddyfile: reload (connections and certificates stay) or restart. */
	caddy?: 'reload' | 'restart';
}

/**
 * Sends the files whose content changed (a row per file), and makes a running Caddy read a changed Caddyfile. The one
 * way files reach the stack directory, for the upload step and the certificate step alike. Returns what was sent.
 */
export async function syncFiles(session: RemoteSession, ctx: SyncContext, options: SyncOptions): Promise<ServerFile[]> {
	const paths = stackPaths(options.stack);
	const changed = await changedFiles(session, options.files, ctx.signal);
	const title = (file: ServerFile) => file.path.replace(`${paths.dir}/`, '');
	for (const file of changed) ctx.detail(substepRow({id: file.path, title: title(file), state: 'running', note: 'uploading'}));
	await session.upload(
		changed.map((file) => ({path: file.path, content: file.content, mode: file.mode, owner: 'root', group: 'root'})),
		{signal: ctx.signal},
	);
	for (const file of changed) ctx.detail(substepRow({id: file.path, title: title(file), state: 'done', note: 'uploaded'}));
	if (changed.some((file) => file.path === paths.caddyfile)) {
		const command = options.caddy === 'restart' ? restartCaddy(options.stack, caddyService) : reloadCaddy(options.stack, caddyService);
		await session.run(command, {signal: ctx.signal, onLine: ctx.log});
	}
	return changed;
}
