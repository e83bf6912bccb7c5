// A tiny DNS server for unit tests, written with dns-packet: UDP and TCP on the same loopback port, answers from a
// handler (per query), a log of every query it got. Only ever binds 127.0.0.0/8 addresses.
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type {Answer, DecodedPacket, Packet, SoaAnswer} from 'dns-packet';

export interface Incoming {
	id: number;
	name: string;
	type: string;
	rd: boolean;
	edns: boolean;
	transport: 'udp' | 'tcp';
	at: number;
}

export interface Reply {
	rcode?: string;
	aa?: boolean;
	/** Force the TC flag (and drop the records) on UDP. Replies longer than the client's EDNS size are truncated anyway. */
	tc?: boolean;
	ra?: boolean;
	answers?: Answer[];
	authorities?: Answer[];
	additionals?: Answer[];
	/** Say nothing at all. */
	drop?: boolean;
	/** Send these bytes instead of an encoded reply (given the query's id). */
	raw?: (id: number) => Buffer;
	/** UDP only: datagrams to send before the reply (stray packets). */
	before?: (query: DecodedPacket) => Buffer[];
	/** TCP only: write the framed reply in two pieces, this many ms apart. */
	splitTcpMs?: number;
	/** Echo the question name in this spelling (e.g. upper case). */
	questionName?: string;
	delayMs?: number;
}

export type Handler = (query: Incoming) => Reply | Promise<Reply>;

export interface FakeDnsServer {
	address: string;
	port: number;
	queries: Incoming[];
	handler: Handler;
	close(): Promise<void>;
}

const rcodeNumbers: Record<string, number> = {NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5};

function assertLoopback(address: string): void {
	if (!/^127\./.test(address)) throw new Error(`fake DNS servers only bind 127.0.0.0/8, not ${address}`);
}

function encodeReply(query: DecodedPacket, reply: Reply, transport: 'udp' | 'tcp'): Buffer {
	const question = query.questions?.[0];
	const flags = (reply.aa ?? true ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0)
		| (reply.ra ? dnsPacket.RECURSION_AVAILABLE : 0) | (rcodeNumbers[reply.rcode ?? 'NOERROR'] ?? 0);
	const packet: Packet = {
		type: 'response',
		id: query.id ?? 0,
		flags,
		questions: question ? [{...question, name: reply.questionName ?? question.name}] : [],
		answers: reply.answers ?? [],
		authorities: reply.authorities ?? [],
		additionals: reply.additionals ?? [],
	};
	const opt = query.additionals?.find((record) => record.type === 'OPT');
	const limit = opt && 'udpPayloadSize' in opt ? opt.udpPayloadSize : 512;
	if (transport === 'udp' && (reply.tc || dnsPacket.encodingLength(packet) > limit)) {
		return dnsPacket.encode({...packet, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: []});
	}
	return dnsPacket.encode(packet);
}

function incoming(query: DecodedPacket, transport: 'udp' | 'tcp'): Incoming {
	const question = query.questions?.[0];
	return {
		id: query.id ?? 0,
		name: question?.name ?? '',
		type: question?.type ?? '',
		rd: query.flag_rd,
		edns: (query.additionals ?? []).some((record) => record.type === 'OPT'),
		transport,
		at: Date.now(),
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listen(address: string, port: number, server: FakeDnsServer): Promise<{udp: dgram.Socket; tcp: net.Server}> {
	const udp = dgram.createSocket('udp4');
	await new Promise<void>((resolve, reject) => {
		udp.once('error', reject);
		udp.bind(port, address, () => {
			udp.off('error', reject);
			resolve();
		});
	});
	const bound = udp.address().port;
	const sockets = new Set<net.Socket>();
	const tcp = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		let buffer = Buffer.alloc(0);
		socket.on('data', async (chunk: Buffer) => {
			buffer = Buffer.concat([buffer, chunk]);
			while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
				const message = buffer.subarray(2, 2 + buffer.readUInt16BE(0));
				buffer = buffer.subarray(2 + message.length);
				const query = dnsPacket.decode(message);
				const entry = incoming(query, 'tcp');
				server.queries.push(entry);
				const reply = await server.handler(entry);
				if (reply.delayMs) await sleep(reply.delayMs);
				if (reply.drop || socket.destroyed) continue;
				const body = reply.raw ? reply.raw(query.id ?? 0) : encodeReply(query, reply, 'tcp');
				const frame = Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
				if (reply.splitTcpMs !== undefined) {
					socket.write(frame.subarray(0, 5));
					await sleep(reply.splitTcpMs);
					socket.write(frame.subarray(5));
				} else {
					socket.write(frame);
				}
			}
		});
	});
	tcp.on('close', () => undefined);
	await new Promise<void>((resolve, reject) => {
		tcp.once('error', (error) => {
			udp.close();
			reject(error);
		});
		tcp.listen(bound, address, () => resolve());
	});
	(tcp as net.Server & {sockets?: Set<net.Socket>}).sockets = sockets;
	server.port = bound;
	udp.on('message', async (message, rinfo) => {
		let query: DecodedPacket;
		try {
			query = dnsPacket.decode(message);
		} catch {
			return;
		}
		const entry = incoming(query, 'udp');
		server.queries.push(entry);
		const reply = await server.handler(entry);
		if (reply.delayMs) await sleep(reply.delayMs);
		if (reply.drop) return;
		for (const stray of reply.before?.(query) ?? []) udp.send(stray, rinfo.port, rinfo.address);
		const body = reply.raw ? reply.raw(query.id ?? 0) : encodeReply(query, reply, 'udp');
		udp.send(body, rinfo.port, rinfo.address);
	});
	return {udp, tcp};
}

