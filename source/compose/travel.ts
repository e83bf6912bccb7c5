import {existsSync, readdirSync, statSync, type Stats} from 'node:fs';
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path';
import type {Finding, ModelPath} from './locate.js';
import type {ComposeModel, FileSource, LongEnvFile} from './model.js';
import {parseMount} from './mounts.js';
import type {TravelFile} from './project.js';

/** A bind-mounted folder travels only up to this size; bigger ones belong in the image or a named volume. */
export const folderLimits = {files: 200, bytes: 10 * 1024 * 1024};

/**
 * Folders never copied out of a bind-mounted folder: `.hoist` holds hoist's journal and the SSH private key.
 */
const neverCopied = new Set(['.hoist']);

export interface TravelOutcome {
	files: TravelFile[];
	problems: Finding[];
	warnings: Finding[];
}

/**
 * The files that must be on the server beside the compose file, at the same relative paths: the compose file
 * itself, the project `.env`, env_files, and bind-mounted files, configs and secrets inside its directory.
 * Env files (which hold secrets) get 0600; other files keep their own permissions without group and world write
 * (a script stays executable, a key stays private).
 */
export function collectTravel(model: ComposeModel, composeFile: string): TravelOutcome {
	const dir = dirname(composeFile);
	const outcome: TravelOutcome = {files: [], problems: [], warnings: []};
	const files = new Map<string, TravelFile>();
	const add = (local: string, mode: number, secret: boolean) => {
		const known = files.get(local);
		// The same file in two roles: the stricter mode and the secret flag win.
		if (known) files.set(local, {...known, mode: known.mode & mode, secret: known.secret || secret});
		else files.set(local, {local, remote: relative(dir, local).split(sep).join('/'), mode, secret});
	};
	add(composeFile, 0o644, false);
	const dotenv = join(dir, '.env');
	if (isFile(dotenv)) add(dotenv, 0o600, true);

	const hostPath = (source: string, path: ModelPath, what: string, secret: boolean, required: boolean) => {
		if (source.startsWith('~') || isAbsolute(source)) {
			outcome.warnings.push({path, message: `${source} is a path on the server: it must exist there (hoist copies only files inside ${dir})`});
			return;
		}
		const local = resolve(dir, source);
		if (!inside(dir, local)) {
			outcome.problems.push({
				path,
				message: `${source} is outside ${dir}; hoist copies ${what} to the server at the same path relative to the compose file: move it inside, bake it into the image, or use a named volume`,
			});
			return;
		}
		const stats = statOrUndefined(local);
		if (!stats) {
			if (required) outcome.problems.push({path, message: `${source} does not exist (${local})`});
			else outcome.warnings.push({path, message: `${source} does not exist here (${local}); Compose will create an empty folder there on the server`});
			return;
		}
		if (stats.isFile()) {
			add(local, travelMode(stats), secret);
			return;
		}
		let folder: ReturnType<typeof walkFolder>;
		try {
			folder = walkFolder(local);
		} catch (error) {
			outcome.problems.push({path, message: `${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`});
			return;
		}
		if (typeof folder === 'string') {
			outcome.problems.push({path, message: `${source} ${folder}; hoist copies folders to the server only up to ${folderLimits.files} files and 10 MiB: bake it into the image or use a named volume`});
			return;
		}
		for (const file of folder) add(file.path, travelMode(file.stats), secret);
	};

	for (const [name, service] of Object.entries(model.services ?? {})) {
		for (const entry of envFiles(service.env_file)) {
			const path: ModelPath = ['services', name, 'env_file', ...entry.segment];
			envFile(dir, entry.path, entry.required, path, outcome, add);
		}
		(service.volumes ?? []).forEach((volume, index) => {
			const mount = parseMount(volume);
			if (mount.kind === 'bind') hostPath(mount.source, ['services', name, 'volumes', index], 'bind-mounted files', false, false);
		});
	}
	const sources: Array<['configs' | 'secrets', Record<string, FileSource | null> | undefined]> = [
		['configs', model.configs],
		['secrets', model.secrets],
	];
	for (const [kind, entries] of sources) {
		for (const [name, source] of Object.entries(entries ?? {})) {
			if (!source?.file || source.external) continue;
			hostPath(source.file, [kind, name, 'file'], kind, kind === 'secrets', true);
		}
	}

	const [first, ...rest] = [...files.values()];
	const envFirst = rest.sort((a, b) => Number(b.remote === '.env') - Number(a.remote === '.env') || (a.remote < b.remote ? -1 : a.remote > b.remote ? 1 : 0));
	outcome.files = first ? [first, ...envFirst] : envFirst;
	return outcome;
}

function envFile(
	dir: string,
	source: string,
	required: boolean,
	path: ModelPath,
	outcome: TravelOutcome,
	add: (local: string, mode: number, secret: boolean) => void,
): void {
	const local = resolve(dir, source);
	if (!inside(dir, local)) {
		outcome.problems.push({
			path,
			message: `${source} is outside ${dir}; hoist copies env files to the server at the same path relative to the compose file, so move it inside`,
		});
		return;
	}
	const stats = statOrUndefined(local);
	if (!stats) {
		if (required) outcome.problems.push({path, message: `${source} does not exist (${local}); create it, or remove it from env_file`});
		return;
	}
	if (!stats.isFile()) {
		outcome.problems.push({path, message: `${source} is not a file`});
		return;
	}
	add(local, 0o600, true);
}

function envFiles(envFile: string | Array<string | LongEnvFile> | undefined): Array<{path: string; required: boolean; segment: number[]}> {
	if (envFile === undefined) return [];
	if (typeof envFile === 'string') return [{path: envFile, required: true, segment: []}];
	return envFile.map((entry, index) =>
		typeof entry === 'string' ? {path: entry, required: true, segment: [index]} : {path: entry.path, required: entry.required ?? true, segment: [index]},
	);
}

/** The file's own permission bits, without group and world write. */
function travelMode(stats: Stats): number {
	return stats.mode & 0o755;
}

/** The regular files under a folder, or why it is too big to copy. Symbolic links to folders are not followed. */
function walkFolder(root: string): Array<{path: string; stats: Stats}> | string {
	const found: Array<{path: string; stats: Stats}> = [];
	let bytes = 0;
	const pending = [root];
	while (pending.length > 0) {
		const folder = pending.pop()!;
		for (const entry of readdirSync(folder, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
			const path = join(folder, entry.name);
			if (entry.isDirectory()) {
				if (!neverCopied.has(entry.name)) pending.push(path);
				continue;
			}
			const stats = statOrUndefined(path);
			if (!stats?.isFile()) continue;
			found.push({path, stats});
			bytes += stats.size;
			if (found.length > folderLimits.files) return `holds more than ${folderLimits.files} files`;
			if (bytes > folderLimits.bytes) return 'holds more than 10 MiB';
		}
	}
	return found;
}

function inside(dir: string, path: string): boolean {
	const rel = relative(dir, path);
	return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function isFile(path: string): boolean {
	return existsSync(path) && statSync(path).isFile();
}

function statOrUndefined(path: string): Stats | undefined {
	try {
		return statSync(path);
	} catch {
		return undefined;
	}
}
