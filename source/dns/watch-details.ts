/**
 * The DNS watcher's rows as the DNS step reports them (one per server and round, one summary per watched name) and
 * their plain lines; the DNS watcher screen (ui/ink/DnsWatcher.tsx) reads the same data.
 */
import type {DetailRow, StepDetail} from '../engine/details.js';
import {formatSeconds} from '../text/format-seconds.js';
import type {SnapshotServer} from './watch.js';

export const dnsServerKind = 'dns-server';
export const dnsSummaryKind = 'dns-summary';

/**
 * One DNS server's answer for one watched name, in one round of the watcher: the watcher's row (role, address,
 * answer, TTL, status, message, TCP, public rows' expiry), named by the watched name, the server and the round.
 */
export type DnsServerData = {
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
export interface DnsSummaryData {
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

export function dnsServerRow(data: DnsServerData): DetailRow<DnsServerData> {
	return {kind: dnsServerKind, key: `${dnsServerKind}:${data.name}:${data.role}:${data.server}:${data.address}`, data, line: dnsServerLine(data)};
}

export function dnsSummaryRow(data: DnsSummaryData): DetailRow<DnsSummaryData> {
	return {kind: dnsSummaryKind, key: `${dnsSummaryKind}:${data.name}`, data, line: dnsSummaryLine(data)};
}

export function isDnsSummary<Detail extends StepDetail>(detail: Detail): detail is Detail & StepDetail<DnsSummaryData> {
	return detail.kind === dnsSummaryKind;
}

export function isDnsServer<Detail extends StepDetail>(detail: Detail): detail is Detail & StepDetail<DnsServerData> {
	return detail.kind === dnsServerKind;
}

/** "10.77.0.2", or the first three of a long answer and how many there are. */
export function answerText(answer: string[]): string {
	if (answer.length === 0) return '—';
	return answer.length <= 3 ? answer.join(', ') : `${answer.slice(0, 3).join(', ')} … (${answer.length} in all)`;
}

/** "ns1.example.com (192.0.2.1)", or the address alone when that is the name. */
export function serverLabel(row: Pick<DnsServerData, 'server' | 'address'>): string {
	return row.server === row.address || row.address === '' ? row.server : `${row.server} (${row.address})`;
}

function dnsServerLine(row: DnsServerData): string {
	const answer = row.answer.length > 0 ? ` ${answerText(row.answer)}${row.ttl === undefined ? '' : ` TTL ${row.ttl} s`},` : '';
	const tcp = row.tcp ? ' (over TCP: the UDP answer was truncated)' : '';
	return `${row.role} ${serverLabel(row)} for ${row.name}: ${row.status},${answer} ${row.message}${tcp}`;
}

function recordText(record: DnsSummaryData['record']): string {
	return `${record.type} ${record.name} → ${record.value} (TTL ${record.ttl})`;
}

function dnsSummaryLine(summary: DnsSummaryData): string {
	const after = formatSeconds((summary.at - summary.startedAt) / 1000);
	const zone = summary.zone ? ` in zone ${summary.zone}` : '';
	if (summary.state === 'ready') {
		return `${summary.name} is ready after ${after} (round ${summary.round}): every authoritative server${zone} answers ${summary.record.value}`;
	}
	const parts = [
		summary.state === 'timeout'
			? `${summary.name} is not ready after ${after} (round ${summary.round}): gave up`
			: `${summary.name} is not ready after ${after} (round ${summary.round})${summary.nextPollAt === undefined ? '' : `, next poll in ${formatSeconds((summary.nextPollAt - summary.at) / 1000)}`}`,
		`record to create${zone}: ${recordText(summary.record)}`,
		...(summary.negativeTtl === undefined ? [] : [`resolvers may cache its absence for up to ${formatSeconds(summary.negativeTtl)}`]),
		...(summary.missing.length === 0 ? [] : [`still missing: ${summary.missing.map((item) => `${item.severity === 'warning' ? '(warning) ' : ''}${item.message} (fix: ${item.fix})`).join('; ')}`]),
	];
	return parts.join('; ');
}
