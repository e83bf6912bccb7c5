import {appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {UserError, nextCommand} from '../errors.js';
import {printable} from '../text/printable.js';
import {manifestName} from './manifest.js';

/** `backups/<stack>/` beside hoist.yml. */
export function backupsRoot(configDir: string, stack: string): string {
	return join(configDir, 'backups', stack);
}

/** A backup's folder name: the UTC time it started, to the second (20261207T101500Z), so names sort by age. */
export function backupName(at: Date): string {
	return at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

const namePattern = /^\d{8}T\d{6}Z(-\d+)?$/;

/** A new folder for a backup started at `at`; a second backup in the same second gets `-2`. */
export function makeBackupDir(root: string, at: Date): string {
	mkdirSync(root, {recursive: true, mode: 0o700});
	const base = backupName(at);
	for (let n = 1; ; n++) {
		const dir = join(root, n === 1 ? base : `${base}-${n}`);
		try {
			mkdirSync(dir, {mode: 0o700});
			return dir;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
}

export interface LocalBackup {
	name: string;
	dir: string;
	/** It has its manifest (written last). */
	complete: boolean;
	bytes: number;
}

/** The stack's backups under `backups/<stack>/`, oldest first. */
export function localBackups(root: string): LocalBackup[] {
	if (!existsSync(root)) return [];
	return readdirSync(root)
		.filter((name) => namePattern.test(name) && statSync(join(root, name)).isDirectory())
		.sort()
		.map((name) => {
			const dir = join(root, name);
			const bytes = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
			return {name, dir, complete: existsSync(join(dir, manifestName)), bytes};
		});
}

/** `--keep N`: removes complete local backups older than the newest N; incomplete folders are left for the person to look at. */
export function pruneBackups(root: string, keep: number): string[] {
	const complete = localBackups(root).filter((backup) => backup.complete);
	const removed = complete.slice(0, Math.max(0, complete.length - keep));
	for (const backup of removed) rmSync(backup.dir, {recursive: true, force: true});
	return removed.map((backup) => backup.name);
}

/** BACKUP as `hoist restore` takes it: a folder (a path), a name under backups/<stack>/, or "latest". */
export function findBackup(wanted: string, root: string, cwd: string): string {
	if (wanted === 'latest') {
		const newest = localBackups(root).filter((backup) => backup.complete).at(-1);
		if (newest) return newest.dir;
		throw new UserError(printable(`There is no complete backup in ${root}.`), {code: 'BACKUP_NOT_FOUND', nextSteps: [nextCommand('hoist backup', 'Take one with {command}, or name a backup folder.')]});
	}
	for (const candidate of [resolve(cwd, wanted), join(root, wanted)]) {
		if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
	}
	throw new UserError(printable(`There is no backup "${wanted}" (looked for a folder of that path and in ${root}).`), {
		code: 'BACKUP_NOT_FOUND',
		nextSteps: [nextCommand('hoist backup --list', '{command} shows the backups; give a name from it, a backup folder, or "latest".')],
	});
}

/**
 * Backups hold the stack's data: they must not end up in its git repository. Adds `backups/` to the .gitignore beside
 * hoist.yml (making one when the folder is in a git work tree); says what it did, or nothing when git is not in play.
 */
export function ignoreInGit(configDir: string): string | undefined {
	const gitignore = join(configDir, '.gitignore');
	if (existsSync(gitignore)) {
		const lines = readFileSync(gitignore, 'utf8').split('\n').map((line) => line.trim());
		if (lines.some((line) => ['backups', 'backups/', '/backups', '/backups/'].includes(line))) return undefined;
		const text = readFileSync(gitignore, 'utf8');
		appendFileSync(gitignore, `${text === '' || text.endsWith('\n') ? '' : '\n'}backups/\n`);
		return `Added backups/ to ${gitignore}: backups hold your data and stay out of git.`;
	}
	if (!insideGitWorkTree(configDir)) return undefined;
	writeFileSync(gitignore, 'backups/\n');
	return `Wrote ${gitignore} with backups/: backups hold your data and stay out of git.`;
}

function insideGitWorkTree(dir: string): boolean {
	for (let current = resolve(dir); ; current = dirname(current)) {
		if (existsSync(join(current, '.git'))) return true;
		if (dirname(current) === current) return false;
	}
}
