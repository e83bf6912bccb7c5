import {defineCommand} from '../cli/command.js';
import {UserError} from '../errors.js';

/**
 * `hoist ssh [-- COMMAND…]`: the system ssh, as hoist logs in. hoist first checks the server's host key against its
 * pin itself, so a changed key is refused with hoist's own explanation before OpenSSH is started.
 */
export const ssh = defineCommand({
	name: 'ssh',
	summary: 'Open a shell on the server (or run one command there) with the system ssh',
	description: `Runs the system ssh as hoist logs in: its key, the login user, and only the host key pinned in
.hoist/known_hosts (StrictHostKeyChecking=yes). Without a command, an interactive shell. With \`-- COMMAND…\`, runs
it (like ssh, the words are joined with spaces for the login shell) and exits with its status; ssh's own failures
exit 255. Works while another hoist run holds the stack.`,
	flags: {},
	passThrough: {name: 'COMMAND', description: 'A command to run instead of a shell'},
	needs: 'journal',
	async run({args, io, stack}) {
		if (args.json) {
			throw new UserError('`hoist ssh` hands the terminal to ssh: there are no events to give as JSON.', {
				code: 'USAGE',
				nextSteps: ['Run it without --json; `hoist exec SERVICE -- COMMAND --json` gives a command\'s output as JSON lines.'],
			});
		}
		const [{loggedInTarget}, {checkPinnedHostKey}, {opensshArgs}] = await Promise.all([
			import('./remote/remote-access.js'),
			import('../remote/host-key-check.js'),
			import('../remote/openssh.js'),
		]);
		const opened = await stack.readOnly();
		const target = loggedInTarget(opened, 'ssh');
		await checkPinnedHostKey(target, opened.files.knownHosts, io.cancellation.signal);
		const terminal = io.stdin.isTTY === true && io.stdout.isTTY === true;
		return runSsh(opensshArgs(target, opened.files.knownHosts, args.rest, {terminal}), io.cancellation.signal);
	},
});

async function runSsh(args: string[], signal: AbortSignal): Promise<number> {
	const [{spawn}, {constants}, {cancellationOf}] = await Promise.all([import('node:child_process'), import('node:os'), import('../errors.js')]);
	return new Promise((resolve, reject) => {
		// The terminal is ssh's now; Ctrl-C reaches it directly (it shares hoist's process group).
		const child = spawn('ssh', args, {stdio: 'inherit'});
		child.on('error', (error: NodeJS.ErrnoException) => {
			reject(
				error.code === 'ENOENT'
					? new UserError('`hoist ssh` runs the system ssh, and there is none on PATH.', {
							code: 'SSH_CLIENT_MISSING',
							nextSteps: ['Install the OpenSSH client (Debian/Ubuntu: apt install openssh-client; macOS has it), then run it again.'],
						})
					: error,
			);
		});
		child.on('exit', (code, signalName) => {
			if (code !== null) return resolve(code);
			if (signal.aborted) return resolve(cancellationOf(signal).exitCode);
			resolve(128 + (signalName ? (constants.signals[signalName] ?? 0) : 0));
		});
	});
}
