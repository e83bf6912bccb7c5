/**
 * What each authoritative server says about the name: A, AAAA and CAA asked with recursion off, AA required,
 * in-zone CNAMEs followed (bounded), negative answers with their caching time. Plus the CAA walk up the tree.
 * The verdict on these observations is readiness.ts's job; this module only observes.
 */
import type {CaaData, SoaData} from 'dns-packet';
import {DnsQueryError, query as defaultQuery, type DnsRecord, type DnsResponse, type QueryFn} from './client.js';
import {canonicalIp} from './ip.js';
import {ancestors, inZone, normalizeName, sameName} from './names.js';

export interface ServerAddress {
	/** The NS name, e.g. ns1.example.net (or a label for a resolver). */
	name: string;
	address: string;
	port?: number;
}

export type LookupStatus =
	| 'answer' // NOERROR with records of the type (after CNAMEs)
	| 'nodata' // NOERROR, name exists, no records of the type
	| 'nxdomain'
	| 'servfail'
	| 'refused'
	| 'not-authoritative' // an answer without AA: a referral, or a server that does not serve the zone
	| 'rcode' // any other rcode (FORMERR, NOTIMP, …)
	| 'timeout'
	| 'network'
	| 'malformed'
	| 'cname-out-of-zone' // the chain leaves the zone: these servers cannot say where it ends
	| 'cname-loop'; // longer than the limit, or a loop

export type LookupType = 'A' | 'AAAA' | 'CAA';

export interface CaaRecord {
	/** The owner name the record was found at. */
	owner: string;
	flags: number;
	critical: boolean;
	tag: string;
	value: string;
	ttl: number;
}

export interface CnameLink {
	from: string;
	to: string;
	ttl: number;
}

export interface NegativeCaching {
	/** min(SOA TTL, SOA MINIMUM) of the SOA in the authority section (RFC 2308 §3). */
	ttl: number;
	/** Which of the two set it. */
	source: 'SOA MINIMUM' | 'SOA TTL';
	soa: SoaData & {ttl: number};
}

export interface RecordLookup {
	name: string;
	type: LookupType;
	server: ServerAddress;
	status: LookupStatus;
	rcode?: string;
	/** A/AAAA: canonical addresses of the final name; empty otherwise. */
	values: string[];
	/** CAA records of the final name. */
	caa: CaaRecord[];
	/** Smallest TTL of the final RRset. */
	ttl?: number;
	/** The CNAME chain followed from `name` (empty when there is none). */
	cnames: CnameLink[];
	/** The name the records belong to (the end of the chain). */
	finalName: string;
	/** NXDOMAIN / NODATA: how long resolvers may cache the absence. */
	negative?: NegativeCaching;
	/** At least one answer of the chain came over TCP. */
	tcp: boolean;
	elapsedMs: number;
	/** Transport failure, or a remark (e.g. the out-of-zone CNAME target). */
	error?: string;
}

export interface LookupOptions {
	server: ServerAddress;
	name: string;
	type: LookupType;
	zone: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	query?: QueryFn;
	/** Longest CNAME chain followed (default 8). */
	maxChain?: number;
}

export const defaultMaxChain = 8;

/** RFC 2308 §3: the negative-caching TTL of a NXDOMAIN/NODATA answer, from its authority SOA. */
export function negativeCaching(authorities: DnsRecord[]): NegativeCaching | undefined {
	const soa = authorities.find((record) => record.type === 'SOA');
	if (!soa || soa.type !== 'SOA') return undefined;
	const minimum = soa.data.minimum ?? soa.ttl;
	return {
		ttl: Math.min(soa.ttl, minimum),
		source: minimum <= soa.ttl ? 'SOA MINIMUM' : 'SOA TTL',
		soa: {...soa.data, ttl: soa.ttl},
	};
}

