import {accessSync, constants, readdirSync, realpathSync, statSync, type Stats} from 'node:fs';
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path';
import {fileSystemReason, isFileSystemError} from '../files/fs-errors.js';
import {kindOf} from '../files/read-file.js';
import type {Finding, Located, ModelPath} from './locate.js';
import type {ComposeModel, FileSource, LongEnvFile} from './model.js';
import {parseMount} from './mounts.js';
import type {TravelFile} from './project.js';
import {projectPlaces, type Inside, type ProjectPlaces} from './places.js';

/** A bind-mounted folder travels only up to this size; bigger ones belong in the image or a named volume. */
export const folderLimits = {files: 200, bytes: 10 * 1024 * 1024};

export interface TravelOutcome {
	files: TravelFile[];
	problems: Finding[];
	/** Problems of the project `.env`, which the compose file does not name: placed in `.env` itself. */
	dotenvProblems: Located[];
	warnings: Finding[];
}

export interface TravelOptions {
	/** hoist's own folder (`.hoist/` beside hoist.yml): nothing in it travels, whatever path or link leads there. */
	stateDir?: string;
}

/**
 * The files that must be on the server beside the compose file, at the same relative paths: the compose file
 * itself, the project `.env`, env_files, and bind-mounted files, configs and secrets inside its directory.
 * Env files (which hold secrets) get 0600; other files keep their own permissions without group and world write
 * (a script stays executable, a key stays private). Every path is followed through its links first: what travels
 * is what the link points at, so a link that leaves the directory, or leads into `.hoist/`, is refused.
 */
