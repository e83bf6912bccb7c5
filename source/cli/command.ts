import type {CommandIo} from './io.js';
import type {StackAccess} from './stack-access.js';

export interface FlagSpec {
	type: 'boolean' | 'string';
	short?: string;
	/** The value's placeholder in help, e.g. STEP. */
	value?: string;
	description: string;
}

export interface PositionalSpec {
	name: string;
	description: string;
	/** Takes every remaining argument (before `--`). */
	variadic?: boolean;
	optional?: boolean;
}

/**
 * What a command needs before it runs: nothing (help, version), the stack's journal read-only (status, logs, ssh:
 * they work while another run holds the lock), or the journal and the lock (up, destroy: they change the stack).
 */
export type Needs = 'nothing' | 'journal' | 'lock';

export interface CommandLine {
	/** --config: the hoist.yml to use. */
	config: string;
	json: boolean;
	flags: Record<string, string | boolean | undefined>;
	/** Arguments before `--`, in the order of the command's positionals. */
	positionals: string[];
	/** Everything after `--`, untouched (e.g. `hoist ssh -- uptime`). */
	rest: string[];
}

export interface CommandContext {
	args: CommandLine;
	io: CommandIo;
	/** Opens the stack as the command's `needs` allow; loaded only when called, so help and version stay light. */
	stack: StackAccess;
}

/**
 * A command declares itself: name, summary, flags, positionals, what it needs. Help, parsing and dispatch are
 * derived from the table in source/commands/index.ts, so a command module must stay light to import: it loads
 * anything heavy inside `run`.
 */
export interface CommandSpec {
	name: string;
	summary: string;
	/** Paragraphs shown by `hoist <command> --help` under the usage line. */
	description?: string;
	flags: Record<string, FlagSpec>;
	positionals?: PositionalSpec[];
	/** Accepts `-- ARGS…`, shown in help under this name. */
	passThrough?: {name: string; description: string};
	needs: Needs;
	run(context: CommandContext): Promise<number>;
}

export function defineCommand(spec: CommandSpec): CommandSpec {
	return spec;
}
