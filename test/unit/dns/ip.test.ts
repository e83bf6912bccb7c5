import {describe, expect, it} from 'vitest';
import {cloudflareIpv4, cloudflareIpv6, cloudflareRange, isCloudflareAddress} from '../../../source/dns/cloudflare-ranges.js';
import {canonicalIp, inCidr, isPublicAddress, nonPublicReason, parseIp, sameIp} from '../../../source/dns/ip.js';

describe('isPublicAddress', () => {
	it('refuses addresses no public CA can reach', () => {
		const notPublic: Array<[string, string]> = [
			['10.77.0.2', 'private (RFC 1918)'], ['172.16.0.1', 'private (RFC 1918)'], ['172.31.255.255', 'private (RFC 1918)'],
			['192.168.1.1', 'private (RFC 1918)'], ['127.0.0.1', 'loopback'], ['169.254.169.254', 'link-local'],
			['100.64.0.1', 'carrier-grade NAT (RFC 6598)'], ['100.127.255.254', 'carrier-grade NAT (RFC 6598)'],
			['192.0.2.10', 'documentation (TEST-NET-1)'], ['198.51.100.4', 'documentation (TEST-NET-2)'], ['203.0.113.7', 'documentation (TEST-NET-3)'],
			['0.0.0.0', '"this network"'], ['224.0.0.1', 'multicast'], ['255.255.255.255', 'reserved'], ['198.18.0.1', 'benchmarking'],
			['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1', 'link-local'], ['fd12:3456::1', 'unique local (ULA)'],
			['fc00::1', 'unique local (ULA)'], ['2001:db8::1', 'documentation'], ['3fff::1', 'documentation'], ['ff02::1', 'multicast'],
			['::ffff:10.0.0.1', 'private (RFC 1918)'], ['::ffff:192.168.0.1', 'private (RFC 1918)'], ['app.example.com', 'not an IP address'],
		];
		for (const [ip, why] of notPublic) {
			expect(isPublicAddress(ip), ip).toBe(false);
			expect(nonPublicReason(ip), ip).toBe(why);
		}
	});

	it('accepts public addresses, v4 and v6', () => {
		for (const ip of ['3.120.0.1', '52.95.110.1', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '3.5.140.2',
			'2600:1f18::1', '2a05:d014::1', '::ffff:52.95.110.1', '2606:4700::6810:1']) {
			expect(isPublicAddress(ip), ip).toBe(true);
		}
	});
});

describe('address helpers', () => {
	it('parses, canonicalises (RFC 5952) and compares addresses', () => {
		expect(parseIp('10.0.0.1')).toEqual({family: 4, value: 0x0a000001n});
		expect(parseIp('fe80::1%eth0')?.family).toBe(6);
		expect(parseIp('300.1.1.1')).toBeUndefined();
		expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
		expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
		expect(canonicalIp('2001:db8:1:1:1:1:0:1')).toBe('2001:db8:1:1:1:1:0:1');
		expect(canonicalIp('::ffff:10.0.0.1')).toBe('::ffff:a00:1');
		expect(canonicalIp('::')).toBe('::');
		expect(canonicalIp('010.0.0.1')).toBe('010.0.0.1'); // not an address: left alone
		expect(sameIp('2001:db8::1', '2001:DB8:0::1')).toBe(true);
		expect(sameIp('10.0.0.1', '::ffff:10.0.0.1')).toBe(false);
		expect(inCidr('104.21.12.34', '104.16.0.0/13')).toBe(true);
		expect(inCidr('104.24.0.1', '104.16.0.0/13')).toBe(false);
		expect(inCidr('2a06:98c7::1', '2a06:98c0::/29')).toBe(true);
		expect(inCidr('0.0.0.1', '0.0.0.0/0')).toBe(true);
	});
});

describe('Cloudflare ranges', () => {
	it('ships the 15 IPv4 and 7 IPv6 published ranges', () => {
		expect(cloudflareIpv4).toHaveLength(15);
		expect(cloudflareIpv6).toHaveLength(7);
	});

	it('recognises proxy addresses and nothing else', () => {
		expect(cloudflareRange('104.21.12.34')).toBe('104.16.0.0/13');
		expect(cloudflareRange('172.67.1.1')).toBe('172.64.0.0/13');
		expect(cloudflareRange('188.114.97.3')).toBe('188.114.96.0/20');
		expect(cloudflareRange('2606:4700:3031::6815:1')).toBe('2606:4700::/32');
		expect(cloudflareRange('2a06:98c1::1')).toBe('2a06:98c0::/29');
		for (const ip of ['104.15.255.255', '104.28.0.1', '3.5.140.2', '10.0.0.1', '2606:4701::1', 'not-an-ip']) {
			expect(isCloudflareAddress(ip), ip).toBe(false);
		}
	});
});