export function collectTravel(model: ComposeModel, composeFile: string, options: TravelOptions = {}): TravelOutcome {
	const dir = dirname(composeFile);
	const places = projectPlaces(dir, options.stateDir);
	const outcome: TravelOutcome = {files: [], problems: [], dotenvProblems: [], warnings: []};
	// By the path on the server: two links to one file are two files there.
	const files = new Map<string, TravelFile>();
	const add = (path: string, place: Inside, mode: number, secret: boolean) => {
		const remote = relative(dir, path).split(sep).join('/');
		const known = files.get(remote);
		// The same file in two roles: the stricter mode and the secret flag win.
		if (known) files.set(remote, {...known, mode: known.mode & mode, secret: known.secret || secret});
		else files.set(remote, {local: place.real, remote, mode, secret});
	};
	// The compose file travels as the file hoist read, wherever a link to it leads (it was checked, not just copied).
	add(composeFile, {kind: 'inside', real: realpathSync(composeFile), stats: statSync(composeFile)}, 0o644, false);
	const dotenv = places.of(join(dir, '.env'));
	if (dotenv.kind === 'inside' && dotenv.stats.isFile()) add(join(dir, '.env'), dotenv, 0o600, true);
	else if (dotenv.kind !== 'missing' && dotenv.kind !== 'inside') {
		outcome.dotenvProblems.push({file: '.env', line: 1, col: 1, message: places.refusal('.env', dotenv, 'the project .env')});
	}

	/** A path the file names, checked: where it really is, and that it stays inside; undefined when refused. */
	const placeOf = (source: string, path: ModelPath, what: string, fix: string): Inside | {kind: 'missing'} | undefined => {
		const local = resolve(dir, source);
		if (!places.insideLexically(local)) {
			outcome.problems.push({path, message: `${source} is outside ${dir}; hoist copies ${what} to the server at the same path relative to the compose file${fix}`});
			return undefined;
		}
		const place = places.of(local);
		if (place.kind === 'inside' || place.kind === 'missing') return place;
		outcome.problems.push({path, message: places.refusal(source, place, what)});
		return undefined;
	};
	/** A file that must travel: refused now if hoist may not read it, rather than when it uploads. */
	const addReadable = (source: string, path: ModelPath, place: Inside, mode: number, secret: boolean) => {
		const unreadable = readProblem(place.real);
		if (unreadable) outcome.problems.push({path, message: `${source} cannot be read: ${unreadable}`});
		else add(resolve(dir, source), place, mode, secret);
	};

	const hostPath = (source: string, path: ModelPath, what: string, secret: boolean, required: boolean) => {
		if (source.startsWith('~') || isAbsolute(source)) {
			outcome.warnings.push({path, message: `${source} is a path on the server: it must exist there (hoist copies only files inside ${dir})`});
			return;
		}
		const place = placeOf(source, path, what, ': move it inside, bake it into the image, or use a named volume');
		if (place === undefined) return;
		const local = resolve(dir, source);
		if (place.kind === 'missing') {
			if (required) outcome.problems.push({path, message: `${source} does not exist (${local})`});
			else outcome.warnings.push({path, message: `${source} does not exist here (${local}); Compose will create an empty folder there on the server`});
			return;
		}
		if (place.stats.isFile()) {
			addReadable(source, path, place, travelMode(place.stats), secret);
			return;
		}
		if (!place.stats.isDirectory()) {
			outcome.problems.push({path, message: `${source} is ${kindOf(place.stats)}; hoist copies only files and folders to the server`});
			return;
		}
		const folder = walkFolder(local, places);
		if (typeof folder === 'string') {
			outcome.problems.push({path, message: `${source} ${folder}`});
			return;
		}
		for (const file of folder) add(file.path, file.place, travelMode(file.place.stats), secret);
	};

	const envFile = (source: string, required: boolean, path: ModelPath) => {
		const place = placeOf(source, path, 'env files', ', so move it inside');
		if (place === undefined) return;
		if (place.kind === 'missing') {
			if (required) outcome.problems.push({path, message: `${source} does not exist (${resolve(dir, source)}); create it, or remove it from env_file`});
		} else if (!place.stats.isFile()) {
			outcome.problems.push({path, message: `${source} is ${kindOf(place.stats)}, not a file`});
		} else {
			addReadable(source, path, place, 0o600, true);
		}
	};

	for (const [name, service] of Object.entries(model.services ?? {})) {
		for (const entry of envFiles(service.env_file)) envFile(entry.path, entry.required, ['services', name, 'env_file', ...entry.segment]);
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

/** Why hoist could not read the file later, when it uploads it; undefined when it can. */
function readProblem(path: string): string | undefined {
	try {
		accessSync(path, constants.R_OK);
		return undefined;
	} catch (error) {
		return isFileSystemError(error) ? fileSystemReason(error) : 'the file system refused';
	}
}

const tooBig = `hoist copies folders to the server only up to ${folderLimits.files} files and 10 MiB: bake it into the image or use a named volume`;

/**
 * The regular files under a folder (each followed through its links), or what is wrong with it, in words after the
 * folder's name. `.hoist` folders are left out; links to folders are not followed; a link that leaves the project or
 * leads into `.hoist/` is refused.
 */
function walkFolder(root: string, places: ProjectPlaces): Array<{path: string; place: Inside}> | string {
	const found: Array<{path: string; place: Inside}> = [];
	let bytes = 0;
	const pending = [root];
	while (pending.length > 0) {
		const folder = pending.pop()!;
		let entries;
		try {
			entries = readdirSync(folder, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1));
		} catch (error) {
			const where = folder === root ? '' : ` (in ${relative(root, folder)})`;
			return `cannot be read${where}: ${isFileSystemError(error) ? fileSystemReason(error) : 'the file system refused'}`;
		}
		for (const entry of entries) {
			const path = join(folder, entry.name);
			if (entry.isDirectory()) {
				if (entry.name !== '.hoist') pending.push(path);
				continue;
			}
			const place = places.of(path);
			const name = relative(dirname(root), path);
			if (place.kind !== 'inside' && place.kind !== 'missing') return `holds ${places.refusal(`${name}, which`, place, 'bind-mounted files')}`;
			if (place.kind === 'missing' || !place.stats.isFile()) continue;
			const unreadable = readProblem(place.real);
			if (unreadable) return `holds ${name}, which cannot be read: ${unreadable}`;
			found.push({path, place});
			bytes += place.stats.size;
			if (found.length > folderLimits.files) return `holds more than ${folderLimits.files} files; ${tooBig}`;
			if (bytes > folderLimits.bytes) return `holds more than 10 MiB; ${tooBig}`;
		}
	}
	return found;
}
