import {RemoteCommandError} from '../remote/errors.js';

/**
 * Podman 4.3 (Debian 12's, the sandbox host's) can fail the start of a container that exits at once — a seed or a
 * migration with nothing to do — with "read /proc/PID/cgroup: no such process": the container ran, Podman looked for
 * its process after it was gone, and compose stopped at that service. What ran is judged by the container's own exit
 * code, which Podman kept; compose only has to carry on. Nothing is hidden by that: only this one line of Podman's
 * counts (any other failure of compose up stops the run as before), the deploy runs compose up once more and no more,
 * and each one-shot is then judged by its own exit code (a failed migration still stops the run, with its logs).
 */
export function lostExitedContainer(error: unknown): boolean {
	return error instanceof RemoteCommandError && error.lastLines.some((line) => /read \/proc\/\d+\/cgroup: no such process/.test(line));
}

export const lostExitedContainerNote = 'Podman lost track of a container that had already exited (a race of older Podman releases); what ran is judged by its exit code';
