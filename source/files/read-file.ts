import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

export interface ReadOptions {
	/** What the file is, for messages: "The config file", "The journal". */
	what: string;
	/** Larger files are refused before a byte is read. */
	maxBytes: number;
	/** What to do when the path is not a regular file or is too large. */
	nextSteps?: string[];
}

/**
 * Reads a text file that a person (or a past run) put there. Whatever is not a regular file is refused before a
 * byte is read: a FIFO would block forever, a device or a huge file would be read whole. The file is opened
 * non-blocking, so even opening a FIFO returns at once. Errors from the file system itself become sentences in
 * errors.ts (asHoistError).
 */
export function readTextFile(path: string, options: ReadOptions): string {
	const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	try {
		const stats = fstatSync(fd);
		const steps = options.nextSteps ?? [`Point hoist at a regular file instead of ${printable(path)}.`];
		if (!stats.isFile()) {
			throw new UserError(`${options.what} ${printable(path)} is ${kindOf(stats)}, not a regular file.`, {code: 'FILE_NOT_REGULAR', nextSteps: steps});
		}
		if (stats.size > options.maxBytes) {
			throw new UserError(`${options.what} ${printable(path)} is ${size(stats.size)}; hoist reads at most ${size(options.maxBytes)} from it.`, {
				code: 'FILE_TOO_LARGE',
				nextSteps: steps,
			});
		}
		const buffer = Buffer.alloc(stats.size);
		let read = 0;
		while (read < stats.size) {
			const count = readSync(fd, buffer, read, stats.size - read, read);
			if (count === 0) break;
			read += count;
		}
		return buffer.subarray(0, read).toString('utf8');
	} finally {
		closeSync(fd);
	}
}

/** What a path is, in words, for "… is a folder, not a regular file". */
export function kindOf(stats: Stats): string {
	if (stats.isDirectory()) return 'a folder';
	if (stats.isFIFO()) return 'a named pipe (FIFO)';
	if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
	if (stats.isSocket()) return 'a socket';
	if (stats.isSymbolicLink()) return 'a symbolic link';
	return 'a special file';
}

function size(bytes: number): string {
	return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
