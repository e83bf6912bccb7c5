import {describe, expect, it} from 'vitest';
import {asCidr, domainAnswer, emailAnswer, instanceTypeAnswer, portAnswer, regionAnswer, sshCidrAnswer, stackFromFolder} from '../../../source/setup/validators.js';

describe('the setup\'s checks of typed answers (hoist.yml\'s own rules)', () => {
	it('domain: the messages hoist.yml gives', () => {
		expect(domainAnswer('api.example.com')).toBeUndefined();
		expect(domainAnswer('https://api.example.com')).toBe('expected a bare domain name, without "https://"');
		expect(domainAnswer('localhost')).toBe('expected a fully qualified name like "api.example.com"');
		expect(domainAnswer('10.0.0.1')).toMatch(/^expected a domain name, not an IP address/);
		expect(domainAnswer('Api.Example.com.')).toBeUndefined();
	});

	it('email: optional, but a typed one must be an address', () => {
		expect(emailAnswer('')).toBeUndefined();
		expect(emailAnswer('  ')).toBeUndefined();
		expect(emailAnswer('me@example.com')).toBeUndefined();
		expect(emailAnswer('me@')).toBe('expected an email address');
		expect(emailAnswer('example.com')).toBe('expected an email address');
	});

	it('port: typed text that is a whole number from 1 to 65535', () => {
		expect(portAnswer('8080')).toBeUndefined();
		expect(portAnswer(' 443 ')).toBeUndefined();
		expect(portAnswer('x8080')).toBe('"x8080" is not a number; expected a port from 1 to 65535');
		expect(portAnswer('80.5')).toBe('"80.5" is not a number; expected a port from 1 to 65535');
		expect(portAnswer('0')).toBe('expected a port from 1 to 65535');
		expect(portAnswer('70000')).toBe('expected a port from 1 to 65535');
		expect(portAnswer('')).toBe('type the port the service listens on, e.g. 8080');
	});

	it('region: the pattern hoist.yml checks, and a region that exists', () => {
		expect(regionAnswer('eu-west-1')).toBeUndefined();
		expect(regionAnswer('Europe')).toBe('expected a region like "eu-west-1"');
		expect(regionAnswer('eu-wset-1')).toBe('there is no AWS region "eu-wset-1" (did you mean "eu-west-1"?)');
		expect(regionAnswer('xx-nowhere-9')).toBe('there is no AWS region "xx-nowhere-9"');
	});

	it('SSH access: a bare address means that address alone; host bits are explained', () => {
		expect(asCidr('203.0.113.7')).toBe('203.0.113.7/32');
		expect(asCidr('2001:db8::1')).toBe('2001:db8::1/128');
		expect(sshCidrAnswer('203.0.113.7')).toBeUndefined();
		expect(sshCidrAnswer('203.0.113.0/24')).toBeUndefined();
		expect(sshCidrAnswer('203.0.113.7/24')).toMatch(/^203\.0\.113\.7\/24 has host bits set: AWS would read it as 203\.0\.113\.0\/24/);
		expect(sshCidrAnswer('my-laptop')).toBe('expected an IPv4 or IPv6 address before the "/"');
	});

	it('any valid instance type is accepted, nonsense is not', () => {
		expect(instanceTypeAnswer('c7g.large')).toBeUndefined();
		expect(instanceTypeAnswer('large')).toBe('expected an EC2 instance type like "t3.micro"');
	});

	it('a stack name from the folder\'s name, valid or "app"', () => {
		expect(stackFromFolder('Shop API')).toBe('shop-api');
		expect(stackFromFolder('2024_project')).toBe('project');
		expect(stackFromFolder('a'.repeat(40))).toBe('a'.repeat(32));
		expect(stackFromFolder('日本')).toBe('app');
	});
});
