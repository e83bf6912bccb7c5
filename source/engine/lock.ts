import {chmodSync, closeSync, lstatSync, mkdirSync, openSync, rmSync, statSync, writeSync} from 'node:fs';
import {hostname} from 'node:os';
import {dirname} from 'node:path';
import {UserError} from '../errors.js';
import {isFileSystemError} from '../files/fs-errors.js';
import {kindOf, readTextFile} from '../files/read-file.js';
import {printable} from '../text/printable.js';

export interface LockHolder {
	pid: number;
	host: string;
	startedAt: string;
	command: string;
}

export interface Lock {
	release(): void;
	/** Set when a lock left behind (a dead process, or garbage) was taken over: worth telling the user. */
	note?: string;
}

/** What `.hoist/lock` says: nobody, a valid holder, or something no hoist wrote whole (taken over). */
type LockState = {kind: 'free'} | {kind: 'held'; holder: LockHolder} | {kind: 'garbage'; why: string};

/**
 * `.hoist/lock`: one hoist at a time per stack. Created with O_EXCL so two processes can't both win;
 * a lock whose process is gone (on this host), or that holds no valid owner, is taken over with a note.
 */
export function acquireLock(path: string, command: string): Lock {
	mkdirSync(dirname(path), {recursive: true, mode: 0o700});
	const me: LockHolder = {pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command};
	const tightened = tightenStateDir(dirname(path));
	let note: string | undefined = tightened;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const fd = openSync(path, 'wx', 0o600);
			writeSync(fd, `${JSON.stringify(me)}\n`);
			closeSync(fd);
			// A second Ctrl-C (or SIGTERM) exits at once through process.exit: the lock goes with the process all the same.
			const onExit = () => releaseIfMine(path);
			process.once('exit', onExit);
			const release = () => {
				process.off('exit', onExit);
				releaseIfMine(path);
			};
			return {release, ...(note === undefined ? {} : {note})};
		} catch (error) {
			if (!isFileSystemError(error) || error.code !== 'EEXIST') throw error;
		}
		const state = readLock(path);
		if (state.kind === 'free') continue; // released between our attempt and the look
		if (state.kind === 'held' && !isStale(state.holder)) throw held(path, state.holder);
		const takeover =
			state.kind === 'held'
				? `Took over ${printable(path)}: it was left by hoist ${printable(state.holder.command)} (pid ${state.holder.pid}), which is no longer running.`
				: `Took over ${printable(path)}: ${state.why}.`;
		note = tightened === undefined ? takeover : `${tightened} ${takeover}`;
		rmSync(path, {force: true});
	}
	throw held(path, undefined);
}

/**
 * `.hoist/` holds the private key and the journal: only its owner may list or enter it. hoist makes it 0700; one
 * made by hand, or by a copy, is tightened with a note. A folder hoist may not chmod (another user's) is left to the
 * lock's own open, which explains it.
 */
function tightenStateDir(dir: string): string | undefined {
	try {
		const mode = statSync(dir).mode & 0o777;
		if ((mode & 0o077) === 0) return undefined;
		chmodSync(dir, mode & 0o700);
		return `Made ${printable(dir)} private (mode ${mode.toString(8).padStart(4, '0')} → 0700): it holds the private key and the journal.`;
	} catch {
		return undefined;
	}
}

/** The live holder of the lock, for `hoist status` during a run; undefined when nobody (alive) holds it. */
export function runningHolder(path: string): LockHolder | undefined {
	try {
		const state = readLock(path);
		return state.kind === 'held' && !isStale(state.holder) ? state.holder : undefined;
	} catch {
		// status reports the journal; a lock it cannot read is the next run's to explain.
		return undefined;
	}
}

function releaseIfMine(path: string): void {
	const state = readLock(path, false);
	if (state.kind === 'held' && state.holder.pid === process.pid && state.holder.host === hostname()) rmSync(path, {force: true});
}

function readLock(path: string, strict = true): LockState {
	let stats;
	try {
		stats = lstatSync(path);
	} catch {
		return {kind: 'free'};
	}
	if (!stats.isFile()) {
		if (!strict) return {kind: 'free'};
		// Not something hoist would write: a person or another tool put it there, so hoist does not delete it.
		throw new UserError(`${printable(path)} is ${kindOf(stats)}, not hoist's lock file.`, {
			code: 'LOCK_NOT_A_FILE',
			hint: 'hoist keeps a small lock file there while it works on the stack.',
			nextSteps: [`If no hoist is running on this stack, remove it (\`rm -r ${printable(path)}\`), then run the command again.`],
		});
	}
	let raw: unknown;
	try {
		raw = JSON.parse(readTextFile(path, {what: 'The lock', maxBytes: 64 * 1024}));
	} catch {
		return {kind: 'garbage', why: stats.size === 0 ? 'it was empty (a run killed while taking it)' : 'it held no readable owner'};
	}
	const holder = raw as Partial<LockHolder> | null;
	const valid =
		Number.isSafeInteger(holder?.pid) &&
		holder!.pid! > 0 &&
		typeof holder?.host === 'string' &&
		holder.host !== '' &&
		typeof holder.startedAt === 'string' &&
		typeof holder.command === 'string';
	return valid ? {kind: 'held', holder: holder as LockHolder} : {kind: 'garbage', why: 'it held no valid owner (pid, host, start time, command)'};
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
		? printable(`hoist ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`)
		: 'another hoist process';
	return new UserError(`This stack is busy: ${who} is working on it.`, {
		code: 'STACK_LOCKED',
		hint: 'Two runs at once could create the same resources twice, so hoist waits for one at a time.',
		nextSteps: [
			'Wait for the other run to finish, or stop it (Ctrl-C in its terminal).',
			`If no hoist is running${holder && holder.host !== hostname() ? ` on ${printable(holder.host)}` : ''}, delete ${printable(path)}.`,
		],
	});
}
