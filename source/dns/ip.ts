/**
 * IP address arithmetic for the DNS checks: parsing to integers, CIDR membership, canonical text, and whether a
 * public CA could reach an address at all. No I/O.
 */
import {isIP} from 'node:net';

export type IpFamily = 4 | 6;

export interface ParsedIp {
	family: IpFamily;
	/** The address as an unsigned integer (32 or 128 bits). */
	value: bigint;
}

/** Parses an IPv4 or IPv6 address (an IPv6 zone id such as `%eth0` is dropped); undefined when it is neither. */
export function parseIp(text: string): ParsedIp | undefined {
	const address = text.trim().replace(/%.*$/, '');
	const family = isIP(address);
	if (family === 4) return {family: 4, value: parseV4(address)};
	if (family === 6) return {family: 6, value: parseV6(address)};
	return undefined;
}

function parseV4(address: string): bigint {
	return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(address: string): bigint {
	let text = address.toLowerCase();
	// A trailing dotted quad (::ffff:192.0.2.1) becomes two hextets.
	const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (dotted?.[1]) {
		const v4 = parseV4(dotted[1]);
		text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
	}
	const [head = '', tail] = text.split('::');
	const headParts = head === '' ? [] : head.split(':');
	const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
	const missing = 8 - headParts.length - tailParts.length;
	const parts = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
	return parts.reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

/** The canonical text of an address (RFC 5952 for IPv6: lower case, longest zero run compressed). */
export function canonicalIp(text: string): string {
	const ip = parseIp(text);
	if (!ip) return text.trim().toLowerCase();
	if (ip.family === 4) return formatV4(ip.value);
	const hextets = Array.from({length: 8}, (_, i) => Number((ip.value >> BigInt(16 * (7 - i))) & 0xffffn));
	let bestStart = -1;
	let bestLength = 0;
	for (let i = 0; i < 8; ) {
		if (hextets[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && hextets[j] === 0) j++;
		if (j - i > bestLength && j - i >= 2) {
			bestStart = i;
			bestLength = j - i;
		}
		i = j;
	}
	const hex = hextets.map((h) => h.toString(16));
	if (bestStart < 0) return hex.join(':');
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function formatV4(value: bigint): string {
	return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** True when both texts are the same address (2001:DB8::1 equals 2001:db8:0::1). */
export function sameIp(a: string, b: string): boolean {
	const x = parseIp(a);
	const y = parseIp(b);
	if (!x || !y) return a.trim().toLowerCase() === b.trim().toLowerCase();
	return x.family === y.family && x.value === y.value;
}

export interface Cidr {
	family: IpFamily;
	base: bigint;
	prefix: number;
	text: string;
}

export function parseCidr(text: string): Cidr {
	const [address = '', prefixText] = text.split('/');
	const ip = parseIp(address);
	if (!ip) throw new Error(`not a CIDR range: ${text}`);
	const bits = ip.family === 4 ? 32 : 128;
	const prefix = prefixText === undefined ? bits : Number(prefixText);
	if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new Error(`bad prefix length in ${text}`);
	return {family: ip.family, base: ip.value & mask(bits, prefix), prefix, text};
}

function mask(bits: number, prefix: number): bigint {
	const all = (1n << BigInt(bits)) - 1n;
	return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

export function inCidr(ip: ParsedIp | string, range: Cidr | string): boolean {
	const address = typeof ip === 'string' ? parseIp(ip) : ip;
	const cidr = typeof range === 'string' ? parseCidr(range) : range;
	if (!address || address.family !== cidr.family) return false;
	return (address.value & mask(cidr.family === 4 ? 32 : 128, cidr.prefix)) === cidr.base;
}

/** The first range that holds the address, if any. */
export function findRange(ip: string, ranges: readonly Cidr[]): Cidr | undefined {
	const address = parseIp(ip);
	if (!address) return undefined;
	return ranges.find((range) => inCidr(address, range));
}

/** IPv4 ranges no public CA will connect to (IANA special-purpose registry; the list Let's Encrypt's Boulder refuses). */
const nonPublicV4 = [
	['0.0.0.0/8', '"this network"'],
	['10.0.0.0/8', 'private (RFC 1918)'],
	['100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'],
	['127.0.0.0/8', 'loopback'],
	['169.254.0.0/16', 'link-local'],
	['172.16.0.0/12', 'private (RFC 1918)'],
	['192.0.0.0/24', 'IETF protocol assignments'],
	['192.0.2.0/24', 'documentation (TEST-NET-1)'],
	['192.88.99.0/24', '6to4 relay anycast (deprecated)'],
	['192.168.0.0/16', 'private (RFC 1918)'],
	['198.18.0.0/15', 'benchmarking'],
	['198.51.100.0/24', 'documentation (TEST-NET-2)'],
	['203.0.113.0/24', 'documentation (TEST-NET-3)'],
	['224.0.0.0/4', 'multicast'],
	['240.0.0.0/4', 'reserved'],
].map(([range = '', why = '']) => ({range: parseCidr(range), why}));

/** IPv6: only global unicast (2000::/3) is reachable, minus its special-purpose blocks. */
const globalUnicastV6 = parseCidr('2000::/3');
const nonPublicV6 = [
	['2001::/23', 'IETF protocol assignments'],
	['2001:db8::/32', 'documentation'],
	['2002::/16', '6to4 (deprecated)'],
	['3fff::/20', 'documentation'],
].map(([range = '', why = '']) => ({range: parseCidr(range), why}));
const otherV6 = [
	['::/128', 'unspecified'],
	['::1/128', 'loopback'],
	['fe80::/10', 'link-local'],
	['fc00::/7', 'unique local (ULA)'],
	['ff00::/8', 'multicast'],
	['100::/64', 'discard-only'],
].map(([range = '', why = '']) => ({range: parseCidr(range), why}));
const mappedV4 = parseCidr('::ffff:0:0/96');

/**
 * Why a public CA could not reach this address ("private (RFC 1918)", "loopback", …), or undefined when it is a
 * public address. Text that is not an IP address is "not an IP address".
 */
export function nonPublicReason(text: string): string | undefined {
	const ip = parseIp(text);
	if (!ip) return 'not an IP address';
	if (ip.family === 4) return nonPublicV4.find(({range}) => inCidr(ip, range))?.why;
	if (inCidr(ip, mappedV4)) return nonPublicReason(formatV4(ip.value & 0xffffffffn));
	const special = [...otherV6, ...nonPublicV6].find(({range}) => inCidr(ip, range));
	if (special) return special.why;
	return inCidr(ip, globalUnicastV6) ? undefined : 'not global unicast';
}

/**
 * Whether a public CA (Let's Encrypt) could reach this address: false for RFC 1918, loopback, link-local, CGNAT,
 * ULA, documentation and other special-purpose ranges. hoist skips the DNS and certificate steps for a practice VM
 * whose address is not public.
 */
export function isPublicAddress(ip: string): boolean {
	return nonPublicReason(ip) === undefined;
}
