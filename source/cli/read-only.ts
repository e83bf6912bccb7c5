import {dirname, resolve} from 'node:path';
import {loadConfig} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {Journal} from '../engine/journal.js';
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
}

/** The stack beside hoist.yml, read without the lock: works while another run is going, and with a broken hoist.yml. */
export function openReadOnly(configPath: string): ReadOnlyStack {
	const files = stackFiles(dirname(resolve(configPath)));
	const journal = Journal.read(files.journal, new Redactor());
	const running = runningHolder(files.lock);
	try {
		return {files, journal, running, config: loadConfig(configPath).config, configError: undefined};
	} catch (error) {
		return {files, journal, running, config: undefined, configError: asHoistError(error)};
	}
}
