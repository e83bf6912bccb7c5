import {isIP} from 'node:net';
import {domainProblem, normalDomain} from '../config/schema.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';
import type {Pitfall} from './pitfalls.js';

/** A record in a rehearsal zone, as `hoist rehearse dns` and the pitfalls write it. */
export interface ZoneRecord {
	name: string;
	type: RecordType;
	ttl: number;
	value: string;
}

export const recordTypes = ['A', 'AAAA', 'CAA', 'CNAME', 'TXT'] as const;
export type RecordType = (typeof recordTypes)[number];

/** The TTL hoist suggests people use at a registrar, and the rehearsal's records carry. */
export const rehearsalTtl = 60;

/** Addresses no practice server has: an old host (documentation ranges) and a Cloudflare proxy address. */
const oldIpv4 = '192.0.2.10';
const oldIpv6 = '2001:db8::10';
const cloudflareProxy = '104.16.0.10';

/** What a pitfall puts in the zone at the start, on each DNS stand-in (ns2 exists only for `stale`). */
export function initialRecords(standIns: {names: string[]; zones: string[]; pitfall: Pitfall}, server: string): ZoneRecord[] {
	const name = standIns.names[0]!;
	const zone = zoneOf(name, standIns.zones)!;
	switch (standIns.pitfall) {
		case 'aaaa': return [{name, type: 'AAAA', ttl: rehearsalTtl, value: oldIpv6}];
		case 'caa': return [{name: zone, type: 'CAA', ttl: rehearsalTtl, value: '0 issue "sectigo.com"'}];
		case 'proxy': return [{name, type: 'A', ttl: rehearsalTtl, value: cloudflareProxy}];
		case 'stale': return server === 'ns2' ? [{name, type: 'A', ttl: rehearsalTtl, value: oldIpv4}] : [];
		case 'none': return [];
	}
}

/** The zone among `zones` that holds `name` (the longest match), or undefined. */
export function zoneOf(name: string, zones: string[]): string | undefined {
	return zones.filter((zone) => name === zone || name.endsWith(`.${zone}`)).sort((a, b) => b.length - a.length)[0];
}

/** Second-level labels under which registries sell names (example.co.uk): the zone is one label longer there. */
const secondLevel = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'nic', 'ltd', 'plc', 'me']);

/**
 * The zone a name most likely sits in: its registrable domain (the last two labels, three under a country's co/com/…).
 * Undefined when the name is that short already and no guess is sure: then rehearsal.zones must say it.
 */
export function guessZone(name: string): string | undefined {
	const labels = name.split('.');
	const [second, top] = labels.slice(-2);
	const width = top !== undefined && top.length === 2 && second !== undefined && secondLevel.has(second) ? 3 : 2;
	return labels.length >= width ? labels.slice(-width).join('.') : undefined;
}

/** A name for `dns set/delete`, normalised; a user error naming the field when it is not one. */
export function recordName(value: string): string {
	const problem = domainProblem(value);
	if (problem) throw badField('NAME', value, problem);
	return normalDomain(value);
}

export function recordType(value: string): RecordType {
	const type = value.toUpperCase();
	if ((recordTypes as readonly string[]).includes(type)) return type as RecordType;
	throw badField('TYPE', value, `expected one of ${recordTypes.join(', ')}`);
}

/** The value of a record of this type, checked as the zone would refuse it (an A holds an IPv4 address, …). */
export function recordValue(type: RecordType, value: string): string {
	const problem = {
		A: () => (isIP(value) === 4 ? undefined : 'expected an IPv4 address like "192.168.64.5"'),
		AAAA: () => (isIP(value) === 6 ? undefined : 'expected an IPv6 address like "2001:db8::5"'),
		CNAME: () => domainProblem(value.replace(/\.$/, '')),
		CAA: () => (/^\d{1,3} (issue|issuewild|iodef) "[^"\s]*"$/.test(value) ? undefined : 'expected a CAA value like \'0 issue "letsencrypt.org"\''),
		// eslint-disable-next-line no-control-regex
		TXT: () => (value.length > 0 && value.length <= 255 && !/[\u0000-\u001f"\\]/.test(value) ? undefined : 'expected printable text of at most 255 characters, without quotes'),
	}[type]();
	if (problem) throw badField('VALUE', value, problem);
	return type === 'CNAME' ? `${normalDomain(value)}.` : type === 'TXT' ? `"${value}"` : value;
}

function badField(field: string, value: string, problem: string): UserError {
	return new UserError(printable(`${field} "${value}": ${problem}.`), {
		code: 'USAGE',
		nextSteps: ['For example: `hoist rehearse dns set A api.example.com 192.168.64.5` (`hoist rehearse dns --help` lists the forms).'],
	});
}
