import type {CommandLine} from '../../cli/command.js';
import {askYesNo, canAsk, Declined} from '../../cli/confirm.js';
import type {CommandIo} from '../../cli/io.js';
import type {Config} from '../../config/schema.js';
import type {Warning} from '../../config/warnings.js';

/**
 * The warnings about hoist.yml, each risky one confirmed on a terminal first. Without a terminal, or with --yes,
 * the setting itself is the decision: hoist goes on and shows the warning in words before the run.
 */
export async function confirmWarnings(config: Config, args: CommandLine, io: CommandIo): Promise<Warning[]> {
	const {configWarnings} = await import('../../config/warnings.js');
	const warnings = configWarnings(config);
	if (args.flags['yes'] === true || !warnings.some((warning) => warning.confirm) || !(await canAsk(args, io))) return warnings;
	for (const warning of warnings) {
		if (warning.confirm !== undefined && !(await askYesNo(io, `${warning.message}\n  ${warning.confirm}`))) throw new Declined('Nothing was changed.');
	}
	return warnings;
}
