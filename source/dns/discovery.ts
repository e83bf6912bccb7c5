/**
 * Zone discovery, once per watch: which zone holds the name (SOA walk up the labels, as lego's fetchSoaByFqdn does),
 * its NS names and their addresses. Asked of a bootstrap resolver with recursion on (by default the nameservers of
 * /etc/resolv.conf); the watcher then asks those authoritative servers directly.
 */
import {readFile} from 'node:fs/promises';
import {isIP} from 'node:net';
import type {SoaData} from 'dns-packet';
import {ExternalError, UserError} from '../errors.js';
import {DnsQueryError, query as defaultQuery, formatServer, type DnsResponse, type QueryFn, type RecordType} from './client.js';
import {canonicalIp} from './ip.js';
import {normalizeName, sameName, selfAndAncestors} from './names.js';

export interface Nameserver {
	/** The NS name, e.g. ns1.example.net. */
	name: string;
	/** Its addresses, IPv4 first. */
	addresses: string[];
	/** The addresses came as glue in the NS answer's additional section. */
	glue: boolean;
	/** Why no address was found, when `addresses` is empty. */
	error?: string;
	/** A server given with its port (a rehearsal's stand-ins): NS records carry none, so only an explicit one has it. */
	port?: number;
}

export interface ZoneInfo {
	zone: string;
	soa: SoaData & {ttl: number};
	nameservers: Nameserver[];
	/** The bootstrap resolver that answered. */
	resolver: string;
}

export interface DiscoveryOptions {
	/** The domain hoist watches, e.g. app.example.com. */
	name: string;
	/** Recursive resolvers to ask; default: the nameservers of /etc/resolv.conf. */
	bootstrap?: string[];
	/** Port of the bootstrap resolvers (default 53); tests use another one. */
	port?: number;
	timeoutMs?: number;
	signal?: AbortSignal;
	query?: QueryFn;
}

/** The `nameserver` addresses of a resolv.conf text, in order (IPv6 zone ids kept, non-addresses dropped). */
export function parseResolvConf(text: string): string[] {
	const servers: string[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.replace(/[#;].*$/, '').trim();
		const match = /^nameserver\s+(\S+)/.exec(line);
		const address = match?.[1];
		if (address && isIP(address.replace(/%.*$/, '')) !== 0 && !servers.includes(address)) servers.push(address);
	}
	return servers;
}

/** The system's resolvers as hoist's default bootstrap resolvers. */
export async function systemResolvers(path = '/etc/resolv.conf'): Promise<string[]> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new UserError(`Cannot read ${path} to find a DNS resolver: ${(error as Error).message}`, {
			code: 'DNS_NO_RESOLVER',
			hint: 'hoist asks a recursive resolver once, to find the domain\'s zone and its authoritative servers.',
			nextSteps: ['Give hoist a resolver to use, or fix the system\'s resolver configuration.'],
			cause: error,
		});
	}
	const servers = parseResolvConf(text);
	if (servers.length === 0) {
		throw new UserError(`${path} lists no nameserver`, {
			code: 'DNS_NO_RESOLVER',
			nextSteps: ['Add a `nameserver` line to /etc/resolv.conf, or give hoist a resolver to use.'],
		});
	}
	return servers;
}

export interface Ask {
	(name: string, type: RecordType): Promise<DnsResponse>;
}

/** Asks the bootstrap resolvers in turn until one answers (any rcode); throws when none does. */
function bootstrapAsker(options: Omit<DiscoveryOptions, 'name'>, resolvers: string[]): Ask {
	const query = options.query ?? defaultQuery;
	return async (name, type) => {
		const failures: DnsQueryError[] = [];
		for (const server of resolvers) {
			try {
				return await query({
					server, name, type, recursion: true,
					...(options.port === undefined ? {} : {port: options.port}),
					...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
					...(options.signal === undefined ? {} : {signal: options.signal}),
				});
			} catch (error) {
				if (!(error instanceof DnsQueryError)) throw error;
				failures.push(error);
			}
		}
		throw new ExternalError(`No DNS resolver answered (${resolvers.map((r) => formatServer(r, options.port ?? 53)).join(', ')})`, {
			code: 'DNS_BOOTSTRAP_UNREACHABLE',
			command: `dns ${type} ${name} +rec`,
			output: failures.map((failure) => failure.message).join('\n'),
			hint: failures[0]?.message,
			nextSteps: ['Check this machine\'s network connection and its resolver (/etc/resolv.conf).'],
		});
	};
}

/** A question for the bootstrap resolvers (`dns.resolvers`, or /etc/resolv.conf's), asked in turn until one answers. */
export async function bootstrapResolver(options: Omit<DiscoveryOptions, 'name'>): Promise<Ask> {
	return bootstrapAsker(options, await resolvers(options));
}

