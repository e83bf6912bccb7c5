import {describe, expect, it} from 'vitest';
import {caHostToResolve, caNetwork, certificateReach, type CaNetwork} from '../../../source/dns/ca-reach.js';

const letsEncrypt = 'https://acme-v02.api.letsencrypt.org/directory';
const publicCa: CaNetwork = {host: 'acme.example.com', private: false};
const privateCa: CaNetwork = {host: '10.77.0.1', private: true, why: '10.77.0.1 is private (RFC 1918)'};

describe('caNetwork: is the ACME CA on a private network?', () => {
	it('decides a literal address by itself, IPv4 and IPv6, and localhost', () => {
		expect(caNetwork('https://10.77.0.1:14000/dir')).toEqual(privateCa);
		expect(caNetwork('https://[fd00::5]/acme/directory')).toEqual({host: 'fd00::5', private: true, why: 'fd00::5 is unique local (ULA)'});
		expect(caNetwork('https://127.0.0.1:9000/acme/acme/directory')).toMatchObject({private: true, why: '127.0.0.1 is loopback'});
		expect(caNetwork('https://localhost:9000/directory')).toMatchObject({private: true});
		expect(caNetwork('https://44.192.0.10/directory')).toEqual({host: '44.192.0.10', private: false});
	});

	it('a name: private when it resolves to a non-public address; Let\'s Encrypt and an unresolved name are public', () => {
		expect(caNetwork('https://ca.home.arpa/acme/directory', {name: 'ca.home.arpa.', ipv4: ['192.168.1.3'], ipv6: []}))
			.toEqual({host: 'ca.home.arpa', private: true, why: 'ca.home.arpa resolves to 192.168.1.3, private (RFC 1918)'});
		expect(caNetwork('https://acme.example.com/directory', {name: 'acme.example.com.', ipv4: ['44.192.0.10'], ipv6: ['2600:1f18::1']})).toEqual(publicCa);
		expect(caNetwork('https://acme.example.com/directory')).toEqual(publicCa);
		expect(caNetwork(letsEncrypt, {name: 'x', ipv4: ['10.0.0.1'], ipv6: []})).toMatchObject({private: false});
	});

	it('looks up only a name that is neither an address, localhost nor Let\'s Encrypt', () => {
		expect(caHostToResolve('https://ca.home.arpa/acme/directory')).toBe('ca.home.arpa');
		expect([caHostToResolve('https://10.77.0.1:14000/dir'), caHostToResolve('https://[::1]/d'), caHostToResolve('https://localhost/d'), caHostToResolve(letsEncrypt)])
			.toEqual([undefined, undefined, undefined, undefined]);
	});
});

describe('certificateReach: watch DNS and get a certificate, or skip', () => {
	const caName = 'the ACME CA at 10.77.0.1:14000';

	it('a public address is watched with any CA, its IPv6 address beside it', () => {
		expect(certificateReach({address: '44.192.0.10', ca: publicCa, caName})).toEqual({watch: true, address: '44.192.0.10', privateTargetOk: false});
		expect(certificateReach({address: '44.192.0.10', ipv6: '2600:1f18::1', ca: publicCa, caName})).toMatchObject({watch: true, ipv6: '2600:1f18::1'});
		expect(certificateReach({address: '2600:1f18::1', ca: publicCa, caName})).toEqual({watch: true, address: '2600:1f18::1', privateTargetOk: false});
	});

	it('a private address is watched when the CA is on a private network too, saying the public view may be empty', () => {
		const reach = certificateReach({address: '10.77.0.2', ca: privateCa, caName});
		expect(reach).toMatchObject({watch: true, address: '10.77.0.2', privateTargetOk: true});
		expect(reach.watch && reach.note).toBe('10.77.0.2 is not a public address (private (RFC 1918)), but the ACME CA at 10.77.0.1:14000 is on a private network too (10.77.0.1 is private (RFC 1918)) and can reach it: hoist watches DNS and gets the certificate; public resolvers may not know a private zone, so their rows may stay empty (they only show what users see)');
		expect(certificateReach({address: 'fd00::7', ca: privateCa, caName})).toMatchObject({watch: true, address: 'fd00::7', privateTargetOk: true});
	});

	it('a private address with a public CA is skipped, with both ways out', () => {
		expect(certificateReach({address: '10.77.0.2', ca: publicCa, caName: 'Let\'s Encrypt'})).toEqual({
			watch: false, address: '10.77.0.2',
			skip: '10.77.0.2 is not a public address (private (RFC 1918)): Let\'s Encrypt cannot reach it, so hoist skips the DNS and certificate steps (for HTTPS: set acme.directory to an ACME CA on the same network, such as step-ca, or dns.expectAddress to the public address that forwards to this server)',
		});
		expect(certificateReach({address: 'vm.example.net', ca: privateCa, caName})).toMatchObject({watch: false, skip: expect.stringMatching(/^the server is reached as vm\.example\.net, not by an IP address/)});
	});

	it('dns.expectAddress wins over everything', () => {
		expect(certificateReach({address: '10.77.0.2', expectAddress: '203.0.113.9', ca: publicCa, caName})).toEqual({watch: true, address: '203.0.113.9', privateTargetOk: true});
	});
});
