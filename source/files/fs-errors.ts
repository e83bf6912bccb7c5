import {dirname} from 'node:path';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

/**
 * The one place where an error from the file system becomes a sentence: what hoist tried to do, on which path,
 * why it failed in words, and what to do. No bare errno (EACCES, EISDIR…) ever reaches the user.
 */

interface SystemError extends Error {
	code: string;
	syscall: string;
	path?: string;
	dest?: string;
}

const actions: Record<string, string> = {
	open: 'open',
	read: 'read',
	write: 'write',
	mkdir: 'create the folder',
	rename: 'replace',
	unlink: 'remove',
	rmdir: 'remove',
	rm: 'remove',
	scandir: 'list the folder',
	stat: 'look at',
	lstat: 'look at',
	fstat: 'look at',
	copyfile: 'copy',
	fsync: 'save',
	chmod: 'change the permissions of',
	access: 'use',
	realpath: 'find',
	readlink: 'follow the link',
	symlink: 'link',
	utime: 'touch',
};

const reasons: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'the operation is not permitted',
	ENOENT: 'it does not exist',
	EISDIR: 'it is a folder where hoist expects a file',
	ENOTDIR: 'a part of the path is a file where a folder should be',
	EEXIST: 'something else is already there',
	ENOTEMPTY: 'the folder is not empty',
	ENOSPC: 'the disk is full',
	EDQUOT: 'the disk quota is used up',
	EROFS: 'the file system is read-only',
	ENAMETOOLONG: 'the path is too long',
	ELOOP: 'symbolic links point at each other in a loop',
	EMFILE: 'too many files are open',
	ENFILE: 'too many files are open on this machine',
	EBUSY: 'it is in use',
	EIO: 'the disk reported an input/output error',
	ENXIO: 'no device answers at this path',
	ETXTBSY: 'it is in use',
	EXDEV: 'it is on another file system',
	EINVAL: 'the path is not valid here',
};

export function isFileSystemError(error: unknown): error is SystemError {
	if (!(error instanceof Error)) return false;
	const {code, syscall, path} = error as Partial<SystemError>;
	if (typeof code !== 'string' || typeof syscall !== 'string') return false;
	// Sockets fail with errno codes too (write EPIPE): only errors about a path, or the working directory, are ours.
	return (syscall in actions && typeof path === 'string') || syscall === 'uv_cwd';
}

/** The error as a UserError (exit 2) that names the path and what to do. */
export function fileSystemError(error: SystemError): UserError {
	if (error.syscall === 'uv_cwd') {
		return new UserError('The current folder no longer exists: it was deleted or moved while this shell was in it.', {
			code: 'CWD_GONE',
			nextSteps: ['`cd` into the folder that holds hoist.yml again (or pass --config with a full path), then run the command again.'],
		});
	}
	const path = printable(error.path ?? 'a file');
	const reason = fileSystemReason(error);
	return new UserError(`Cannot ${actions[error.syscall] ?? 'use'} ${path}: ${reason}.`, {
		code: 'FILE_SYSTEM',
		nextSteps: nextSteps(error.code, path),
	});
}

/** Why the file system refused, in words: "permission denied", "it does not exist". */
export function fileSystemReason(error: {code: string}): string {
	return reasons[error.code] ?? 'the file system refused';
}

function nextSteps(code: string, path: string): string[] {
	const folder = dirname(path);
	switch (code) {
		case 'EACCES':
		case 'EPERM':
			return [`Check who owns ${path} and ${folder} (\`ls -ld ${folder}\`), then run hoist as that user or fix the permissions.`];
		case 'ENOSPC':
		case 'EDQUOT':
			return [`Free some space on the disk that holds ${folder}, then run the command again.`];
		case 'EROFS':
			return ['Run hoist from a folder on a writable disk (hoist keeps its state in .hoist/ beside hoist.yml).'];
		case 'EISDIR':
		case 'EEXIST':
		case 'ENOTDIR':
		case 'ENOTEMPTY':
			return [`Move ${path} (or the file in its way) aside, then run the command again.`];
		case 'ENOENT':
			return [`Check the path ${path}, then run the command again.`];
		default:
			return [`Check ${path}, then run the command again.`];
	}
}
