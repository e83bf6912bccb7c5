import {networkInterfaces, type NetworkInterfaceInfo} from 'node:os';
import {isPublicAddress} from '../dns/ip.js';

/**
 * This machine's public address, when one of its own interfaces has one (a server, a VM with a public address).
 * Behind a home or office router every interface is private: then the setup offers to ask AWS's address echo
 * (address-echo.ts), and asks the person first.
 */
export function localPublicAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | undefined {
	const addresses = Object.values(interfaces).flatMap((list) => list ?? []).filter((info) => !info.internal && isPublicAddress(info.address));
	// IPv4 first: most home and office connections reach AWS over IPv4, and the security group's rule must match it.
	return (addresses.find((info) => info.family === 'IPv4') ?? addresses[0])?.address;
}
