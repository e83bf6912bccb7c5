import {existsSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {configMissing} from '../config/missing.js';
import type {Config} from '../config/schema.js';
import type {Journal} from '../engine/journal.js';
import {runningHolder, type LockHolder} from '../engine/lock.js';
import {Redactor} from '../engine/redactor.js';
import {stackFiles, type StackFiles} from '../engine/stack-files.js';
import {asHoistError, type HoistError} from '../errors.js';

export interface ReadOnlyStack {
	files: StackFiles;
	/** Undefined when nothing has run for this stack yet. */
	journal: Journal | undefined;
	/** hoist.yml, when it loads; commands that only read the journal work without it. */
	config: Config | undefined;
	configError: HoistError | undefined;
	/** The hoist run holding the lock right now, if one is alive. */
	running: LockHolder | undefined;
	/** How this stack's commands are named in advice; the real stack's when absent. */
	commands?: StackCommands;
}

/**
 * The command that starts the stack and the words before a day-2 command's name: `hoist up` and `hoist` for the
 * real stack, `hoist rehearse` twice for a rehearsal (whose advice must never send the person to `hoist up`).
 */
export interface StackCommands {
	start: string;
	prefix: string;
}

export const realStackCommands: StackCommands = {start: 'hoist up', prefix: 'hoist'};

/**
 * The stack beside hoist.yml, read without the lock: works while another run is going, and with a broken hoist.yml.
 * The journal's and the config's readers (zod, the YAML parser) are loaded only for files that are there: `hoist
 * status` in a folder without either answers at once.
 */
export async function openReadOnly(configPath: string, files: StackFiles = stackFiles(dirname(resolve(configPath)))): Promise<ReadOnlyStack> {
	const journal = existsSync(files.journal) ? (await import('../engine/journal.js')).Journal.read(files.journal, new Redactor()) : undefined;
	const running = runningHolder(files.lock);
	try {
		if (!existsSync(resolve(configPath))) throw configMissing(resolve(configPath));
		const {loadConfig} = await import('../config/load.js');
		return {files, journal, running, config: loadConfig(configPath).config, configError: undefined};
	} catch (error) {
		return {files, journal, running, config: undefined, configError: asHoistError(error)};
	}
}
