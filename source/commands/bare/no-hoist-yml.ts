import {UserError, nextCommand} from '../../errors.js';
import {printable} from '../../text/printable.js';
import type {CommandLine} from '../../cli/command.js';
import type {CommandIo} from '../../cli/io.js';

/**
 * Bare `hoist` where there is no hoist.yml: on a terminal, the guided setup (`hoist init`); without one nobody can
 * answer its questions, so hoist says how to make the file and exits 2 (there is nothing to work on).
 */
export async function noHoistYml(args: CommandLine, io: CommandIo, terminal: boolean): Promise<number> {
	if (terminal) {
		const [{runGuidedSetup}, {runUp}] = await Promise.all([import('../../setup/guided-setup.js'), import('../up/run-up.js')]);
		return runGuidedSetup(io, args, {up: runUp});
	}
	const what = args.config === 'hoist.yml' ? 'hoist.yml here' : printable(args.config);
	throw new UserError(`No ${what}: run \`hoist init\` to create one.`, {
		code: 'NO_CONFIG',
		nextSteps: [nextCommand('hoist init', 'Run {command} in the folder of your docker-compose.yml, on a terminal: it asks a few questions and writes hoist.yml.'), 'Or give another file with --config PATH.'],
	});
}
