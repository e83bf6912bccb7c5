import {defineCommand, type CommandLine} from '../cli/command.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

const defaultTail = 100;

/**
 * `hoist logs`: compose logs from the server over SSH, line by line as they come. Reads the journal only (no lock), so
 * it works while `hoist up` runs. Ctrl-C ends a `--follow` cleanly: the remote process group is stopped, exit 130.
 */
export const logs = defineCommand({
	name: 'logs',
	summary: 'Show the logs of the stack\'s services on the server; -f follows them',
	description: `Shows what the services wrote, from the server, over SSH (compose logs). Without SERVICE, every service's
lines, each prefixed with its container's name the way compose does. Ctrl-C ends --follow (exit 130) and stops it on
the server too. Works while another hoist run holds the stack.`,
	flags: {
		follow: {type: 'boolean', short: 'f', description: 'Keep printing new lines until Ctrl-C'},
		since: {type: 'string', value: 'WHEN', description: 'Only lines since WHEN: a duration (10m, 1h30m), a date (2024-05-01T10:00:00Z) or epoch seconds'},
		tail: {type: 'string', value: 'N', description: `The last N lines of each container first (default ${defaultTail}; "all" for every line)`},
	},
	positionals: [{name: 'SERVICE', description: 'Only these services (default: all of them)', variadic: true}],
	needs: 'journal',
	async run({args, io, stack}) {
		const request = logsRequest(args);
		const {deployedStack, knownService, withRemote} = await import('./remote/remote-access.js');
		const opened = await stack.readOnly();
		const deployed = deployedStack(opened, 'logs');
		const services = args.positionals.map((name) => knownService(deployed, name, 'logs'));
		const [{streamLogs}, {cancellationOf}, {writeJsonEvent}] = await Promise.all([import('../server/commands/compose.js'), import('../errors.js'), import('../ui/json-events.js')]);
		const {signal} = io.cancellation;
		const write = args.json
			? (line: string, stream: 'stdout' | 'stderr') => writeJsonEvent(io.stdout, {type: 'log', at: Date.now(), stream, line})
			: // The services' own words, as `docker logs` shows them (their colours too).
				(line: string, stream: 'stdout' | 'stderr') => (stream === 'stdout' ? io.stdout : io.stderr).write(`${line}\n`);
		try {
			await withRemote(deployed.target, opened.files, io, (session) =>
				session.run(streamLogs(deployed.tool, deployed.files, {...request, services}), {signal, onLine: write}),
			);
		} catch (error) {
			// Ctrl-C is how --follow ends: the remote side is stopped by now; nothing more to say.
			if (signal.aborted) return cancellationOf(signal).exitCode;
			throw error;
		}
		return 0;
	},
});

/** Checks --since and --tail before anything connects: a typo is a usage error, not a remote failure. */
export function logsRequest(args: CommandLine): {follow: boolean; since?: string; tail: number | 'all'} {
	const since = args.flags['since'];
	const tail = args.flags['tail'];
	if (typeof since === 'string' && !validSince(since)) {
		throw new UserError(printable(`--since "${since}" is not a time hoist understands.`), {
			code: 'USAGE',
			nextSteps: ['Give a duration like 10m, 2h or 1h30m, a date like 2024-05-01 or 2024-05-01T10:00:00Z, or epoch seconds.'],
		});
	}
	if (typeof tail === 'string' && tail !== 'all' && !/^\d{1,9}$/.test(tail)) {
		throw new UserError(printable(`--tail "${tail}" is not a number of lines.`), {code: 'USAGE', nextSteps: ['Give a whole number (e.g. --tail 50) or --tail all.']});
	}
	return {
		follow: args.flags['follow'] === true,
		...(typeof since === 'string' ? {since} : {}),
		tail: tail === 'all' ? 'all' : typeof tail === 'string' ? Number(tail) : defaultTail,
	};
}

/** What both compose (v2) and podman take for --since: a Go duration, an RFC 3339 date or time, or epoch seconds. */
function validSince(value: string): boolean {
	return (
		/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(value) ||
		/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value) ||
		/^\d{9,10}(\.\d+)?$/.test(value)
	);
}