function caaRecord(record: DnsRecord): CaaRecord | undefined {
	if (record.type !== 'CAA') return undefined;
	const data: CaaData = record.data;
	const flags = data.flags ?? 0;
	return {owner: normalizeName(record.name), flags, critical: (flags & 0x80) !== 0, tag: data.tag.toLowerCase(), value: data.value, ttl: record.ttl};
}

function base(options: LookupOptions): Omit<RecordLookup, 'status' | 'elapsedMs' | 'tcp'> {
	return {name: normalizeName(options.name), type: options.type, server: options.server, values: [], caa: [], cnames: [], finalName: normalizeName(options.name)};
}

/**
 * Asks one authoritative server for NAME/TYPE with recursion off and follows in-zone CNAMEs, re-asking the same
 * server when it did not put the rest of the chain in its answer. Never throws for DNS or network trouble: the
 * status says what happened.
 */
export async function lookupAuthoritative(options: LookupOptions): Promise<RecordLookup> {
	const query = options.query ?? defaultQuery;
	const maxChain = options.maxChain ?? defaultMaxChain;
	const result: RecordLookup = {...base(options), status: 'answer', tcp: false, elapsedMs: 0};
	let current = result.name;
	const seen = new Set([current]);

	for (let round = 0; round <= maxChain; round++) {
		let response: DnsResponse;
		try {
			response = await query({
				server: options.server.address, name: current, type: options.type, recursion: false,
				...(options.server.port === undefined ? {} : {port: options.server.port}),
				...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
				...(options.signal === undefined ? {} : {signal: options.signal}),
			});
		} catch (error) {
			if (!(error instanceof DnsQueryError)) throw error;
			result.elapsedMs += error.elapsedMs;
			return {...result, status: error.reason, error: error.message};
		}
		result.elapsedMs += response.elapsedMs;
		result.tcp ||= response.tcp;
		result.rcode = response.rcode;
		if (response.rcode === 'SERVFAIL') return {...result, status: 'servfail'};
		if (response.rcode === 'REFUSED') return {...result, status: 'refused'};
		if (response.rcode !== 'NOERROR' && response.rcode !== 'NXDOMAIN') return {...result, status: 'rcode'};
		if (!response.aa) return {...result, status: 'not-authoritative'};

		// Walk the chain inside this answer as far as it goes.
		let name = current;
		for (;;) {
			const own = response.answers.filter((record) => sameName(record.name, name));
			const wanted = own.filter((record) => record.type === options.type);
			if (wanted.length > 0) {
				result.finalName = name;
				result.ttl = Math.min(...wanted.map((record) => record.ttl));
				if (options.type === 'CAA') result.caa = wanted.map(caaRecord).filter((r): r is CaaRecord => r !== undefined);
				else result.values = [...new Set(wanted.map((record) => canonicalIp(record.data as string)))];
				return result;
			}
			const cname = own.find((record) => record.type === 'CNAME');
			if (!cname || cname.type !== 'CNAME') break;
			const target = normalizeName(cname.data);
			result.cnames.push({from: name, to: target, ttl: cname.ttl});
			result.finalName = target;
			if (seen.has(target) || result.cnames.length > maxChain) {
				return {...result, status: 'cname-loop', error: `CNAME chain ${[result.name, ...result.cnames.map((link) => link.to)].join(' → ')}`};
			}
			seen.add(target);
			if (!inZone(target, options.zone)) {
				return {...result, status: 'cname-out-of-zone', error: `${name} is a CNAME to ${target}, outside ${normalizeName(options.zone)}`};
			}
			name = target;
		}
		if (name === current) {
			// Nothing for the name we asked: a negative answer.
			const negative = negativeCaching(response.authorities);
			return {...result, status: response.rcode === 'NXDOMAIN' ? 'nxdomain' : 'nodata', ...(negative ? {negative} : {})};
		}
		if (response.rcode === 'NXDOMAIN') {
			// The chain's target does not exist (the server said so in the same answer).
			const negative = negativeCaching(response.authorities);
			return {...result, status: 'nxdomain', ...(negative ? {negative} : {})};
		}
		current = name; // the server stopped part-way: ask it for the rest
	}
	return {...result, status: 'cname-loop', error: `CNAME chain longer than ${maxChain}`};
}

