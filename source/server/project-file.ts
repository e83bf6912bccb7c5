import {closeSync, constants, fstatSync, openSync, readFileSync} from 'node:fs';
import {UserError} from '../errors.js';
import {kindOf} from '../files/read-file.js';
import {printable} from '../text/printable.js';

/**
 * A file of the user's project, read for the upload at the real path the compose check found. The last part of that
 * path is not followed if it became a link since (O_NOFOLLOW), and a FIFO put there cannot block (O_NONBLOCK): what
 * travels is what was checked, or nothing.
 */
export function readProjectFile(path: string): Buffer {
	let fd: number;
	try {
		fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
		throw changed(path, 'a symbolic link');
	}
	try {
		const stats = fstatSync(fd);
		if (!stats.isFile()) throw changed(path, kindOf(stats));
		return readFileSync(fd);
	} finally {
		closeSync(fd);
	}
}

function changed(path: string, kind: string): UserError {
	return new UserError(`${printable(path)} became ${kind} after hoist checked the compose project; hoist uploads only the files it checked.`, {
		code: 'PROJECT_FILE_CHANGED',
		nextSteps: ['Put the file back as it was (or fix the compose file).'],
	});
}
