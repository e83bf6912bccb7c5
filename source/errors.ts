import {fileSystemError, isFileSystemError} from './files/fs-errors.js';

/**
 * The three kinds of failure hoist reports, after Shopify cli-kit's AbortError / ExternalError / BugError:
 * what the user can fix (exit 2), an outside command or service that failed (exit 1), and our own bugs (exit 70,
 * the only kind that shows a stack trace).
 */

export type ErrorKind = 'user' | 'external' | 'bug' | 'cancelled';

export const exitCodes = {user: 2, external: 1, bug: 70, cancelled: 130} as const satisfies Record<ErrorKind, number>;

/**
 * A next step as data: the sentence a person reads and, when it asks them to run something, that command as it is
 * typed. Scripts read `command` from the JSON; hoist's own checks (engine/advice.ts) look at it, never at the words.
 */
export interface NextStep {
	text: string;
	command?: string;
}

/** A next step as an error is given it: a sentence that names no command, or a NextStep. */
export type NextStepInput = string | NextStep;

/**
 * A next step that runs `command`: `{command}` marks where the sentence shows it (in backticks), so the words and the
 * data cannot disagree. `nextCommand('hoist up', 'Run {command} again: it resumes here.')`
 */
export function nextCommand(command: string, sentence: `${string}{command}${string}`): NextStep {
	// A function, so that a `$` in the command is not read as a replacement pattern.
	return {text: sentence.replace('{command}', () => `\`${command}\``), command};
}

function asNextStep(step: NextStepInput): NextStep {
	return typeof step === 'string' ? {text: step} : step;
}

export interface ErrorDetails {
	/** A stable identifier, e.g. CONFIG_INVALID, for scripts and docs. */
	code?: string;
	/** One or two sentences on why this happened or what to try. */
	hint?: string;
	/** Commands or actions, in order, that move the user forward. */
	nextSteps?: NextStepInput[];
	cause?: unknown;
}

export abstract class HoistError extends Error {
	abstract readonly kind: ErrorKind;
	readonly code: string;
	readonly hint: string | undefined;
	readonly nextSteps: NextStep[];

	constructor(message: string, details: ErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : {cause: details.cause});
		this.name = new.target.name;
		this.code = details.code ?? 'ERROR';
		this.hint = details.hint;
		this.nextSteps = (details.nextSteps ?? []).map(asNextStep);
	}

	get exitCode(): number {
		return exitCodes[this.kind];
	}
}

/** Something the user can fix: bad config, missing credentials, a domain that does not resolve. */
export class UserError extends HoistError {
	readonly kind = 'user';
}

/** An outside command or service failed; carries what ran and the tail of what it said. */
export class ExternalError extends HoistError {
	readonly kind = 'external';
	readonly command: string;
	readonly output: string | undefined;

	constructor(message: string, details: ErrorDetails & {command: string; output?: string}) {
		super(message, details);
		this.command = details.command;
		this.output = details.output === undefined ? undefined : tail(details.output);
	}
}

/** A mistake in hoist itself. */
export class BugError extends HoistError {
	readonly kind = 'bug';
}

/**
 * The signals hoist stops cleanly on; like a shell, it exits 128 + the signal's number. SIGPIPE stands for an output
 * that was closed or filled (`hoist up | head -1`, `> /dev/full`: cli/output-channels.ts), 141 as for any tool.
 */
export const stopSignals = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGPIPE: 141} as const;
export type StopSignal = keyof typeof stopSignals;

const stoppedBy: Record<StopSignal, string> = {
	SIGINT: 'Cancelled.',
	SIGTERM: 'SIGTERM received.',
	SIGHUP: 'The terminal went away (SIGHUP).',
	SIGPIPE: 'The output was closed (the program reading it stopped, or the disk is full).',
};

/**
 * Ctrl-C, SIGTERM or SIGHUP. The advice to resume is added by whoever knows the command that was running
 * (the runner, the session), so it never points at the wrong command.
 */
export class CancelledError extends HoistError {
	readonly kind = 'cancelled';
	readonly signal: StopSignal;

	constructor(message?: string, nextSteps: NextStepInput[] = [], signal: StopSignal = 'SIGINT') {
		super(message ?? stoppedBy[signal], {code: 'CANCELLED', nextSteps});
		this.signal = signal;
	}

	override get exitCode(): number {
		return stopSignals[this.signal];
	}
}

/** Why an aborted signal stopped: the CancelledError it carries (a plain abort counts as Ctrl-C). */
export function cancellationOf(signal: AbortSignal): CancelledError {
	return signal.reason instanceof CancelledError ? signal.reason : new CancelledError();
}

/** Any thrown value as a HoistError: a file-system error is the user's to fix, other unknown errors are bugs. */
export function asHoistError(error: unknown): HoistError {
	if (error instanceof HoistError) return error;
	if (isAbortError(error)) return new CancelledError();
	if (isFileSystemError(error)) return fileSystemError(error);
	const bug = new BugError(error instanceof Error ? error.message : String(error), {code: 'BUG', cause: error});
	if (error instanceof Error && error.stack) bug.stack = error.stack;
	return bug;
}

export function isAbortError(error: unknown): boolean {
	return error instanceof Error && (error.name === 'AbortError' || error instanceof CancelledError);
}

/** The last lines of a command's output: enough to see the failure, short enough for one screen. */
export function tail(text: string, lines = 12): string {
	const all = text.trimEnd().split('\n');
	return all.slice(-lines).join('\n');
}
