import {isIP} from 'node:net';
import {serverHostProblem} from '../config/server-host.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

/** The practice server named by `--on user@host[:port]` (or rehearsal.server). */
export interface PracticeServer {
	user: string;
	host: string;
	port: number;
}

const userPattern = /^[a-z_][a-z0-9_.-]{0,31}$/i;

/** Parses user@host[:port] ([v6]:port for an IPv6 address with a port); a user error naming `field` when it is not one. */
export function parsePracticeServer(value: string, field = '--on'): PracticeServer {
	const bad = (problem: string) => new UserError(printable(`${field} "${value}": ${problem}.`), {
		code: 'USAGE',
		nextSteps: [`Name the practice server as user@host[:port], e.g. \`hoist rehearse --on alpine@192.168.64.5\`.`],
	});
	const at = value.lastIndexOf('@');
	if (at <= 0) throw bad('expected the login user before the host, as in alpine@192.168.64.5');
	const user = value.slice(0, at);
	if (!userPattern.test(user)) throw bad(`expected a login name like "alpine" before the @, not "${user}"`);
	let host = value.slice(at + 1);
	let port = 22;
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
	const withPort = /^([^:]+):(\d+)$/.exec(host);
	if (bracketed) {
		host = bracketed[1]!;
		if (bracketed[2] !== undefined) port = Number(bracketed[2]);
		if (isIP(host) !== 6) throw bad('expected an IPv6 address between the brackets');
	} else if (withPort) {
		host = withPort[1]!;
		port = Number(withPort[2]);
	}
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('expected a port from 1 to 65535 after the host');
	const problem = serverHostProblem(host);
	if (problem) throw bad(problem);
	return {user, host, port};
}
