import {sh} from '../../remote/commands/quote.js';

/** How long a command waits for another that changes the same stack on the server before it gives up. */
export const stackLockWaitSeconds = 600;

/** The lock of a stack's compose project on the server: in /run, so a reboot never leaves one behind. */
export function stackLockPath(stack: string): string {
	return `/run/hoist/${stack}.lock`;
}

/**
 * `line` (a command that changes the stack's containers: compose up, the removal of the project) run while it holds
 * the stack's lock on the server, after the one that holds it now is done. A hoist killed outright (SIGKILL, a lost
 * laptop) leaves its compose command running on the server, and the next run's compose would otherwise start beside
 * it and trip on its half-made containers. The shell holds the lock (flock on fd 9) for as long as `line` runs;
 * `line` itself runs without fd 9, so nothing it starts keeps the lock. A host without flock runs `line` unlocked.
 */
export function underStackLock(stack: string, line: string, waitSeconds: number = stackLockWaitSeconds): string {
	const lock = stackLockPath(stack);
	const waiting = `hoist: another command is changing stack ${stack} on this server (an earlier hoist run, stopped or still going, or hoist elsewhere): waiting up to ${waitSeconds} s for it to finish`;
	const gaveUp = `hoist: stack ${stack} was still locked by another command after ${waitSeconds} s (${lock}); nothing was changed`;
	return [
		'if command -v flock >/dev/null 2>&1; then',
		`mkdir -p ${sh(lock.slice(0, lock.lastIndexOf('/')))} && exec 9>>${sh(lock)} || exit 1`,
		`i=0; until flock -n 9; do [ "$i" -gt 0 ] || echo ${sh(waiting)} >&2; i=$((i + 1)); if [ "$i" -gt ${waitSeconds} ]; then echo ${sh(gaveUp)} >&2; exit 75; fi; sleep 1; done`,
		'fi',
		// Closed inside the subshell, not by a redirection on it: busybox ash closes a redirected descriptor in the shell
		// itself while the subshell runs. And not as the last command: ash runs a last subshell in its own process,
		// without a fork, and the lock would go with the descriptor.
		`(exec 9>&-\n${line})`,
		'exit $?',
	].join('\n');
}
