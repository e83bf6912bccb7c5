import {lstatSync, realpathSync, statSync, type Stats} from 'node:fs';
import {isAbsolute, relative, sep} from 'node:path';
import {fileSystemReason, isFileSystemError} from '../files/fs-errors.js';

/** Where a path of the project really is, once every link on the way is followed. */
export type Place =
	| {kind: 'inside'; real: string; stats: Stats}
	| {kind: 'missing'}
	/** A link on the way leads out of the project's directory. */
	| {kind: 'outside'; path: string; real: string}
	/** In `.hoist/` (hoist's journal and SSH key), written so (real is the path itself) or reached through a link. */
	| {kind: 'hoist'; path: string; real: string}
	| {kind: 'unreadable'; reason: string};

export type Inside = Extract<Place, {kind: 'inside'}>;
/** A place that refuses the path: it cannot travel. */
export type Refused = Exclude<Place, {kind: 'inside' | 'missing'}>;

export interface ProjectPlaces {
	/** Whether the path, as written (`..` resolved, links not followed), is inside the directory. */
	insideLexically(path: string): boolean;
	of(path: string): Place;
	/**
	 * Why a path whose place is not inside cannot travel: a sentence that starts with `subject` (the path as the user
	 * wrote it, or e.g. "data/creds, which" for a file found in a mounted folder).
	 */
	refusal(subject: string, place: Refused, what: string): string;
}

/**
 * Judges paths of the project in `dir` by where they really are: the check "inside the directory" compares real
 * paths, so a link cannot carry a file from elsewhere (~/.aws/credentials) onto the upload list.
 */
export function projectPlaces(dir: string, stateDir?: string): ProjectPlaces {
	const root = realOrSelf(dir);
	const state = stateDir === undefined ? undefined : realOrSelf(stateDir);
	const inHoistFolder = (base: string, path: string) => relative(base, path).split(sep).includes('.hoist') || (state !== undefined && inside(state, path));
	return {
		insideLexically: (path) => inside(dir, path),
		of(path) {
			if (inHoistFolder(dir, path)) return {kind: 'hoist', path, real: path};
			let real: string;
			try {
				real = realpathSync(path);
			} catch (error) {
				// A link to nowhere is as missing as no file at all.
				if (isFileSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return {kind: 'missing'};
				return {kind: 'unreadable', reason: isFileSystemError(error) ? fileSystemReason(error) : 'the file system refused'};
			}
			if (!inside(root, real)) return {kind: 'outside', path, real};
			if (inHoistFolder(root, real)) return {kind: 'hoist', path, real};
			return {kind: 'inside', real, stats: statSync(real)};
		},
		refusal(subject, place, what) {
			if (place.kind === 'unreadable') return `${subject} cannot be read: ${place.reason}`;
			const link = `${subject} ${isLink(place.path) ? 'is a link to' : 'goes through a link to'} ${place.real}`;
			if (place.kind === 'outside') {
				return `${link}, outside ${dir}; hoist copies ${what} to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link`;
			}
			const where = place.real === place.path ? `${subject} is` : `${link},`;
			return `${where} in .hoist/, hoist's own folder (its journal and SSH key), which never goes to the server; name another path`;
		},
	};
}

function inside(dir: string, path: string): boolean {
	const rel = relative(dir, path);
	return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function isLink(path: string): boolean {
	try {
		return lstatSync(path).isSymbolicLink();
	} catch {
		return false;
	}
}

function realOrSelf(path: string): string {
	try {
		return realpathSync(path);
	} catch {
		return path;
	}
}
