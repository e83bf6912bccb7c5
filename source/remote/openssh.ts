import type {Target} from './target.js';

/**
 * The system `ssh` pointed at the target the way hoist's own connection is: hoist's key only, the host key pinned in
 * .hoist/known_hosts and nothing else (StrictHostKeyChecking=yes; no global file; never updated by ssh), looked up
 * under the host's plain name whatever the port. The remote command's words go to ssh as they are: like plain ssh, it
 * joins them with spaces for the login shell.
 */
export function opensshArgs(target: Target, knownHosts: string, command: string[], options: {terminal: boolean}): string[] {
	return [
		// Not -i: ssh checks that path as given but loads it after expanding %-tokens, so a % in it cannot work.
		'-o', `IdentityFile=${opensshPath(target.privateKeyPath)}`,
		'-o', 'IdentitiesOnly=yes',
		'-o', `UserKnownHostsFile=${opensshPath(knownHosts)}`,
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

/**
 * A local path as OpenSSH reads it in an option: it expands %-tokens (`/tmp/100%done` holds %d, the home folder) and
 * splits on whitespace (a list of files), so % is doubled and the path quoted, with \ and " escaped inside the quotes.
 */
export function opensshPath(path: string): string {
	return `"${path.replaceAll('%', '%%').replace(/["\\]/g, '\\$&')}"`;
}
