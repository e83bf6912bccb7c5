import {describe, expect, it} from 'vitest';
import {UserError} from '../../../source/errors.js';
import {parsePracticeServer} from '../../../source/rehearsal/practice-server.js';
import {pitfallNamed} from '../../../source/rehearsal/pitfalls.js';
import {guessZone, recordName, recordType, recordValue, zoneOf} from '../../../source/rehearsal/records.js';
import {rehearseAgain} from '../../../source/rehearsal/run.js';

function refusal(run: () => unknown): UserError {
	try {
		run();
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

describe('--on user@host[:port]', () => {
	it('takes a user, a host and an optional port (brackets around an IPv6 address with a port)', () => {
		expect(parsePracticeServer('alpine@192.168.64.5')).toEqual({user: 'alpine', host: '192.168.64.5', port: 22});
		expect(parsePracticeServer('alpine@192.168.64.5:2222')).toEqual({user: 'alpine', host: '192.168.64.5', port: 2222});
		expect(parsePracticeServer('me@[fd00::5]:22')).toEqual({user: 'me', host: 'fd00::5', port: 22});
		expect(parsePracticeServer('ubuntu@vm.local')).toEqual({user: 'ubuntu', host: 'vm.local', port: 22});
	});

	it('refuses a missing user, a bad port or host, naming --on (exit 2)', () => {
		for (const bad of ['192.168.64.5', '@192.168.64.5', 'alpine@192.168.64.5:0', 'alpine@192.168.64.5:99999', 'alpine@-oProxyCommand=x', 'al pine@h']) {
			const error = refusal(() => parsePracticeServer(bad));
			expect(error.message).toMatch(/^--on "/);
			expect(error.exitCode).toBe(2);
		}
	});
});

describe('--pitfall', () => {
	it('knows the five names and suggests a near one', () => {
		expect(pitfallNamed('aaaa')).toBe('aaaa');
		const error = refusal(() => pitfallNamed('aaa'));
		expect(error.message).toBe('--pitfall: there is no pitfall "aaa" (did you mean "aaaa"?).');
		expect(error.exitCode).toBe(2);
	});
});

describe('zones and records', () => {
	it('guesses the registrable domain as the zone, one label longer under a country\'s co/com', () => {
		expect(guessZone('shop.practice.test')).toBe('practice.test');
		expect(guessZone('api.example.co.uk')).toBe('example.co.uk');
		expect(guessZone('example.com')).toBe('example.com');
		expect(zoneOf('a.b.example.com', ['example.com', 'b.example.com'])).toBe('b.example.com');
		expect(zoneOf('a.example.org', ['example.com'])).toBeUndefined();
	});

	it('checks dns set\'s TYPE, NAME and VALUE, naming the field', () => {
		expect(recordType('aaaa')).toBe('AAAA');
		expect(recordName('Shop.Practice.Test.')).toBe('shop.practice.test');
		expect(recordValue('A', '10.77.0.2')).toBe('10.77.0.2');
		expect(refusal(() => recordType('MX')).message).toMatch(/^TYPE "MX": expected one of A, AAAA, CAA, CNAME, TXT/);
		expect(refusal(() => recordName('shop..test')).message).toMatch(/^NAME "shop\.\.test": /);
		expect(refusal(() => recordValue('A', '10.77.0.300')).message).toMatch(/^VALUE "10\.77\.0\.300": expected an IPv4 address/);
		expect(refusal(() => recordValue('AAAA', '10.77.0.2')).exitCode).toBe(2);
	});
});

it('the rehearsal\'s own command line names the practice server, the key and a pitfall as the person gave them, quoted only when needed', () => {
	expect(rehearseAgain({on: 'alpine@192.168.64.5', pitfall: 'none'})).toBe('rehearse --on alpine@192.168.64.5');
	expect(rehearseAgain({on: 'alpine@[fd00::5]:2222', identity: 'keys/my vm', pitfall: 'aaaa'})).toBe('rehearse --on alpine@[fd00::5]:2222 --identity \'keys/my vm\' --pitfall aaaa');
});
