import {isIP} from 'node:net';
import {serverSettings, type Config} from '../config/schema.js';
import type {QueryFn} from '../dns/client.js';
import {preferredAddress, resolveConfigured, unknownServerHost} from '../dns/resolve-host.js';

/**
 * The server hoist deploys to, whatever made it: the AWS steps (a new instance behind its Elastic IP) or `server:`
 * in hoist.yml (an existing machine). Every remote step and command reads this, never AWS outputs.
 */
export interface Target {
	kind: 'aws' | 'server';
	/** Where hoist connects. */
	host: string;
	port: number;
	/** The login user: `alpine` on Alpine's cloud images. */
	user: string;
	/** The private key hoist logs in with (it never leaves this machine). */
	privateKeyPath: string;
	/**
	 * What the pinned host key belongs to: the instance id on AWS, so a new instance behind the same address may
	 * present a new key while the same instance may not; "server" for an existing machine.
	 */
	identity: string;
	/** The address the domain's record must hold: IPv4 when the server has one, else IPv6 (an AAAA record). */
	publicAddress: string;
	/** The server's IPv6 address besides an IPv4 publicAddress: an AAAA record may hold it. */
	publicIpv6?: string;
	/** server.host when it is a name: hoist resolved it once through dns.resolvers to `host` (and publicAddress). */
	hostName?: string;
	/** A host key named in hoist.yml ("ssh-ed25519 AAAA…"): the only key accepted, pinned before first contact. */
	hostKey?: string;
}

export function describeTarget(target: Target): string {
	return `${target.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`}${target.hostName === undefined ? '' : ` (${target.hostName})`}`;
}

/** The existing server hoist.yml names, reached with the given key. */
export function serverTargetOf(config: Config, privateKeyPath: string): Target {
	const server = serverSettings(config);
	return {
		kind: 'server',
		host: server.host,
		port: server.port,
		user: server.user,
		privateKeyPath,
		identity: 'server',
		publicAddress: server.host,
		...(server.hostKey === undefined ? {} : {hostKey: server.hostKey}),
	};
}

/**
 * The existing server hoist.yml names, with a host name resolved once through dns.resolvers (the resolvers the DNS
 * watch asks, not the system's): SSH and the DNS watch then use the same address, IPv4 first; the name stays beside it.
 */
export async function resolvedServerTarget(config: Config, privateKeyPath: string, lookup: {query?: QueryFn; signal?: AbortSignal} = {}): Promise<Target> {
	const target = serverTargetOf(config, privateKeyPath);
	if (isIP(target.host) !== 0) return target;
	const addresses = await resolveConfigured(target.host, config.dns.resolvers, lookup);
	const address = preferredAddress(addresses);
	if (address === undefined) throw unknownServerHost(addresses, config.dns.resolvers);
	const ipv6 = addresses.ipv4.length > 0 ? addresses.ipv6[0] : undefined;
	return {...target, host: address, publicAddress: address, ...(ipv6 === undefined ? {} : {publicIpv6: ipv6}), hostName: target.host};
}
