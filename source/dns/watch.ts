/**
 * One round of the DNS watcher: every authoritative server asked in parallel (A, AAAA, CAA with recursion off),
 * the CAA walk, the readiness verdict; then, only when the authoritative servers agree, the public resolvers.
 * watch-loop.ts repeats rounds until every name is ready.
 */
import {isIP} from 'node:net';
import type {QueryFn} from './client.js';
import type {ZoneInfo} from './discovery.js';
import {canonicalIp} from './ip.js';
import {normalizeName} from './names.js';
import {countdownText, expiresAt, queryPublicView, type PublicRow} from './public-view.js';
import {addressType, evaluateReadiness, type AddressType, type Problem, type ServerReport} from './readiness.js';
import {collectServerRecords, walkCaa, type ServerAddress, type ServerRecords} from './records.js';

export interface WatchTarget {
	/** From discoverZone (or built by hand for a zone the bootstrap resolver cannot see). */
	zone: Pick<ZoneInfo, 'zone' | 'nameservers'>;
	name: string;
	expectAddress: string;
	expectIpv6?: string;
	privateTargetOk?: boolean;
	caaIdentities: string[];
	caName?: string;
	/** Display-only resolvers ("what users see"); asked only after the authoritative servers agree. */
	publicResolvers: ServerAddress[];
	/** Recursive resolvers for the CAA walk above the zone. */
	bootstrap: ServerAddress[];
	/** Port of the authoritative servers (default 53; tests use another). */
	port?: number;
	timeoutMs?: number;
	/** TTL hoist suggests for the record (default 300). */
	suggestedTtl?: number;
	query?: QueryFn;
	now?: () => number;
}

export type ServerRole = 'authoritative' | 'public';

export interface SnapshotServer {
	role: ServerRole;
	name: string;
	address: string;
	/** The address record's values (A, or AAAA for an IPv6-only server). */
	answer: string[];
	ttl?: number;
	/** Authoritative: ok | missing | wrong | error. Public: current | stale | missing | error. */
	status: string;
	message: string;
	/** The A answer came over TCP after a truncated UDP answer (authoritative rows). */
	tcp?: boolean;
	/** Public rows: when the answer was seen and when the cached answer expires at the latest. */
	seenAt?: number;
	expiresAt?: number;
}

export interface WatchSnapshot {
	at: number;
	zone: string;
	/** The record to create: A, or AAAA for a server hoist knows only by IPv6. */
	record: {type: AddressType; name: string; value: string; suggestedTtl: number};
	servers: SnapshotServer[];
	ready: boolean;
	/** The authoritative servers all answer exactly the expected address (public rows are present). */
	agree: boolean;
	problems: Problem[];
	/** Longest negative-caching time among servers that said NXDOMAIN/NODATA. */
	negativeTtl?: number;
	elapsedMs: number;
}

export const defaultSuggestedTtl = 300;

function pickAddress(addresses: string[]): string | undefined {
	return addresses.find((address) => isIP(address) === 4) ?? addresses[0];
}

function authoritativeRow(report: ServerReport, records: ServerRecords[], type: AddressType): SnapshotServer {
	const entry = records.find((candidate) => candidate.server.address === report.server.address);
	const tcp = (type === 'A' ? entry?.a : entry?.aaaa)?.tcp === true;
	return {
		role: 'authoritative', name: report.server.name, address: report.server.address, answer: report.answer,
		...(report.ttl === undefined ? {} : {ttl: report.ttl}), status: report.status, message: report.message, ...(tcp ? {tcp} : {}),
	};
}

function publicRow(row: PublicRow, now: number): SnapshotServer {
	const expiry = expiresAt(row);
	return {
		role: 'public', name: row.resolver.name, address: row.resolver.address, answer: row.answer,
		...(row.ttl === undefined ? {} : {ttl: row.ttl}), status: row.status, message: countdownText(row, now),
		seenAt: row.seenAt, ...(expiry === undefined ? {} : {expiresAt: expiry}),
	};
}

export interface RoundOptions {
	signal?: AbortSignal;
}

/** One round: ask, judge, and (when the authoritative servers agree) look at the public view. */
export async function watchRound(target: WatchTarget, options: RoundOptions = {}): Promise<WatchSnapshot> {
	const now = target.now ?? Date.now;
	const started = now();
	const zone = normalizeName(target.zone.zone);
	const name = normalizeName(target.name);
	const common = {
		...(target.timeoutMs === undefined ? {} : {timeoutMs: target.timeoutMs}),
		...(options.signal === undefined ? {} : {signal: options.signal}),
		...(target.query === undefined ? {} : {query: target.query}),
	};
	const servers: ServerAddress[] = [];
	const unreachableServers: Array<{name: string; error: string}> = [];
	for (const ns of target.zone.nameservers) {
		const address = pickAddress(ns.addresses);
		if (address === undefined) unreachableServers.push({name: ns.name, error: ns.error ?? 'no address'});
		else servers.push({name: ns.name, address, ...((ns.port ?? target.port) === undefined ? {} : {port: ns.port ?? target.port})});
	}
	const [records, caaWalk] = await Promise.all([
		Promise.all(servers.map((server) => collectServerRecords({server, name, zone, ...common}))),
		walkCaa({name, zone, servers, bootstrap: target.bootstrap, ...common}),
	]);
	const verdict = evaluateReadiness({
		name, zone, expectAddress: target.expectAddress, caaIdentities: target.caaIdentities, servers: records, caaWalk,
		unreachableServers, suggestedTtl: target.suggestedTtl ?? defaultSuggestedTtl,
		...(target.expectIpv6 === undefined ? {} : {expectIpv6: target.expectIpv6}),
		...(target.privateTargetOk === undefined ? {} : {privateTargetOk: target.privateTargetOk}),
		...(target.caName === undefined ? {} : {caName: target.caName}),
	});
	const type = addressType(target.expectAddress);
	const rows: SnapshotServer[] = verdict.servers.map((report) => authoritativeRow(report, records, type));
	for (const missing of unreachableServers) {
		rows.push({role: 'authoritative', name: missing.name, address: '', answer: [], status: 'error', message: `no address: ${missing.error}`});
	}
	if (verdict.agree && target.publicResolvers.length > 0) {
		const view = await queryPublicView({
			resolvers: target.publicResolvers, name, type, expectAddress: target.expectAddress, ...common,
			...(target.now === undefined ? {} : {now: target.now}),
		});
		const seen = now();
		rows.push(...view.map((row) => publicRow(row, seen)));
	}
	return {
		at: started,
		zone,
		record: {type, name, value: canonicalIp(target.expectAddress), suggestedTtl: target.suggestedTtl ?? defaultSuggestedTtl},
		servers: rows,
		ready: verdict.ready,
		agree: verdict.agree,
		problems: verdict.problems,
		...(verdict.negativeTtl === undefined ? {} : {negativeTtl: verdict.negativeTtl}),
		elapsedMs: now() - started,
	};
}
