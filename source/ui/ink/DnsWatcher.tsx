import {Box, Text} from 'ink';
import {countdownText, type PublicStatus} from '../../dns/public-view.js';
import {answerText, isDnsServer, isDnsSummary, serverLabel, type DnsServerData, type DnsSummaryData} from '../../dns/watch-details.js';
import type {StepDetail} from '../../engine/details.js';
import {formatSeconds} from '../../text/format-seconds.js';
import {formatDuration} from '../format-duration.js';
import type {StepState} from '../run-state.js';

/** Rows of missing things shown before "… N more". */
export const MISSING_SHOWN = 4;

interface NameBlock {
	name: string;
	summary?: DnsSummaryData;
	rows: DnsServerData[];
}

/** The watched names in the order they first appeared, each with its newest summary and the rows of its newest round. */
export function nameBlocks(details: StepDetail[]): NameBlock[] {
	const blocks = new Map<string, NameBlock>();
	const block = (name: string) => {
		let found = blocks.get(name);
		if (!found) blocks.set(name, (found = {name, rows: []}));
		return found;
	};
	for (const detail of details) {
		if (isDnsSummary(detail)) block(detail.data.name).summary = detail.data;
		if (isDnsServer(detail)) block(detail.data.name).rows.push(detail.data);
	}
	for (const found of blocks.values()) {
		const round = Math.max(...found.rows.map((row) => row.round));
		// Rows of older rounds (a public row from a round that agreed) would show what no longer holds.
		found.rows = found.rows.filter((row) => row.round === round);
	}
	return [...blocks.values()];
}

const statusLook: Record<string, {icon: string; color: string}> = {
	ok: {icon: '✔', color: 'green'},
	current: {icon: '✔', color: 'green'},
	missing: {icon: '…', color: 'yellow'},
	stale: {icon: '◷', color: 'yellow'},
	wrong: {icon: '✖', color: 'red'},
	error: {icon: '✖', color: 'red'},
};

/** A public row's text with its countdown as of now; the step's message for every other row. */
function rowMessage(row: DnsServerData, now: number): string {
	if (row.role === 'public' && row.seenAt !== undefined && (row.status === 'stale' || row.status === 'missing' || row.status === 'current')) {
		return countdownText({
			resolver: {name: row.server, address: row.address}, status: row.status as PublicStatus, answer: row.answer, seenAt: row.seenAt,
			...(row.ttl === undefined ? {} : {ttl: row.ttl}),
		}, now);
	}
	return row.message;
}

/** The TTL column: a public row's cache time counts down with the clock. */
function ttlText(row: DnsServerData, now: number): string {
	if (row.ttl === undefined) return '—';
	if (row.role === 'public' && row.seenAt !== undefined) return formatSeconds(Math.max(0, row.ttl - (now - row.seenAt) / 1000));
	return formatSeconds(row.ttl);
}

function stateLine(summary: DnsSummaryData, now: number): {text: string; color?: string} {
	const after = formatDuration(Math.max(0, summary.at - summary.startedAt));
	switch (summary.state) {
		case 'ready':
			return {text: `✔ ready after ${after} (round ${summary.round})`, color: 'green'};
		case 'timeout':
			return {text: `✖ not ready after ${after} (round ${summary.round}): hoist stopped waiting`, color: 'red'};
		case 'waiting': {
			const watching = formatDuration(Math.max(0, now - summary.startedAt));
			const next = summary.nextPollAt === undefined ? '' : summary.nextPollAt <= now ? ' · polling now' : ` · next poll in ${formatSeconds(Math.ceil((summary.nextPollAt - now) / 1000))}`;
			return {text: `watching for ${watching} · round ${summary.round}${next}`};
		}
	}
}

/** The answer column: one or two addresses, or the first and how many more (a full list is on the message line). */
function answerColumn(answer: string[]): string {
	return answer.length <= 2 ? answerText(answer) : `${answer[0]} +${answer.length - 1} more`;
}

