// A whole DNS world as a QueryFn, without sockets: one zone served by authoritative servers (each with its own
// records, so one can lag), a bootstrap resolver that knows the zone's SOA and NS, and public resolvers with cached
// answers. Every question is logged, so tests can prove who was asked what and when.
import type {DnsRecord, DnsResponse, QueryFn, QueryOptions} from '../../../source/dns/client.js';
import {DnsQueryError} from '../../../source/dns/client.js';

export type FakeRecord = {name: string; type: 'A' | 'AAAA' | 'CAA' | 'CNAME'; data: string; ttl?: number};

export interface FakeWorld {
	query: QueryFn;
	/** Every question, in order. */
	log: QueryOptions[];
	/** Replaces NAME's TYPE records on one authoritative server (by NS name), or on all of them. */
	set(name: string, type: FakeRecord['type'], values: string[], options?: {server?: string; ttl?: number}): void;
	/** What a public resolver (by address) has cached for NAME: an A answer, or "does not exist" (values = []). */
	cache(resolver: string, name: string, values: string[], ttl: number): void;
	/** A server that never answers from now on. */
	kill(address: string): void;
}

export interface FakeWorldOptions {
	zone: string;
	/** NS name → address. */
	nameservers: Record<string, string>;
	bootstrap: string;
	publicResolvers?: string[];
	/** SOA MINIMUM: the negative-caching TTL (the SOA's own TTL is larger). */
	negativeTtl?: number;
}

const soaTtl = 3600;

