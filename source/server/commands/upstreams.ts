import {isIPv6} from 'node:net';
import type {RemoteCommand} from '../../remote/commands/command.js';
import {andThen, sh} from '../../remote/commands/quote.js';
import {stackPaths} from '../layout.js';

/** What an upstream file holds: a service's name or a container's address, an IPv6 one in brackets (a port follows). */
export function upstreamHost(nameOrAddress: string): string {
	return isIPv6(nameOrAddress) ? `[${nameOrAddress}]` : nameOrAddress;
}

/**
 * Puts the upstream files of these services in place (service → name or address), each by a rename in its directory:
 * Caddy reads the file for every request (routeUpstream), so it must never find one half-written or missing.
 */
export function upstreamsLine(stack: string, hosts: Readonly<Record<string, string>>): string {
	const dir = stackPaths(stack).caddyUpstreams;
	return andThen(
		sh('mkdir', '-p', dir),
		...Object.entries(hosts).map(([service, host]) => {
			const next = `${dir}/.${service}.next`;
			return andThen(`printf '%s\\n' ${sh(upstreamHost(host))} >${sh(next)}`, sh('mv', '-f', next, `${dir}/${service}`));
		}),
	);
}

/** Points Caddy's routes of each service at a container's address, or back at the service's name (no reload needed). */
export function pointUpstreams(stack: string, hosts: Readonly<Record<string, string>>): RemoteCommand & {title: string} {
	const pointed = Object.entries(hosts).filter(([service, host]) => service !== host);
	const title =
		pointed.length > 0
			? `point Caddy at ${pointed.map(([service, host]) => `${host} for ${service}`).join(', ')}`
			: `point Caddy back at ${Object.keys(hosts).join(', ')}`;
	return {root: true, title, line: upstreamsLine(stack, hosts)};
}
