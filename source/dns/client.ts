/**
 * One DNS question to one server, over UDP with EDNS0 (retried over TCP when the answer is truncated), with
 * dns-packet. Never the system resolver: hoist must see the AA flag, the rcode, TTLs and the SOA of negative answers
 * of exactly the server it asked.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import {performance} from 'node:perf_hooks';
import * as dnsPacket from 'dns-packet';
import type {Answer, DecodedPacket, OptAnswer, Packet, RecordType} from 'dns-packet';
import {settleOnce, type Settle} from '../engine/settle-once.js';
import {ExternalError} from '../errors.js';
import {sameName} from './names.js';

export type {RecordType} from 'dns-packet';

/** A resource record with its TTL always present (OPT pseudo-records are reported separately). */
export type DnsRecord = Exclude<Answer, OptAnswer> & {ttl: number};

export interface QueryOptions {
	server: string;
	port?: number;
	name: string;
	type: RecordType;
	/** RD flag: on for recursive resolvers, off when asking an authoritative server. */
	recursion: boolean;
	/** Deadline for the whole query, UDP and a TCP retry together (default 2000). */
	timeoutMs?: number;
	signal?: AbortSignal;
}

export interface DnsResponse {
	server: string;
	port: number;
	/** The question as asked. */
	name: string;
	type: RecordType;
	id: number;
	/** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, … */
	rcode: string;
	aa: boolean;
	tc: boolean;
	ra: boolean;
	rd: boolean;
	answers: DnsRecord[];
	authorities: DnsRecord[];
	additionals: DnsRecord[];
	/** The server's EDNS0 OPT record, when it sent one. */
	edns?: {udpPayloadSize: number; version: number};
	/** The answer came over TCP (after a truncated UDP answer). */
	tcp: boolean;
	elapsedMs: number;
}

export type QueryFn = (options: QueryOptions) => Promise<DnsResponse>;

export type DnsFailure = 'timeout' | 'network' | 'malformed';

/** A query that got no usable answer. SERVFAIL, NXDOMAIN and REFUSED are answers, not errors. */
export class DnsQueryError extends ExternalError {
	readonly reason: DnsFailure;
	readonly server: string;
	readonly port: number;
	readonly elapsedMs: number;

	constructor(reason: DnsFailure, message: string, details: {options: QueryOptions; elapsedMs: number; cause?: unknown; hint?: string}) {
		const {options} = details;
		const port = options.port ?? 53;
		super(message, {
			code: {timeout: 'DNS_TIMEOUT', network: 'DNS_NETWORK', malformed: 'DNS_MALFORMED'}[reason],
			command: `dns ${options.type} ${options.name} @${formatServer(options.server, port)}${options.recursion ? ' +rec' : ' +norec'}`,
			hint: details.hint,
			cause: details.cause,
		});
		this.reason = reason;
		this.server = options.server;
		this.port = port;
		this.elapsedMs = details.elapsedMs;
	}
}

export const defaultTimeoutMs = 2000;
const ednsPayload = 4096;

export function formatServer(server: string, port = 53): string {
	const host = net.isIPv6(server) ? `[${server}]` : server;
	return port === 53 ? host : `${host}:${port}`;
}

function randomId(): number {
	return Math.floor(Math.random() * 0x10000);
}

function buildQuery(options: QueryOptions, id: number): Packet {
	return {
		type: 'query',
		id,
		flags: options.recursion ? dnsPacket.RECURSION_DESIRED : 0,
		questions: [{type: options.type, class: 'IN', name: options.name}],
		additionals: [{type: 'OPT', name: '.', udpPayloadSize: ednsPayload, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: []}],
	};
}

/** Whether a decoded packet is the response to our question (id, one question, same name and type). */
function matches(packet: DecodedPacket, id: number, options: QueryOptions): boolean {
	if (packet.type !== 'response' || packet.id !== id) return false;
	const question = packet.questions?.[0];
	// A server may send no question section with some errors (FORMERR); accept that only for the same id.
	if (!question) return (packet.questions?.length ?? 0) === 0;
	return sameName(question.name, options.name) && question.type === options.type;
}

