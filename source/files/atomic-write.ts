import {closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';

/**
 * Writes a file so that a crash at any moment leaves either the old or the new content, never a mix:
 * temp file, fsync, rename over the target, fsync the directory.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
	const temp = `${path}.tmp-${process.pid}`;
	const fd = openSync(temp, 'w', mode);
	try {
		writeSync(fd, content);
		fsyncSync(fd);
	} catch (error) {
		closeSync(fd);
		rmSync(temp, {force: true});
		throw error;
	}
	closeSync(fd);
	renameSync(temp, path);
	syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
	const fd = openSync(dir, 'r');
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}
