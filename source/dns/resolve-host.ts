/**
 * A host name's addresses as hoist's own resolvers see them (`dns.resolvers`, by default /etc/resolv.conf's), never
 * the system resolver: the same view the DNS watch uses, so a name known only to the person's DNS (a VM in their own
 * zone) resolves the same way for SSH, for the watch and for deciding whether an ACME CA is on their network.
 */
import {isIP} from 'node:net';
import {UserError} from '../errors.js';
import type {QueryFn} from './client.js';
import {bootstrapResolver} from './discovery.js';
import {canonicalIp} from './ip.js';
import {normalizeName} from './names.js';

export interface HostAddresses {
	name: string;
	ipv4: string[];
	ipv6: string[];
}

export interface ResolveHostOptions {
	/** Recursive resolvers; undefined: /etc/resolv.conf's. */
	resolvers?: string[];
	query?: QueryFn;
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** The A and AAAA addresses of `name` (after any CNAME the resolver followed); an IP address is its own answer. */
export async function resolveHost(name: string, options: ResolveHostOptions = {}): Promise<HostAddresses> {
	const literal = name.replace(/^\[(.*)\]$/, '$1');
	if (isIP(literal) === 4) return {name, ipv4: [canonicalIp(literal)], ipv6: []};
	if (isIP(literal) === 6) return {name, ipv4: [], ipv6: [canonicalIp(literal)]};
	const ask = await bootstrapResolver({
		...(options.resolvers === undefined ? {} : {bootstrap: options.resolvers}),
		...(options.query === undefined ? {} : {query: options.query}),
		...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
		...(options.signal === undefined ? {} : {signal: options.signal}),
	});
	const fqdn = normalizeName(name);
	const [a, aaaa] = await Promise.all([ask(fqdn, 'A'), ask(fqdn, 'AAAA')]);
	const values = (response: typeof a, type: 'A' | 'AAAA') =>
		[...new Set(response.answers.filter((record) => record.type === type).map((record) => canonicalIp(record.data as string)))];
	return {name: fqdn, ipv4: values(a, 'A'), ipv6: values(aaaa, 'AAAA')};
}

/** `name` through the resolvers hoist.yml names (dns.resolvers), as the DNS watch would ask them. */
export function resolveConfigured(name: string, resolvers: string[] | undefined, lookup: {query?: QueryFn; signal?: AbortSignal} = {}): Promise<HostAddresses> {
	return resolveHost(name, {
		...(resolvers === undefined ? {} : {resolvers}),
		...(lookup.query === undefined ? {} : {query: lookup.query}),
		...(lookup.signal === undefined ? {} : {signal: lookup.signal}),
	});
}

/** How messages name the resolvers hoist asked. */
export function resolversText(resolvers: string[] | undefined): string {
	return resolvers === undefined ? 'the resolvers of /etc/resolv.conf' : `dns.resolvers (${resolvers.join(', ')})`;
}

/** The address hoist uses for a server given by name: IPv4 first (it works on more networks), else IPv6. */
export function preferredAddress(addresses: HostAddresses): string | undefined {
	return addresses.ipv4[0] ?? addresses.ipv6[0];
}

/** A server name that resolves to nothing: the same refusal for `hoist up` and for later commands. */
export function unknownServerHost(addresses: HostAddresses, resolvers: string[] | undefined): UserError {
	return new UserError(`${addresses.name} has no A or AAAA record: hoist cannot reach the server it names`, {
		code: 'SERVER_HOST_UNKNOWN',
		hint: `hoist looks up server.host through ${resolversText(resolvers)}, the same resolvers it watches DNS with, not through the system's resolver.`,
		nextSteps: [`Create the address record of ${addresses.name}, or write the server's address as server.host in hoist.yml.`, 'Point dns.resolvers in hoist.yml at a resolver that knows the name.'],
	});
}