function pad(text: string, width: number): string {
	return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function Block({block, now}: {block: NameBlock; now: number}) {
	const {summary, rows} = block;
	const state = summary ? stateLine(summary, now) : undefined;
	const labels = rows.map((row) => serverLabel(row));
	const answers = rows.map((row) => answerColumn(row.answer));
	const ttls = rows.map((row) => ttlText(row, now));
	const width = (texts: string[], header: string) => Math.max(header.length, ...texts.map((text) => text.length));
	const columns = {server: width(labels, 'server'), answer: Math.min(32, width(answers, 'answer')), ttl: width(ttls, 'TTL')};
	const blockers = summary?.missing ?? [];
	return (
		<Box flexDirection="column" marginLeft={2}>
			{summary ? (
				<Text>
					Record: <Text bold>{`${summary.record.type} ${summary.record.name} → ${summary.record.value}`}</Text>
					<Text dimColor>{` (TTL ${summary.record.ttl}) at your DNS provider${summary.zone ? ` · zone ${summary.zone}` : ''}`}</Text>
				</Text>
			) : (
				<Text>{block.name}</Text>
			)}
			{state ? <Text {...(state.color ? {color: state.color} : {dimColor: true})}>{state.text}</Text> : null}
			{rows.length === 0 ? null : (
				<Text dimColor>{`  ${pad('role', 13)} ${pad('server', columns.server)}  ${pad('answer', columns.answer)}  ${pad('TTL', columns.ttl)}  status`}</Text>
			)}
			{rows.map((row, index) => {
				const look = statusLook[row.status] ?? {icon: '?', color: 'gray'};
				const answer = answers[index]!.length > columns.answer ? `${answers[index]!.slice(0, columns.answer - 1)}…` : answers[index]!;
				const message = rowMessage(row, now);
				// "answers 192.0.2.1" says nothing the columns do not; anything else (why, a countdown, a CNAME) gets its own line.
				const said = row.status === 'ok' && message === `answers ${row.answer.join(', ')}`;
				return (
					<Box key={`${row.role}:${row.server}:${row.address}`} flexDirection="column">
						<Text wrap="truncate-end">
							<Text color={look.color}>{look.icon}</Text>
							{` ${pad(row.role, 13)} ${pad(labels[index]!, columns.server)}  ${pad(answer, columns.answer)}  ${pad(ttls[index]!, columns.ttl)}  `}
							<Text color={look.color}>{row.status}</Text>
						</Text>
						{said && !row.tcp ? null : <Text dimColor>{`      ${said ? '' : message}${row.tcp ? `${said ? '' : ' '}(over TCP: the UDP answer was truncated)` : ''}`}</Text>}
					</Box>
				);
			})}
			{blockers.length === 0 || summary?.state === 'ready' ? null : (
				<Box flexDirection="column">
					<Text>
						Still missing
						{summary?.negativeTtl === undefined ? '' : <Text dimColor>{` (resolvers may cache "does not exist" for up to ${formatSeconds(summary.negativeTtl)})`}</Text>}:
					</Text>
					{blockers.slice(0, MISSING_SHOWN).map((item, index) => (
						<Box key={index} flexDirection="column" marginLeft={2}>
							<Text color={item.severity === 'warning' ? 'yellow' : 'red'}>{`• ${item.severity === 'warning' ? 'warning: ' : ''}${item.message}`}</Text>
							<Text dimColor>{`  → ${item.fix}`}</Text>
						</Box>
					))}
					{blockers.length > MISSING_SHOWN ? <Text dimColor>{`  … ${blockers.length - MISSING_SHOWN} more`}</Text> : null}
				</Box>
			)}
		</Box>
	);
}

/**
 * The DNS watcher (dnsglobe-like): per watched name, the record to create, how long hoist has watched and when it
 * polls next, one row per server (role, address, answer, TTL, status; public resolvers' cached answers counting down
 * with the clock), and what is still missing with its fix. Built from the step's details only, so the plain and JSON
 * output carry the same facts.
 */
export function DnsWatcher({step, now}: {step: StepState; now: number}) {
	const blocks = nameBlocks(step.details);
	if (blocks.length === 0) return <Text dimColor>{'  asking the authoritative servers…'}</Text>;
	return (
		<Box flexDirection="column">
			{blocks.map((block) => (
				<Block key={block.name} block={block} now={now} />
			))}
		</Box>
	);
}
