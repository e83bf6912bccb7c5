import type {SnapshotServer} from '../dns/watch.js';
import {formatSeconds} from '../text/format-seconds.js';

/**
 * What a step shows beyond one progress line: its sub-steps, one row per image pulled, per-service state, and
 * (the DNS step) one row per server with a summary per name. Each kind has a plain-line form, so the plain and JSON
 * renderers never lose a fact that the screen shows.
 */
export type StepDetail =
	| {kind: 'substep'; id: string; title: string; state: 'running' | 'done' | 'skipped' | 'failed'; note?: string}
	| {kind: 'image'; image: string; state: 'pulling' | 'pulled' | 'up-to-date' | 'failed'; note?: string}
	| {kind: 'service'; service: string; state: string; health?: 'starting' | 'healthy' | 'unhealthy'; note?: string}
	| DnsServerDetail
	| DnsSummaryDetail;

/**
 * One DNS server's answer for one watched name, in one round of the watcher: the watcher's row (role, address,
 * answer, TTL, status, message, TCP, public rows' expiry), named by the watched name, the server and the round.
 */
export type DnsServerDetail = {
	kind: 'dns-server';
	/** The name watched: the domain or an alias. */
	name: string;
	/** The NS name (ns1.example.com) or the resolver's label (Cloudflare). */
	server: string;
	/** The round this row belongs to (rows of older rounds are not shown). */
	round: number;
} & Omit<SnapshotServer, 'name'>;

/** Something that still stops the certificate (blocker) or may (warning), with its fix. */
export interface DnsMissing {
	code: string;
	severity: 'blocker' | 'warning';
	server?: string;
	message: string;
	fix: string;
}

/** Where the watch of one name stands after a round. */
export interface DnsSummaryDetail {
	kind: 'dns-summary';
	name: string;
	/** The zone that holds the name, once found. */
	zone?: string;
	/** The record to create at the DNS provider. */
	record: {type: 'A' | 'AAAA'; name: string; value: string; ttl: number};
	state: 'waiting' | 'ready' | 'timeout';
	round: number;
	/** When the watch started and when this round ran (epoch ms). */
	startedAt: number;
	at: number;
	/** When the next round runs, while waiting. */
	nextPollAt?: number;
	/** How long resolvers may cache "does not exist" (from the SOA), while the record is missing. */
	negativeTtl?: number;
	missing: DnsMissing[];
}

/** Details with the same key describe the same thing: the newest replaces the older one on screen. */
export function detailKey(detail: StepDetail): string {
	switch (detail.kind) {
		case 'substep':
			return `substep:${detail.id}`;
		case 'image':
			return `image:${detail.image}`;
		case 'service':
			return `service:${detail.service}`;
		case 'dns-server':
			return `dns-server:${detail.name}:${detail.role}:${detail.server}:${detail.address}`;
		case 'dns-summary':
			return `dns-summary:${detail.name}`;
	}
}

const substepIcons = {running: '…', done: '✔', skipped: '–', failed: '✖'} as const;

export function detailLine(detail: StepDetail): string {
	const note = 'note' in detail && detail.note ? ` — ${detail.note}` : '';
	switch (detail.kind) {
		case 'substep':
			return `${substepIcons[detail.state]} ${detail.title}${note}`;
		case 'image':
			return `image ${detail.image}: ${detail.state}${note}`;
		case 'service':
			return `service ${detail.service}: ${detail.state}${detail.health ? ` (${detail.health})` : ''}${note}`;
		case 'dns-server':
			return dnsServerLine(detail);
		case 'dns-summary':
			return dnsSummaryLine(detail);
	}
}

/** "10.77.0.2", or the first three of a long answer and how many there are. */
export function answerText(answer: string[]): string {
	if (answer.length === 0) return '—';
	return answer.length <= 3 ? answer.join(', ') : `${answer.slice(0, 3).join(', ')} … (${answer.length} in all)`;
}

/** "ns1.example.com (192.0.2.1)", or the address alone when that is the name. */
export function serverLabel(detail: Pick<DnsServerDetail, 'server' | 'address'>): string {
	return detail.server === detail.address || detail.address === '' ? detail.server : `${detail.server} (${detail.address})`;
}

function dnsServerLine(detail: DnsServerDetail): string {
	const answer = detail.answer.length > 0 ? ` ${answerText(detail.answer)}${detail.ttl === undefined ? '' : ` TTL ${detail.ttl} s`},` : '';
	const tcp = detail.tcp ? ' (over TCP: the UDP answer was truncated)' : '';
	return `${detail.role} ${serverLabel(detail)} for ${detail.name}: ${detail.status},${answer} ${detail.message}${tcp}`;
}

function recordText(record: DnsSummaryDetail['record']): string {
	return `${record.type} ${record.name} → ${record.value} (TTL ${record.ttl})`;
}

function dnsSummaryLine(detail: DnsSummaryDetail): string {
	const after = formatSeconds((detail.at - detail.startedAt) / 1000);
	const zone = detail.zone ? ` in zone ${detail.zone}` : '';
	if (detail.state === 'ready') {
		return `${detail.name} is ready after ${after} (round ${detail.round}): every authoritative server${zone} answers ${detail.record.value}`;
	}
	const parts = [
		detail.state === 'timeout'
			? `${detail.name} is not ready after ${after} (round ${detail.round}): gave up`
			: `${detail.name} is not ready after ${after} (round ${detail.round})${detail.nextPollAt === undefined ? '' : `, next poll in ${formatSeconds((detail.nextPollAt - detail.at) / 1000)}`}`,
		`record to create${zone}: ${recordText(detail.record)}`,
		...(detail.negativeTtl === undefined ? [] : [`resolvers may cache its absence for up to ${formatSeconds(detail.negativeTtl)}`]),
		...(detail.missing.length === 0 ? [] : [`still missing: ${detail.missing.map((item) => `${item.severity === 'warning' ? '(warning) ' : ''}${item.message} (fix: ${item.fix})`).join('; ')}`]),
	];
	return parts.join('; ');
}
