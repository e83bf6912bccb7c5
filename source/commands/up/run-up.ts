import type {CommandLine} from '../../cli/command.js';
import type {CommandIo} from '../../cli/io.js';

/** `hoist up` run as if it had been typed: where the guided setup goes on after "yes" (the same code path, no copy). */
export async function runUp(args: CommandLine, io: CommandIo): Promise<number> {
	const [{up}, {stackAccess}] = await Promise.all([import('../up.js'), import('../../cli/stack-access.js')]);
	return up.run({args, io, stack: stackAccess(up.needs, args, io)});
}