async function resolvers(options: Omit<DiscoveryOptions, 'name'>): Promise<string[]> {
	const list = options.bootstrap ?? (await systemResolvers());
	if (list.length === 0) throw new UserError('No bootstrap resolver given', {code: 'DNS_NO_RESOLVER'});
	return list;
}

/**
 * The zone that holds `name`: SOA queries for the name, then each parent, until one has an SOA in its answer
 * section. Names whose answer holds a CNAME are skipped (a CNAME cannot sit at a zone apex).
 */
export async function findZone(options: DiscoveryOptions): Promise<{zone: string; soa: SoaData & {ttl: number}; resolver: string}> {
	const list = await resolvers(options);
	const ask = bootstrapAsker(options, list);
	for (const candidate of selfAndAncestors(options.name)) {
		const response = await ask(candidate, 'SOA');
		if (response.rcode === 'NXDOMAIN') continue;
		if (response.rcode !== 'NOERROR') {
			throw new UserError(`The resolver ${formatServer(response.server, response.port)} answers ${response.rcode} for the SOA of ${candidate}`, {
				code: response.rcode === 'SERVFAIL' ? 'DNS_ZONE_SERVFAIL' : 'DNS_ZONE_LOOKUP_FAILED',
				hint: response.rcode === 'SERVFAIL'
					? `SERVFAIL from a resolver means it could not get an answer from the zone's servers: they are down, refuse, or the zone is broken (DNSSEC, lame delegation). Let's Encrypt would fail the same way.`
					: `hoist cannot find which zone holds ${options.name}.`,
				nextSteps: [`Check the zone with your DNS provider; \`dig ${candidate} SOA\` shows what resolvers see.`],
			});
		}
		if (response.answers.some((record) => record.type === 'CNAME')) continue;
		const soa = response.answers.find((record) => record.type === 'SOA' && sameName(record.name, candidate));
		if (soa && soa.type === 'SOA') return {zone: normalizeName(candidate), soa: {...soa.data, ttl: soa.ttl}, resolver: response.server};
	}
	throw new UserError(`No DNS zone holds ${options.name}`, {
		code: 'DNS_ZONE_NOT_FOUND',
		hint: 'No name from the domain up to its top-level domain has an SOA record: the domain is not registered, or its delegation is broken.',
		nextSteps: ['Check the domain at your registrar: it must be registered and delegated to your DNS provider\'s nameservers.'],
	});
}

function ipv4First(addresses: string[]): string[] {
	return [...addresses.filter((a) => isIP(a) === 4), ...addresses.filter((a) => isIP(a) === 6)];
}

/** The zone of `name`, its SOA, NS names and their addresses (glue when the resolver sent it, else A/AAAA). */
export async function discoverZone(options: DiscoveryOptions): Promise<ZoneInfo> {
	const list = await resolvers(options);
	const found = await findZone({...options, bootstrap: list});
	const ask = bootstrapAsker(options, list);
	const ns = await ask(found.zone, 'NS');
	const names = [...new Set(ns.answers.filter((record) => record.type === 'NS' && sameName(record.name, found.zone))
		.map((record) => normalizeName(record.data as string)))].sort();
	if (ns.rcode !== 'NOERROR' || names.length === 0) {
		throw new UserError(`The zone ${found.zone} has no NS records (${ns.rcode})`, {
			code: 'DNS_NO_NAMESERVERS',
			hint: 'Without NS records no resolver can find the zone\'s authoritative servers.',
			nextSteps: [`Check the zone ${found.zone} with your DNS provider.`],
		});
	}
	const nameservers = await Promise.all(names.map(async (nsName): Promise<Nameserver> => {
		const glue = [...ns.additionals, ...ns.authorities]
			.filter((record) => (record.type === 'A' || record.type === 'AAAA') && sameName(record.name, nsName))
			.map((record) => canonicalIp(record.data as string));
		if (glue.length > 0) return {name: nsName, addresses: ipv4First([...new Set(glue)]), glue: true};
		const errors: string[] = [];
		const addresses: string[] = [];
		for (const type of ['A', 'AAAA'] as const) {
			try {
				const answer = await ask(nsName, type);
				if (answer.rcode !== 'NOERROR') errors.push(`${type} ${answer.rcode}`);
				for (const record of answer.answers) {
					if (record.type === type) addresses.push(canonicalIp(record.data));
				}
			} catch (error) {
				errors.push(`${type}: ${(error as Error).message}`);
			}
		}
		const result: Nameserver = {name: nsName, addresses: ipv4First([...new Set(addresses)]), glue: false};
		if (addresses.length === 0) result.error = errors.length > 0 ? errors.join('; ') : 'no A or AAAA record';
		return result;
	}));
	return {...found, nameservers};
}