export function fakeWorld(options: FakeWorldOptions): FakeWorld {
	const zone = options.zone;
	const records = new Map<string, FakeRecord[]>(Object.keys(options.nameservers).map((ns) => [ns, []]));
	const caches = new Map<string, Map<string, {values: string[]; ttl: number}>>();
	const dead = new Set<string>();
	const log: QueryOptions[] = [];
	const soa = (): DnsRecord => ({
		name: zone, type: 'SOA', ttl: soaTtl, class: 'IN',
		data: {mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 60, retry: 60, expire: 3600, minimum: options.negativeTtl ?? 30},
	} as DnsRecord);
	const inZone = (name: string) => name === zone || name.endsWith(`.${zone}`);
	const response = (question: QueryOptions, extra: Partial<DnsResponse>): DnsResponse => ({
		server: question.server, port: 53, name: question.name, type: question.type, id: 1, rcode: 'NOERROR', aa: false, tc: false, ra: false, rd: question.recursion,
		answers: [], authorities: [], additionals: [], tcp: false, elapsedMs: 1, ...extra,
	});
	const toRecord = (record: FakeRecord): DnsRecord => {
		const data = record.type === 'CAA' ? caaData(record.data) : record.data;
		return {name: record.name, type: record.type, ttl: record.ttl ?? 60, class: 'IN', data} as DnsRecord;
	};

	function authoritative(ns: string, question: QueryOptions): DnsResponse {
		const own = records.get(ns) ?? [];
		if (!inZone(question.name)) return response(question, {rcode: 'REFUSED'});
		if (question.type === 'SOA' && question.name === zone) return response(question, {aa: true, answers: [soa()]});
		if (question.type === 'NS' && question.name === zone) return response(question, {aa: true, answers: nsRecords()});
		const answers: DnsRecord[] = [];
		let name = question.name;
		for (let hops = 0; hops < 10; hops++) {
			const atName = own.filter((record) => record.name === name);
			const wanted = atName.filter((record) => record.type === question.type);
			if (wanted.length > 0) return response(question, {aa: true, answers: [...answers, ...wanted.map(toRecord)]});
			const cname = atName.find((record) => record.type === 'CNAME');
			if (!cname) break;
			answers.push(toRecord(cname));
			name = cname.data.replace(/\.$/, '');
			if (!inZone(name)) return response(question, {aa: true, answers});
		}
		const exists = own.some((record) => record.name === name || record.name.endsWith(`.${name}`)) || name === zone;
		return response(question, {aa: true, rcode: exists || answers.length > 0 ? 'NOERROR' : 'NXDOMAIN', answers, authorities: [soa()]});
	}

	function nsRecords(): DnsRecord[] {
		return Object.keys(options.nameservers).map((ns) => ({name: zone, type: 'NS', ttl: 60, class: 'IN', data: ns}) as DnsRecord);
	}

	function bootstrap(question: QueryOptions): DnsResponse {
		if (question.type === 'SOA') {
			if (question.name === zone) return response(question, {ra: true, answers: [soa()]});
			if (inZone(question.name)) return response(question, {ra: true, authorities: [soa()]});
			return response(question, {ra: true, rcode: 'NXDOMAIN'});
		}
		if (question.type === 'NS' && question.name === zone) {
			const glue = Object.entries(options.nameservers).map(([name, address]) => ({name, type: 'A', ttl: 60, class: 'IN', data: address}) as DnsRecord);
			return response(question, {ra: true, answers: nsRecords(), additionals: glue});
		}
		if ((question.type === 'A' || question.type === 'AAAA') && inZone(question.name)) {
			// An address lookup (a server or a CA given by name): resolved from the first authoritative server.
			const [ns] = Object.keys(options.nameservers);
			return {...authoritative(ns!, question), aa: false, ra: true, server: question.server};
		}
		return response(question, {ra: true, rcode: inZone(question.name) ? 'NOERROR' : 'NXDOMAIN'});
	}

	function resolver(address: string, question: QueryOptions): DnsResponse {
		const cached = caches.get(address)?.get(question.name);
		if (cached && cached.values.length === 0) return response(question, {ra: true, rcode: 'NXDOMAIN', authorities: [{...soa(), ttl: cached.ttl}]});
		if (cached) return response(question, {ra: true, answers: cached.values.map((data) => ({name: question.name, type: 'A', ttl: cached.ttl, class: 'IN', data}) as DnsRecord)});
		// Not cached: it asks the first authoritative server, as a resolver would.
		const [ns] = Object.keys(options.nameservers);
		const fresh = authoritative(ns!, question);
		return {...fresh, aa: false, ra: true, server: question.server};
	}

	const query: QueryFn = async (question) => {
		log.push(question);
		if (dead.has(question.server)) {
			throw new DnsQueryError('timeout', `${question.server} did not answer ${question.type} ${question.name} within 2000 ms (UDP)`, {options: question, elapsedMs: 2000});
		}
		const ns = Object.entries(options.nameservers).find(([, address]) => address === question.server)?.[0];
		if (ns !== undefined && !question.recursion) return authoritative(ns, question);
		if (question.server === options.bootstrap) return bootstrap(question);
		if ((options.publicResolvers ?? []).includes(question.server)) return resolver(question.server, question);
		throw new DnsQueryError('network', `${question.server} refused the connection (UDP): no DNS server listens there`, {options: question, elapsedMs: 0});
	};

	return {
		query,
		log,
		set(name, type, values, setOptions = {}) {
			for (const [ns, list] of records) {
				if (setOptions.server !== undefined && setOptions.server !== ns) continue;
				records.set(ns, [...list.filter((record) => !(record.name === name && record.type === type)), ...values.map((data) => ({name, type, data, ttl: setOptions.ttl ?? 60}))]);
			}
		},
		cache(address, name, values, ttl) {
			if (!caches.has(address)) caches.set(address, new Map());
			caches.get(address)!.set(name, {values, ttl});
		},
		kill(address) {
			dead.add(address);
		},
	};
}

function caaData(text: string): {flags: number; tag: string; value: string} {
	const [flags = '0', tag = 'issue', ...value] = text.split(' ');
	return {flags: Number(flags), tag, value: value.join(' ').replace(/^"|"$/g, '')};
}