/** Starts a server on ADDRESS (127.x) and PORT (0: any free port, the same for UDP and TCP). */
export async function startDnsServer(handler: Handler, address = '127.0.0.1', port = 0): Promise<FakeDnsServer> {
	assertLoopback(address);
	const server: FakeDnsServer = {address, port, queries: [], handler, close: async () => undefined};
	for (let attempt = 0; ; attempt++) {
		try {
			const {udp, tcp} = await listen(address, port, server);
			server.close = async () => {
				udp.close();
				for (const socket of (tcp as net.Server & {sockets?: Set<net.Socket>}).sockets ?? []) socket.destroy();
				await new Promise<void>((resolve) => tcp.close(() => resolve()));
			};
			return server;
		} catch (error) {
			if (port !== 0 || attempt > 20 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		}
	}
}

/** Several servers on different 127.x addresses sharing one port (discovery returns addresses; the port is global). */
export async function startServersOnOnePort(entries: Array<{address: string; handler: Handler}>): Promise<{port: number; servers: FakeDnsServer[]}> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = 20_000 + Math.floor(Math.random() * 40_000);
		const servers: FakeDnsServer[] = [];
		try {
			for (const entry of entries) servers.push(await startDnsServer(entry.handler, entry.address, port));
			return {port, servers};
		} catch (error) {
			await Promise.all(servers.map((server) => server.close()));
			if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		}
	}
	throw new Error('no free shared port');
}

/** A port on 127.0.0.1 where nothing listens (UDP or TCP) right now. */
export async function closedPort(address = '127.0.0.1'): Promise<number> {
	const server = await startDnsServer(() => ({drop: true}), address);
	const port = server.port;
	await server.close();
	return port;
}

// --- zone data --------------------------------------------------------------------------------------------------

export interface ZoneRecord {
	name: string;
	type: string;
	ttl?: number;
	data: unknown;
}

export interface ZoneOptions {
	zone: string;
	records: ZoneRecord[];
	/** SOA TTL and MINIMUM (the negative TTL is their minimum). */
	soaTtl?: number;
	soaMinimum?: number;
	/** Set the AA flag (default true). */
	aa?: boolean;
	/** Recursion available flag (for resolvers). */
	ra?: boolean;
	/** Answer only the first link of CNAME chains (the client must ask again for the rest). */
	cnameOneStep?: boolean;
}

const lower = (name: string) => name.replace(/\.$/, '').toLowerCase();

export function soaRecord(zone: string, ttl = 3600, minimum = 30): SoaAnswer {
	return {
		name: zone, type: 'SOA', ttl,
		data: {mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 60, retry: 60, expire: 3600, minimum},
	};
}

/** A handler that answers like an authoritative server for one zone: CNAMEs chased in-zone, NXDOMAIN/NODATA with SOA. */
export function zoneHandler(options: ZoneOptions): Handler {
	const zone = lower(options.zone);
	const soa = soaRecord(zone, options.soaTtl ?? 3600, options.soaMinimum ?? 30);
	const inZone = (name: string) => name === zone || name.endsWith(`.${zone}`);
	return (query) => {
		const name = lower(query.name);
		const flags = {aa: options.aa ?? true, ra: options.ra ?? false};
		if (!inZone(name)) return {rcode: 'REFUSED', aa: false};
		if (query.type === 'SOA' && name === zone) return {...flags, answers: [soa]};
		const answers: Answer[] = [];
		let current = name;
		for (let hop = 0; hop < 16; hop++) {
			const own = options.records.filter((record) => lower(record.name) === current);
			const wanted = own.filter((record) => record.type === query.type);
			if (wanted.length > 0) {
				answers.push(...wanted.map((record) => ({name: record.name, type: record.type, ttl: record.ttl ?? 60, data: record.data}) as Answer));
				return {...flags, answers};
			}
			const cname = own.find((record) => record.type === 'CNAME');
			if (!cname) break;
			answers.push({name: cname.name, type: 'CNAME', ttl: cname.ttl ?? 60, data: cname.data as string});
			const target = lower(cname.data as string);
			if (!inZone(target) || options.cnameOneStep) return {...flags, answers};
			current = target;
		}
		const exists = options.records.some((record) => lower(record.name) === current || lower(record.name).endsWith(`.${current}`)) || current === zone;
		return {...flags, rcode: exists ? 'NOERROR' : 'NXDOMAIN', answers, authorities: [soa]};
	};
}

/** Records of a type, for brevity: a('app.example.test', '10.0.0.1'). */
export const rr = {
	a: (name: string, data: string, ttl = 60): ZoneRecord => ({name, type: 'A', ttl, data}),
	aaaa: (name: string, data: string, ttl = 60): ZoneRecord => ({name, type: 'AAAA', ttl, data}),
	cname: (name: string, data: string, ttl = 60): ZoneRecord => ({name, type: 'CNAME', ttl, data}),
	caa: (name: string, tag: string, value: string, flags = 0): ZoneRecord => ({name, type: 'CAA', ttl: 60, data: {flags, tag, value}}),
	ns: (name: string, data: string): ZoneRecord => ({name, type: 'NS', ttl: 3600, data}),
};
