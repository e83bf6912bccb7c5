import type {RemoteCommand} from './command.js';
import {sh} from './quote.js';

/**
 * Logs in to the registry with the token on stdin (`--password-stdin`): it never appears on a command line. The auth
 * file lives in the stack's directory (mode 0600, root's), so it survives reboots, unlike Podman's default under /run.
 */
export function registryLogin(server: string, username: string, authFile: string): RemoteCommand {
	const dir = authFile.slice(0, authFile.lastIndexOf('/'));
	return {
		root: true,
		title: `log in to ${server} as ${username}`,
		line: [
			`umask 077`,
			sh('mkdir', '-p', dir),
			`${sh('podman', 'login', '--authfile', authFile, '--username', username, '--password-stdin', server)} >/dev/null`,
			sh('chmod', '600', authFile),
		].join(' && '),
	};
}

/**
 * A run's logins are written to this file first, which then replaces the auth file (installAuthFile): the auth file
 * holds exactly the registries hoist.yml lists (one dropped from the list is logged out with it), and never fewer
 * while the logins are made.
 */
export function pendingAuthFile(authFile: string): string {
	return `${authFile}.new`;
}

/** An earlier run's unfinished file goes first: a login into it must not add to what that run left. */
export function discardPendingAuthFile(authFile: string): RemoteCommand {
	return {root: true, title: 'start a new registry login file', line: sh('rm', '-f', pendingAuthFile(authFile))};
}

/** Puts the new logins in place of the old ones, in one rename. */
export function installAuthFile(authFile: string): RemoteCommand {
	return {root: true, title: 'put the registry logins in place', line: sh('mv', '-f', pendingAuthFile(authFile), authFile)};
}

/** The auth file as it is (for the check: is the login for this server, user and token already there?). */
export function readAuthFile(authFile: string): RemoteCommand {
	return {root: true, title: 'read the registry login', line: `cat ${sh(authFile)} 2>/dev/null || true`};
}

/** Forgets the login (destroy on an existing server, a registry removed from hoist.yml). */
export function registryLogout(authFile: string): RemoteCommand {
	return {root: true, title: 'remove the registry login', line: sh('rm', '-f', authFile)};
}
