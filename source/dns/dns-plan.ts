import {isIPv4} from 'node:net';
import {isLetsEncrypt, type Config} from '../config/schema.js';
import type {Target} from '../remote/target.js';
import {nonPublicReason} from './ip.js';

/** How messages name the CA: Let's Encrypt by its name, any other by its directory's host. */
export function caName(directory: string): string {
	return isLetsEncrypt(directory) ? 'Let\'s Encrypt' : `the ACME CA at ${new URL(directory).host}`;
}

/** What the DNS step will do for this target: watch (the address, and whether a private one is meant) or skip, and why. */
export function dnsPlan(config: Config, target: Pick<Target, 'publicAddress'>): {address: string; privateTargetOk: boolean; skip?: string} {
	const expected = config.dns.expectAddress;
	if (expected !== undefined) return {address: expected, privateTargetOk: true};
	const address = target.publicAddress;
	const advice = 'set dns.expectAddress in hoist.yml to the address the A record must hold to watch DNS anyway';
	if (!isIPv4(address)) {
		return {address, privateTargetOk: false, skip: `the server is reached as ${address}, not by an IPv4 address: hoist skips the DNS and certificate steps (${advice})`};
	}
	const why = nonPublicReason(address);
	if (why !== undefined) {
		return {address, privateTargetOk: false, skip: `${address} is not a public address (${why}): no public CA can reach it, so hoist skips the DNS and certificate steps (${advice})`};
	}
	return {address, privateTargetOk: false};
}
