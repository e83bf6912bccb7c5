/**
 * What public resolvers say (display only, never a gate): A answers with their TTL and a countdown to when a stale
 * cached answer expires. Only meant to be asked after the authoritative servers agree: asking earlier would plant
 * a negative answer in their caches (RFC 2308), which then outlives the fix.
 */
import {DnsQueryError, query as defaultQuery, type QueryFn} from './client.js';
import {canonicalIp, sameIp} from './ip.js';
import {sameName} from './names.js';
import {formatSeconds} from './readiness.js';
import {negativeCaching, type ServerAddress} from './records.js';

export type PublicStatus = 'current' | 'stale' | 'missing' | 'error';

export interface PublicRow {
	resolver: ServerAddress;
	status: PublicStatus;
	/** The address record's values (after any CNAME). */
	answer: string[];
	/** TTL as the resolver gave it (remaining cache time), or the negative TTL for a missing answer. */
	ttl?: number;
	/** When the answer was seen (ms since the epoch). */
	seenAt: number;
	rcode?: string;
	error?: string;
}

export interface PublicViewOptions {
	resolvers: ServerAddress[];
	name: string;
	/** The address record users look up (default A). */
	type?: 'A' | 'AAAA';
	expectAddress: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	query?: QueryFn;
	now?: () => number;
}

/** Asks every public resolver (recursion on) for the name's address records (A, or AAAA), in parallel. */
export async function queryPublicView(options: PublicViewOptions): Promise<PublicRow[]> {
	const query = options.query ?? defaultQuery;
	const now = options.now ?? Date.now;
	const type = options.type ?? 'A';
	return Promise.all(options.resolvers.map(async (resolver): Promise<PublicRow> => {
		try {
			const response = await query({
				server: resolver.address, name: options.name, type, recursion: true,
				...(resolver.port === undefined ? {} : {port: resolver.port}),
				...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
				...(options.signal === undefined ? {} : {signal: options.signal}),
			});
			const seenAt = now();
			const a = response.answers.filter((record) => record.type === type);
			if (response.rcode === 'NOERROR' && a.length > 0) {
				const answer = [...new Set(a.map((record) => canonicalIp(record.data as string)))];
				const ttl = Math.min(...a.map((record) => record.ttl));
				const current = answer.length > 0 && answer.every((value) => sameIp(value, options.expectAddress));
				return {resolver, status: current ? 'current' : 'stale', answer, ttl, seenAt, rcode: response.rcode};
			}
			if (response.rcode === 'NOERROR' || response.rcode === 'NXDOMAIN') {
				// A resolver's negative answer carries the SOA with its remaining negative-cache time.
				const negative = negativeCaching(response.authorities.filter((record) => record.type === 'SOA'));
				const cname = response.answers.some((record) => record.type === 'CNAME' && sameName(record.name, options.name));
				return {
					resolver, status: 'missing', answer: [], seenAt, rcode: response.rcode,
					...(negative ? {ttl: negative.ttl} : {}), ...(cname ? {error: 'CNAME without an address'} : {}),
				};
			}
			return {resolver, status: 'error', answer: [], seenAt, rcode: response.rcode, error: response.rcode};
		} catch (error) {
			if (!(error instanceof DnsQueryError)) throw error;
			return {resolver, status: 'error', answer: [], seenAt: now(), error: error.message};
		}
	}));
}

/** Seconds until the cached answer of a row expires at the latest (0 when expired or unknown). */
export function secondsLeft(row: Pick<PublicRow, 'ttl' | 'seenAt'>, now: number): number {
	if (row.ttl === undefined) return 0;
	return Math.max(0, Math.ceil(row.ttl - (now - row.seenAt) / 1000));
}

/** When the cached answer expires at the latest (ms since the epoch), or undefined without a TTL. */
export function expiresAt(row: Pick<PublicRow, 'ttl' | 'seenAt'>): number | undefined {
	return row.ttl === undefined ? undefined : row.seenAt + row.ttl * 1000;
}

/**
 * The countdown for a row: "old answer expires in ≤ 42 s" for a stale answer, "cached as missing, expires in
 * ≤ 12 s" for a negative one, "up to date" when it answers the expected address.
 */
export function countdownText(row: PublicRow, now: number): string {
	const left = secondsLeft(row, now);
	switch (row.status) {
		case 'current':
			return `up to date: ${row.answer.join(', ')}`;
		case 'stale':
			return left > 0 ? `old answer expires in ≤ ${formatSeconds(left)}` : 'old answer has expired: the next query gets the new one';
		case 'missing':
			if (row.ttl === undefined) return 'cached as missing';
			return left > 0 ? `cached as missing, expires in ≤ ${formatSeconds(left)}` : 'negative answer has expired: the next query gets the new one';
		case 'error':
			return `no answer: ${row.error ?? row.rcode ?? 'error'}`;
	}
}
