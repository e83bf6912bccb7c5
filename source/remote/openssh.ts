import type {Target} from './target.js';

/**
 * The system `ssh` pointed at the target the way hoist's own connection is: hoist's key only, the host key pinned in
 * .hoist/known_hosts and nothing else (StrictHostKeyChecking=yes; no global file; never updated by ssh), looked up
 * under the host's plain name whatever the port. The remote command's words go to ssh as they are: like plain ssh, it
 * joins them with spaces for the login shell.
 */
export function opensshArgs(target: Target, knownHosts: string, command: string[], options: {terminal: boolean}): string[] {
	return [
		'-i', target.privateKeyPath,
		'-o', 'IdentitiesOnly=yes',
		'-o', `UserKnownHostsFile=${knownHosts}`,
		'-o', 'GlobalKnownHostsFile=/dev/null',
		'-o', 'StrictHostKeyChecking=yes',
		'-o', 'UpdateHostKeys=no',
		'-o', `HostKeyAlias=${target.host}`,
		'-o', 'ConnectTimeout=10',
		'-p', String(target.port),
		'-l', target.user,
		// A command that draws on the screen (top, a REPL) needs a terminal; ssh gives one to a shell by itself.
		...(command.length > 0 && options.terminal ? ['-t'] : []),
		'--',
		target.host,
		...command,
	];
}
