import {closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs';
import {hostname} from 'node:os';
import {dirname} from 'node:path';
import {UserError} from '../errors.js';

interface LockHolder {
	pid: number;
	host: string;
	startedAt: string;
	command: string;
}

export interface Lock {
	release(): void;
}

/**
 * `.hoist/lock`: one hoist at a time per stack. Created with O_EXCL so two processes can't both win;
 * a lock whose process is gone (on this host) is stale and taken over.
 */
export function acquireLock(path: string, command: string): Lock {
	mkdirSync(dirname(path), {recursive: true, mode: 0o700});
	const me: LockHolder = {pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command};
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const fd = openSync(path, 'wx', 0o600);
			writeSync(fd, `${JSON.stringify(me)}\n`);
			closeSync(fd);
			return {release: () => releaseIfMine(path)};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = readHolder(path);
		if (holder && !isStale(holder)) throw held(path, holder);
		// Stale or half-written by a process killed mid-write: take it over.
		rmSync(path, {force: true});
	}
	throw held(path, readHolder(path));
}

function releaseIfMine(path: string): void {
	if (readHolder(path)?.pid === process.pid) rmSync(path, {force: true});
}

function readHolder(path: string): LockHolder | undefined {
	try {
		const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
		if (typeof holder.pid === 'number' && typeof holder.host === 'string') return holder as LockHolder;
	} catch {
		// missing or half-written
	}
	return undefined;
}

function isStale(holder: LockHolder): boolean {
	if (holder.host !== hostname()) return false; // can't see processes on another machine
	if (holder.pid === process.pid) return true;
	try {
		process.kill(holder.pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}

function held(path: string, holder: LockHolder | undefined): UserError {
	const who = holder
		? `hoist ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`
		: 'another hoist process';
	return new UserError(`This stack is busy: ${who} is working on it.`, {
		code: 'STACK_LOCKED',
		hint: 'Two runs at once could create the same resources twice, so hoist waits for one at a time.',
		nextSteps: [
			'Wait for the other run to finish, or stop it (Ctrl-C in its terminal).',
			`If no hoist is running${holder && holder.host !== hostname() ? ` on ${holder.host}` : ''}, delete ${path}.`,
		],
	});
}
