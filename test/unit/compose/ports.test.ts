import {describe, expect, it} from 'vitest';
import {exposeRange, parsePortSpec} from '../../../source/compose/ports.js';
import {load, problems, webWith} from './project-dir.js';

describe('port notations', () => {
	it.each([
		['8080', {container: [8080, 8080], protocol: 'tcp'}],
		['80:8080', {host: [80, 80], container: [8080, 8080], protocol: 'tcp'}],
		['127.0.0.1:80:8080/udp', {hostIp: '127.0.0.1', host: [80, 80], container: [8080, 8080], protocol: 'udp'}],
		['127.0.0.1::8080', {hostIp: '127.0.0.1', container: [8080, 8080], protocol: 'tcp'}],
		['[::1]:443:8443', {hostIp: '::1', host: [443, 443], container: [8443, 8443], protocol: 'tcp'}],
		['8000-8010:9000-9010', {host: [8000, 8010], container: [9000, 9010], protocol: 'tcp'}],
		['8000-8010:80', {host: [8000, 8010], container: [80, 80], protocol: 'tcp'}],
		['53:53/UDP', {host: [53, 53], container: [53, 53], protocol: 'udp'}],
	])('%s', (spec, expected) => {
		expect(parsePortSpec(spec)).toEqual(expected);
	});

	it.each([
		['http', '"http" is not a port number or range'],
		['80:8080/http', '"http" is not a protocol (tcp, udp or sctp)'],
		['0:80', '0 is outside 1–65535'],
		['9010-9000', 'the range 9010-9000 runs backwards'],
		['8000-8001:80-82', 'the host and container ranges differ in size'],
		['1:2:3:4', 'expected [HOST_IP:][HOST:]CONTAINER[/PROTOCOL]'],
	])('%s is refused: %s', (spec, reason) => {
		expect(parsePortSpec(spec)).toBe(reason);
	});

	it('expose entries', () => {
		expect(exposeRange('8080')).toEqual({range: [8080, 8080], protocol: 'tcp'});
		expect(exposeRange(9000)).toEqual({range: [9000, 9000], protocol: 'tcp'});
		expect(exposeRange('5000-5002/udp')).toEqual({range: [5000, 5002], protocol: 'udp'});
		expect(exposeRange('80:80')).toBe('expected PORT or PORT/PROTOCOL, e.g. "8080" or "8080/tcp"');
	});
});

// Rule 5: hoist's Caddy publishes 80/tcp, 443/tcp and 443/udp; no service may take them.
describe('host ports 80 and 443', () => {
	it('the web service publishing 80 is told Caddy reaches it inside the stack', () => {
		expect(problems(webWith('ports: ["80:8080"]'))).toEqual([
			"docker-compose.yml:5:13: services.web.ports[0]: web publishes host port 80, which hoist's Caddy takes (it answers your domain on 80 and 443); remove this mapping: Caddy reaches web:8080 inside the stack",
		]);
	});

	it('another service publishing 443, 443/udp or a range over 80 is offered another host port', () => {
		const text = [
			webWith(),
			'  proxy:',
			'    image: ghcr.io/acme/proxy:1',
			'    ports:',
			'      - "443:443"',
			'      - "0.0.0.0:443:443/udp"',
			'      - "79-81:79-81"',
			'      - {target: 80, published: 80}',
			'',
		].join('\n');
		expect(problems(text)).toEqual([
			"docker-compose.yml:9:9: services.proxy.ports[0]: proxy publishes host port 443, which hoist's Caddy takes (it answers your domain on 80 and 443); remove this mapping, or publish another host port, e.g. \"8443:443\"",
			"docker-compose.yml:10:9: services.proxy.ports[1]: proxy publishes host port 443/udp, which hoist's Caddy takes (it answers your domain on 80 and 443); remove this mapping, or publish another host port, e.g. \"8443:443\"",
			"docker-compose.yml:11:9: services.proxy.ports[2]: proxy publishes host port 80, which hoist's Caddy takes (it answers your domain on 80 and 443); remove this mapping, or publish another host port, e.g. \"8079:79\"",
			"docker-compose.yml:12:9: services.proxy.ports[3]: proxy publishes host port 80, which hoist's Caddy takes (it answers your domain on 80 and 443); remove this mapping, or publish another host port, e.g. \"8080:80\"",
		]);
	});

	it('other host ports, container-only ports and 80/udp are fine', () => {
		const project = load(webWith('ports: ["8080:80", "80", "80:80/udp", "127.0.0.1::443"]'));
		expect(project.services['web']?.publishedPorts).toEqual([
			{host: 8080, container: 80, protocol: 'tcp'},
			{container: 80, protocol: 'tcp'},
			{host: 80, container: 80, protocol: 'udp'},
			{container: 443, protocol: 'tcp', hostIp: '127.0.0.1'},
		]);
	});
});