function records(list: Answer[] | undefined): DnsRecord[] {
	return (list ?? []).filter((record): record is Exclude<Answer, OptAnswer> => record.type !== 'OPT')
		.map((record) => ({...record, ttl: record.ttl ?? 0}) as DnsRecord);
}

function toResponse(packet: DecodedPacket, options: QueryOptions, id: number, tcp: boolean, started: number): DnsResponse {
	const opt = packet.additionals?.find((record): record is OptAnswer => record.type === 'OPT');
	const rcode = (packet as DecodedPacket & {rcode?: string}).rcode ?? 'NOERROR';
	return {
		server: options.server,
		port: options.port ?? 53,
		name: options.name,
		type: options.type,
		id,
		rcode,
		aa: packet.flag_aa,
		tc: packet.flag_tc,
		ra: packet.flag_ra,
		rd: packet.flag_rd,
		answers: records(packet.answers),
		authorities: records(packet.authorities),
		additionals: records(packet.additionals),
		...(opt ? {edns: {udpPayloadSize: opt.udpPayloadSize, version: opt.ednsVersion}} : {}),
		tcp,
		elapsedMs: Math.round(performance.now() - started),
	};
}

function networkMessage(error: NodeJS.ErrnoException, options: QueryOptions, transport: string): string {
	const where = formatServer(options.server, options.port ?? 53);
	switch (error.code) {
		case 'ECONNREFUSED':
			return `${where} refused the connection (${transport}): no DNS server listens there`;
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return `${where} is unreachable (${error.code}) from this machine`;
		case 'ECONNRESET':
			return `${where} closed the ${transport} connection before answering`;
		default:
			return `${where}: ${transport} ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' ');
	}
}

/**
 * Asks one question. Resolves with the server's answer whatever its rcode; rejects with DnsQueryError on a timeout,
 * a network error or an undecodable answer, and with the signal's reason when aborted.
 */
export async function query(options: QueryOptions): Promise<DnsResponse> {
	const family = net.isIP(options.server);
	const started = performance.now();
	if (family === 0) {
		throw new DnsQueryError('network', `${options.server} is not an IP address`, {options, elapsedMs: 0});
	}
	options.signal?.throwIfAborted();
	const deadline = started + (options.timeoutMs ?? defaultTimeoutMs);
	const udp = await udpExchange(options, family === 6 ? 'udp6' : 'udp4', deadline, started);
	if (!udp.tc) return udp;
	return tcpExchange(options, deadline, started);
}

function remaining(deadline: number): number {
	return Math.max(0, deadline - performance.now());
}

function timeoutError(options: QueryOptions, started: number, transport: string): DnsQueryError {
	const elapsedMs = Math.round(performance.now() - started);
	return new DnsQueryError('timeout', `${formatServer(options.server, options.port ?? 53)} did not answer ${options.type} ${options.name} within ${elapsedMs} ms (${transport})`, {
		options, elapsedMs, hint: 'The server is down, filtered by a firewall, or not a DNS server.',
	});
}

/** Until the deadline, the signal, or the answer: what both exchanges share. */
function exchange(options: QueryOptions, deadline: number, started: number, transport: string, start: (settle: Settle<DnsResponse>) => () => void): Promise<DnsResponse> {
	return settleOnce({signal: options.signal, timeoutMs: remaining(deadline), timedOut: () => timeoutError(options, started, transport)}, start);
}

function udpExchange(options: QueryOptions, socketType: 'udp4' | 'udp6', deadline: number, started: number): Promise<DnsResponse> {
	return exchange(options, deadline, started, 'UDP', (settle) => {
		const id = randomId();
		const message = dnsPacket.encode(buildQuery(options, id));
		const socket = dgram.createSocket(socketType);
		const port = options.port ?? 53;
		let retransmission: NodeJS.Timeout | undefined;
		const finish = (error: unknown, response?: DnsResponse) => (response ? settle.resolve(response) : settle.reject(error));

		socket.on('error', (error: NodeJS.ErrnoException) => {
			finish(new DnsQueryError('network', networkMessage(error, options, 'UDP'), {
				options, elapsedMs: Math.round(performance.now() - started), cause: error,
			}));
		});
		socket.on('message', (buffer, rinfo) => {
			// A connected socket only receives from the server; keep the check for platforms that do not filter.
			if (rinfo.port !== port || rinfo.address.replace(/^::ffff:/, '') !== options.server.replace(/^::ffff:/, '')) return;
			if (buffer.length < 2 || buffer.readUInt16BE(0) !== id) return; // stray: an old query's answer, or noise
			let packet: DecodedPacket;
			try {
				packet = dnsPacket.decode(buffer);
			} catch (error) {
				finish(new DnsQueryError('malformed', `${formatServer(options.server, port)} sent an answer that cannot be decoded (${(error as Error).message})`, {
					options, elapsedMs: Math.round(performance.now() - started), cause: error,
				}));
				return;
			}
			if (!matches(packet, id, options)) return; // same id, other question: not ours
			finish(undefined, toResponse(packet, options, id, false, started));
		});
		const send = () => socket.send(message, (error) => {
			if (error) socket.emit('error', error);
		});
		// connect() makes the kernel filter other sources and report ICMP "port unreachable" as ECONNREFUSED.
		socket.connect(port, options.server, ((error?: Error) => {
			if (error) return socket.emit('error', error);
			if (settle.done) return;
			send();
			// One retransmission half-way through, in case the first datagram was lost.
			retransmission = setTimeout(send, remaining(deadline) / 2);
		}) as () => void);
		return () => {
			clearTimeout(retransmission);
			try {
				socket.close();
			} catch {
				// already closed
			}
		};
	});
}

function tcpExchange(options: QueryOptions, deadline: number, started: number): Promise<DnsResponse> {
	return exchange(options, deadline, started, 'TCP after a truncated UDP answer', (settle) => {
		const id = randomId();
		const frame = dnsPacket.streamEncode(buildQuery(options, id));
		const port = options.port ?? 53;
		let buffer = Buffer.alloc(0);
		const socket = net.connect({host: options.server, port});
		const finish = (error: unknown, response?: DnsResponse) => (response ? settle.resolve(response) : settle.reject(error));

		socket.on('connect', () => socket.write(frame));
		socket.on('error', (error: NodeJS.ErrnoException) => {
			finish(new DnsQueryError('network', networkMessage(error, options, 'TCP'), {
				options, elapsedMs: Math.round(performance.now() - started), cause: error,
			}));
		});
		socket.on('data', (chunk: Buffer) => {
			buffer = Buffer.concat([buffer, chunk]);
			// Frames: 2-byte length, then the message. Skip whole frames that are not ours.
			while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
				const length = buffer.readUInt16BE(0);
				const message = buffer.subarray(2, 2 + length);
				buffer = buffer.subarray(2 + length);
				if (message.length < 2 || message.readUInt16BE(0) !== id) continue;
				let packet: DecodedPacket;
				try {
					packet = dnsPacket.decode(message);
				} catch (error) {
					finish(new DnsQueryError('malformed', `${formatServer(options.server, port)} sent a TCP answer that cannot be decoded (${(error as Error).message})`, {
						options, elapsedMs: Math.round(performance.now() - started), cause: error,
					}));
					return;
				}
				if (matches(packet, id, options)) {
					finish(undefined, toResponse(packet, options, id, true, started));
					return;
				}
			}
		});
		socket.on('end', () => {
			finish(new DnsQueryError(buffer.length > 0 ? 'malformed' : 'network',
				`${formatServer(options.server, port)} closed the TCP connection ${buffer.length > 0 ? 'in the middle of an answer' : 'without answering'}`,
				{options, elapsedMs: Math.round(performance.now() - started)}));
		});
		return () => socket.destroy();
	});
}
