import type {NetworkInterfaceInfo} from 'node:os';
import {describe, expect, it} from 'vitest';
import {localPublicAddress} from '../../../source/setup/public-address.js';

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({address, family, internal, netmask: '', mac: '', cidr: null}) as unknown as NetworkInterfaceInfo;

describe('this machine\'s public address, from its own interfaces only', () => {
	it('behind a router (private, loopback, link-local, CGNAT) there is none to suggest', () => {
		expect(localPublicAddress({lo: [info('127.0.0.1', 'IPv4', true)], eth0: [info('192.168.1.20', 'IPv4'), info('fe80::1', 'IPv6')], tun0: [info('100.64.3.4', 'IPv4')]})).toBeUndefined();
	});

	it('a public IPv4 address on an interface is suggested, before a public IPv6 one', () => {
		expect(localPublicAddress({eth0: [info('2a01:4f8::5', 'IPv6'), info('10.0.0.5', 'IPv4')], eth1: [info('198.51.99.7', 'IPv4')]})).toBe('198.51.99.7');
		expect(localPublicAddress({eth0: [info('2a01:4f8::5', 'IPv6'), info('10.0.0.5', 'IPv4')]})).toBe('2a01:4f8::5');
	});
});
