import {basename} from 'node:path';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

/**
 * hoist.yml is not there. Apart from load.ts so that a command that reads a stack without one (`hoist status` in an
 * empty folder) can say so without loading the YAML parser and the config's schema.
 */
export function configMissing(absolutePath: string): UserError {
	return new UserError(`${printable(basename(absolutePath))}: there is no file ${printable(absolutePath)}.`, {
		code: 'CONFIG_MISSING',
		hint: 'hoist reads hoist.yml from the current directory, or the file given with --config.',
		nextSteps: ['Run hoist in the directory that holds hoist.yml, or pass --config path/to/hoist.yml.'],
	});
}
