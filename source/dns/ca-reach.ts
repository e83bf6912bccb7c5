/**
 * Can a certificate be had for this server's address from this ACME CA? A public CA (Let's Encrypt) validates from
 * the internet and cannot reach a private address; a CA on the person's own network (step-ca, Pebble: its directory
 * is at a non-public address, or its name resolves to one) can. The DNS and certificate steps are skipped only when
 * nothing could work. The decision is pure; locating the CA asks the resolver once for a directory given by name.
 */
import {isLetsEncrypt} from '../config/schema.js';
import {nonPublicReason, parseIp} from './ip.js';
import type {HostAddresses} from './resolve-host.js';

/** Where the ACME CA's directory is, as far as reaching a server goes. */
export interface CaNetwork {
	/** The directory's host, as hoist.yml names it. */
	host: string;
	/** The CA is on a private network (and so may reach private addresses). */
	private: boolean;
	/** Why it counts as private: "10.77.0.1 is private (RFC 1918)", "ca.lan resolves to 192.168.1.3 (…)". */
	why?: string;
}

/** A directory host that is no literal address and not Let's Encrypt: it must be looked up. */
export function caHostToResolve(directory: string): string | undefined {
	const host = hostOf(directory);
	return parseIp(host) || isLetsEncrypt(directory) || host === 'localhost' ? undefined : host;
}

function hostOf(directory: string): string {
	return new URL(directory).hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The CA's network from its directory URL and, for a host name, what the resolver said (undefined: it could not be
 * resolved, then the CA counts as public: the certificate steps then stay skipped for a private server, as before).
 */
export function caNetwork(directory: string, resolved?: HostAddresses): CaNetwork {
	const host = hostOf(directory);
	if (host === 'localhost') return {host, private: true, why: 'localhost is this machine'};
	if (parseIp(host)) {
		const why = nonPublicReason(host);
		return why === undefined ? {host, private: false} : {host, private: true, why: `${host} is ${why}`};
	}
	if (isLetsEncrypt(directory) || !resolved) return {host, private: false};
	const privateAddress = [...resolved.ipv4, ...resolved.ipv6].find((address) => nonPublicReason(address) !== undefined);
	return privateAddress === undefined
		? {host, private: false}
		: {host, private: true, why: `${host} resolves to ${privateAddress}, ${nonPublicReason(privateAddress)}`};
}

export interface ReachInput {
	/** The server's address (IPv4 when it has one, else IPv6). */
	address: string;
	/** The server's IPv6 address besides an IPv4 `address`. */
	ipv6?: string;
	/** hoist.yml's dns.expectAddress: the address the record must hold, whatever the server's own. */
	expectAddress?: string;
	ca: CaNetwork;
	/** How messages name the CA. */
	caName: string;
}

export type Reach =
	| {watch: true; address: string; ipv6?: string; privateTargetOk: boolean; note?: string}
	| {watch: false; address: string; skip: string};

/** Watch DNS and get a certificate (for which address, and whether a private one is fine), or skip, and why. */
export function certificateReach(input: ReachInput): Reach {
	if (input.expectAddress !== undefined) return {watch: true, address: input.expectAddress, privateTargetOk: true};
	const {address, ca, caName} = input;
	const ipv6 = input.ipv6 === undefined ? {} : {ipv6: input.ipv6};
	const why = nonPublicReason(address);
	if (why === undefined) return {watch: true, address, ...ipv6, privateTargetOk: false};
	if (!parseIp(address)) {
		return {watch: false, address, skip: `the server is reached as ${address}, not by an IP address: hoist skips the DNS and certificate steps (set dns.expectAddress in hoist.yml to the address the record must hold)`};
	}
	if (ca.private) {
		return {
			watch: true, address, ...ipv6, privateTargetOk: true,
			note: `${address} is not a public address (${why}), but ${caName} is on a private network too (${ca.why ?? ca.host}) and can reach it: hoist watches DNS and gets the certificate; public resolvers may not know a private zone, so their rows may stay empty (they only show what users see)`,
		};
	}
	return {
		watch: false, address,
		skip: `${address} is not a public address (${why}): ${caName} cannot reach it, so hoist skips the DNS and certificate steps (for HTTPS: set acme.directory to an ACME CA on the same network, such as step-ca, or dns.expectAddress to the public address that forwards to this server)`,
	};
}
