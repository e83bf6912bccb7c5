import {isLetsEncrypt, type Config} from '../config/schema.js';
import type {Target} from '../remote/target.js';
import {caHostToResolve, caNetwork, certificateReach, type Reach} from './ca-reach.js';
import type {QueryFn} from './client.js';
import {nonPublicReason} from './ip.js';
import {resolveConfigured, type HostAddresses} from './resolve-host.js';

/** How messages name the CA: Let's Encrypt by its name, any other by its directory's host. */
export function caName(directory: string): string {
	return isLetsEncrypt(directory) ? 'Let\'s Encrypt' : `the ACME CA at ${new URL(directory).host}`;
}

export interface PlanLookup {
	query?: QueryFn;
	signal?: AbortSignal;
}

/** The address the domain's record must hold: dns.expectAddress, or the server's own. */
export function watchedAddress(config: Config, target: Pick<Target, 'publicAddress'>): string {
	return config.dns.expectAddress ?? target.publicAddress;
}

/** The skip hoist.yml asks for with dns.skip: true. */
export const skipAskedFor = 'dns.skip is true in hoist.yml: hoist skips the DNS and certificate steps, the stack answers over plain HTTP only (remove dns.skip for HTTPS)';

/**
 * What the DNS step will do for this target: watch (which address, and whether a private one is meant) or skip, and
 * why. A CA given by name is looked up through dns.resolvers, once per call; a failed lookup counts as a public CA.
 */
export async function dnsPlan(config: Config, target: Pick<Target, 'publicAddress' | 'publicIpv6'>, lookup: PlanLookup = {}): Promise<Reach> {
	if (config.dns.skip === true) return {watch: false, address: target.publicAddress, skip: skipAskedFor};
	const directory = config.acme.directory;
	// Only a private server needs a CA on its network: a public one never costs a lookup.
	const needsCa = config.dns.expectAddress === undefined && nonPublicReason(target.publicAddress) !== undefined;
	const host = needsCa ? caHostToResolve(directory) : undefined;
	const resolved = host === undefined ? undefined : await lookupCa(host, config, lookup);
	return certificateReach({
		address: target.publicAddress,
		...(target.publicIpv6 === undefined ? {} : {ipv6: target.publicIpv6}),
		...(config.dns.expectAddress === undefined ? {} : {expectAddress: config.dns.expectAddress}),
		ca: caNetwork(directory, resolved),
		caName: caName(directory),
	});
}

async function lookupCa(host: string, config: Config, lookup: PlanLookup): Promise<HostAddresses | undefined> {
	try {
		return await resolveConfigured(host, config.dns.resolvers, lookup);
	} catch (error) {
		if (lookup.signal?.aborted) throw error;
		return undefined;
	}
}
