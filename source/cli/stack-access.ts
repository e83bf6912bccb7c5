import {BugError} from '../errors.js';
import type {CommandLine, Needs} from './command.js';
import type {CommandIo} from './io.js';
import type {ReadOnlyStack} from './read-only.js';
import type {Session, SessionOptions} from './session.js';

/** How a command reaches its stack, within what its `needs` declared. Each loads its modules on first use. */
export interface StackAccess {
	/** The stack beside hoist.yml without the lock: the journal as it is, hoist.yml if it loads. */
	readOnly(): Promise<ReadOnlyStack>;
	/** hoist.yml, the lock, the journal, the renderer, Ctrl-C handling and the SSH connection around `work`. */
	withSession(options: SessionOptions, work: (session: Session) => Promise<number>): Promise<number>;
}

/** `read`: the stack as the caller already read it (bare `hoist`), handed to readOnly instead of a second read. */
export function stackAccess(needs: Needs, args: CommandLine, io: CommandIo, read?: ReadOnlyStack): StackAccess {
	const refuse = (what: string): never => {
		throw new BugError(`A command that needs "${needs}" asked for ${what}.`, {code: 'BUG_COMMAND_NEEDS'});
	};
	return {
		async readOnly() {
			if (needs === 'nothing') refuse('the journal');
			if (read) return read;
			const {openReadOnly} = await import('./read-only.js');
			return openReadOnly(args.config);
		},
		async withSession(options, work) {
			if (needs !== 'lock') refuse('the lock');
			const {withSession} = await import('./session.js');
			return withSession(args, io, options, work);
		},
	};
}