export interface ServerRecords {
	server: ServerAddress;
	a: RecordLookup;
	aaaa: RecordLookup;
	caa: RecordLookup;
}

export interface CollectOptions {
	server: ServerAddress;
	name: string;
	zone: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	query?: QueryFn;
	maxChain?: number;
}

/** A, AAAA and CAA for the name from one authoritative server, in parallel. */
export async function collectServerRecords(options: CollectOptions): Promise<ServerRecords> {
	const [a, aaaa, caa] = await Promise.all((['A', 'AAAA', 'CAA'] as const).map((type) => lookupAuthoritative({...options, type})));
	return {server: options.server, a: a!, aaaa: aaaa!, caa: caa!};
}

export interface CaaStep {
	/** The ancestor asked. */
	name: string;
	/** In-zone names are asked of each authoritative server; names above the zone of the bootstrap resolver. */
	source: 'authoritative' | 'bootstrap';
	server: ServerAddress;
	status: LookupStatus;
	records: CaaRecord[];
	error?: string;
}

export interface CaaWalkOptions {
	name: string;
	zone: string;
	servers: ServerAddress[];
	/** Recursive resolvers for the names above the zone; the walk stops where none answers. */
	bootstrap: ServerAddress[];
	timeoutMs?: number;
	signal?: AbortSignal;
	query?: QueryFn;
}

/**
 * The CAA walk of RFC 8659 §3 above the name itself: each ancestor, nearest first, until one holds a CAA set.
 * Ancestors inside the zone (down to the apex) are asked of every authoritative server; above the zone, the
 * bootstrap resolver with recursion on, as far as it answers (a resolver that cannot reach the parent zones ends
 * the walk without a verdict: that is not the user's zone).
 */
export async function walkCaa(options: CaaWalkOptions): Promise<CaaStep[]> {
	const query = options.query ?? defaultQuery;
	const steps: CaaStep[] = [];
	for (const name of ancestors(options.name)) {
		if (inZone(name, options.zone)) {
			const level = await Promise.all(options.servers.map(async (server): Promise<CaaStep> => {
				const lookup = await lookupAuthoritative({
					server, name, type: 'CAA', zone: options.zone, query,
					...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
					...(options.signal === undefined ? {} : {signal: options.signal}),
				});
				return {name, source: 'authoritative', server, status: lookup.status, records: lookup.caa, ...(lookup.error ? {error: lookup.error} : {})};
			}));
			steps.push(...level);
			if (level.some((step) => step.records.length > 0)) break;
			continue;
		}
		let step: CaaStep | undefined;
		for (const server of options.bootstrap) {
			try {
				const response = await query({
					server: server.address, name, type: 'CAA', recursion: true,
					...(server.port === undefined ? {} : {port: server.port}),
					...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
					...(options.signal === undefined ? {} : {signal: options.signal}),
				});
				const records = response.answers.filter((record) => sameName(record.name, name)).map(caaRecord)
					.filter((record): record is CaaRecord => record !== undefined);
				const status: LookupStatus = response.rcode === 'NOERROR' ? (records.length > 0 ? 'answer' : 'nodata')
					: response.rcode === 'NXDOMAIN' ? 'nxdomain' : response.rcode === 'SERVFAIL' ? 'servfail'
						: response.rcode === 'REFUSED' ? 'refused' : 'rcode';
				step = {name, source: 'bootstrap', server, status, records};
				break;
			} catch (error) {
				if (!(error instanceof DnsQueryError)) throw error;
				step = {name, source: 'bootstrap', server, status: error.reason, records: [], error: error.message};
			}
		}
		if (!step) break;
		steps.push(step);
		if (step.records.length > 0) break;
		if (step.status !== 'nodata' && step.status !== 'nxdomain' && step.status !== 'answer') break; // no further answers
	}
	return steps;
}
