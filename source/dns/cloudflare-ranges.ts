/**
 * Cloudflare's published proxy address ranges (https://www.cloudflare.com/ips/, i.e. /ips-v4 and /ips-v6).
 * List date: 2024-06 (the list has been unchanged since 2021). Written from that published list, not fetched at
 * build time: compare with the page when Cloudflare announces a change. An A/AAAA answer inside these ranges means
 * the record is "proxied" (orange cloud): the ACME CA would talk to Cloudflare, not to the server.
 */
import {findRange, parseCidr, type Cidr} from './ip.js';

export const cloudflareIpv4 = [
	'173.245.48.0/20',
	'103.21.244.0/22',
	'103.22.200.0/22',
	'103.31.4.0/22',
	'141.101.64.0/18',
	'108.162.192.0/18',
	'190.93.240.0/20',
	'188.114.96.0/20',
	'197.234.240.0/22',
	'198.41.128.0/17',
	'162.158.0.0/15',
	'104.16.0.0/13',
	'104.24.0.0/14',
	'172.64.0.0/13',
	'131.0.72.0/22',
] as const;

export const cloudflareIpv6 = [
	'2400:cb00::/32',
	'2606:4700::/32',
	'2803:f800::/32',
	'2405:b500::/32',
	'2405:8100::/32',
	'2a06:98c0::/29',
	'2c0f:f248::/32',
] as const;

const ranges: readonly Cidr[] = [...cloudflareIpv4, ...cloudflareIpv6].map(parseCidr);

/** The Cloudflare range that holds the address (e.g. "104.16.0.0/13"), or undefined. */
export function cloudflareRange(ip: string): string | undefined {
	return findRange(ip, ranges)?.text;
}

export function isCloudflareAddress(ip: string): boolean {
	return cloudflareRange(ip) !== undefined;
}
