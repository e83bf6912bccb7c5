/**
 * Is the domain ready for the ACME CA? A pure function of what the authoritative servers answered (records.ts):
 * every server must answer A = the expected address and nothing else, no AAAA may point elsewhere, and CAA must be
 * absent or allow the configured CA. Each failing condition is a Problem with its own code, explanation and fix.
 */
import {isIP} from 'node:net';
import {formatSeconds} from '../text/format-seconds.js';
import {cloudflareRange} from './cloudflare-ranges.js';
import {canonicalIp, isPublicAddress, nonPublicReason, sameIp} from './ip.js';
import {ancestors, normalizeName} from './names.js';
import type {CaaRecord, CaaStep, LookupStatus, NegativeCaching, RecordLookup, ServerAddress, ServerRecords} from './records.js';

export type Severity = 'blocker' | 'warning';

/** The record that holds the server's address: A for IPv4, AAAA for a server reached over IPv6 only. */
export type AddressType = 'A' | 'AAAA';

/** Which record the address goes in. */
export function addressType(address: string): AddressType {
	return isIP(address) === 6 ? 'AAAA' : 'A';
}

export interface Problem {
	/** Stable identifier, e.g. DNS_AAAA_ELSEWHERE. */
	code: string;
	severity: Severity;
	/** The server the problem was seen on, when it is about one server. */
	server?: string;
	/** One line for the screen. */
	message: string;
	/** Why it stops (or may stop) the certificate. */
	explanation: string;
	/** What to do. */
	fix: string;
}

export type ServerVerdict = 'ok' | 'missing' | 'wrong' | 'error';

export interface ServerReport {
	server: ServerAddress;
	status: ServerVerdict;
	/** A values the server answered. */
	answer: string[];
	ttl?: number;
	message: string;
	/** When it answered NXDOMAIN/NODATA: how long resolvers may cache that. */
	negative?: NegativeCaching;
}

export interface ReadinessInput {
	/** The domain, e.g. app.example.com. */
	name: string;
	zone: string;
	/** The address the A record must hold (the Elastic IP). */
	expectAddress: string;
	/** An AAAA that may exist because it reaches the same server; any other AAAA is a blocker. */
	expectIpv6?: string;
	/**
	 * The expected address is private and that is fine (the sandbox, a CA on the same network). Otherwise a
	 * non-public expected address is a blocker: no public CA can reach it.
	 */
	privateTargetOk?: boolean;
	/** CAA issuer domains of the CA hoist will use, e.g. ["letsencrypt.org"]; empty: unknown CA (CAA naming others is a warning). */
	caaIdentities: string[];
	/** The CA's name for messages (default "Let's Encrypt"). */
	caName?: string;
	/** The TTL hoist suggests for the record (only for messages). */
	suggestedTtl?: number;
	servers: ServerRecords[];
	/** Ancestors' CAA (records.ts walkCaa). */
	caaWalk?: CaaStep[];
	/** NS names that have no address: they cannot be asked, and the CA's resolver cannot ask them either. */
	unreachableServers?: Array<{name: string; error: string}>;
}

export interface Readiness {
	ready: boolean;
	/** Every authoritative server answers A with exactly the expected address (the public view may be asked now). */
	agree: boolean;
	problems: Problem[];
	servers: ServerReport[];
	/** Longest negative-caching time among the servers that answered NXDOMAIN/NODATA. */
	negativeTtl?: number;
}

export {formatSeconds};

function label(server: ServerAddress): string {
	return server.name === server.address ? server.address : `${server.name} (${server.address})`;
}

export function negativeText(status: 'nxdomain' | 'nodata', negative: NegativeCaching | undefined, type: AddressType = 'A'): string {
	const what = status === 'nxdomain' ? 'NXDOMAIN' : `no ${type} record (NODATA)`;
	if (!negative) return `not yet: ${what}, no SOA in the answer (resolvers choose how long to cache it)`;
	const source = negative.source === 'SOA MINIMUM' ? 'SOA minimum' : 'SOA TTL';
	return `not yet: ${what}, cached as missing for up to ${formatSeconds(negative.ttl)} (${source})`;
}

const failureWords: Partial<Record<LookupStatus, string>> = {
	servfail: 'SERVFAIL', refused: 'REFUSED', 'not-authoritative': 'an answer without the AA flag', timeout: 'no answer (timeout)',
	network: 'a network error', malformed: 'an undecodable answer',
};

/** Problems for a lookup that got no usable answer (anything but answer / nodata / nxdomain / CNAME trouble). */
function transportProblem(lookup: RecordLookup, input: ReadinessInput): Problem | undefined {
	const ns = label(lookup.server);
	const zone = normalizeName(input.zone);
	const server = lookup.server.name;
	switch (lookup.status) {
		case 'timeout':
			return {
				code: 'DNS_SERVER_TIMEOUT', severity: 'blocker', server,
				message: `${ns} does not answer (no reply within ${lookup.elapsedMs < 1000 ? `${lookup.elapsedMs} ms` : formatSeconds(lookup.elapsedMs / 1000)})`,
				explanation: `The CA's resolver may pick any of ${zone}'s servers; one that never answers makes validation fail at random, and its NS record is there for every resolver to try.`,
				fix: `Bring ${lookup.server.name} back, or remove it from ${zone}'s NS records at your registrar and in the zone.`,
			};
		case 'network':
			return {
				code: 'DNS_SERVER_UNREACHABLE', severity: 'blocker', server,
				message: `${ns} cannot be reached: ${lookup.error ?? 'network error'}`,
				explanation: `Nothing answers DNS at ${lookup.server.address}. A dead authoritative server makes the CA's lookups fail at random.`,
				fix: `Bring ${lookup.server.name} back, or remove it from ${zone}'s NS records at your registrar and in the zone.`,
			};
		case 'malformed':
			return {
				code: 'DNS_SERVER_MALFORMED', severity: 'blocker', server,
				message: `${ns} sends answers that cannot be decoded`,
				explanation: 'Something at that address answers, but not with valid DNS messages (a firewall or a non-DNS service?).',
				fix: `Check what listens on ${lookup.server.address} port 53, or remove ${lookup.server.name} from the NS records.`,
			};
		case 'refused':
			return {
				code: 'DNS_SERVER_REFUSED', severity: 'blocker', server,
				message: `${ns} refuses queries for ${lookup.name}: it does not serve ${zone}`,
				explanation: `${lookup.server.name} is listed as a nameserver of ${zone} but says REFUSED: it does not have the zone (a provider you left, or a typo in the NS records).`,
				fix: `Add ${zone} at the provider that runs ${lookup.server.name}, or remove it from the NS records at your registrar.`,
			};
		case 'not-authoritative':
			return {
				code: 'DNS_NOT_AUTHORITATIVE', severity: 'blocker', server,
				message: `${ns} is not authoritative for ${zone} (its answer lacks the AA flag)`,
				explanation: `The server answered, but not as an owner of ${zone} (a referral elsewhere or a cached answer): the CA's resolver would not accept it as the zone's answer.`,
				fix: `Make sure ${lookup.server.name} hosts ${zone}, or remove it from the NS records at your registrar.`,
			};
		case 'servfail':
			return {
				code: 'DNS_SERVFAIL', severity: 'blocker', server,
				message: `${ns} answers SERVFAIL for ${lookup.name} ${lookup.type}`,
				explanation: `SERVFAIL means the server has ${zone} but cannot serve it (failed to load, an expired secondary, broken DNSSEC signing). The CA treats it as a failed lookup.`,
				fix: `Check ${zone} at your DNS provider (or the logs of ${lookup.server.name}); the zone must load without errors.`,
			};
		case 'rcode':
			return {
				code: 'DNS_BAD_RCODE', severity: 'blocker', server,
				message: `${ns} answers ${lookup.rcode ?? 'an error'} for ${lookup.name} ${lookup.type}`,
				explanation: 'Only NOERROR with the record counts as an answer.',
				fix: `Check ${zone} at your DNS provider.`,
			};
		default:
			return undefined;
	}
}

function cnameProblem(lookup: RecordLookup, input: ReadinessInput): Problem | undefined {
	const zone = normalizeName(input.zone);
	if (lookup.status === 'cname-out-of-zone') {
		const last = lookup.cnames[lookup.cnames.length - 1];
		return {
			code: 'DNS_CNAME_OUT_OF_ZONE', severity: 'blocker', server: lookup.server.name,
			message: `${lookup.name} is a CNAME to ${last?.to ?? lookup.finalName}, outside ${zone}`,
			explanation: `hoist checks ${zone}'s own servers, which cannot vouch for a name in another zone; and the CA would connect to wherever that name points.`,
			fix: `Replace the CNAME with an A record: ${lookup.name} A ${input.expectAddress}.`,
		};
	}
	if (lookup.status === 'cname-loop') {
		return {
			code: 'DNS_CNAME_LOOP', severity: 'blocker', server: lookup.server.name,
			message: `${lookup.name}: ${lookup.error ?? 'CNAME chain too long'}`,
			explanation: 'Resolvers give up on long or looping CNAME chains.',
			fix: `Point ${lookup.name} straight at ${input.expectAddress} with an A record.`,
		};
	}
	return undefined;
}

const listedMax = 3;

/** A list of addresses for one line: a long answer (hundreds of records) shows its first few and how many there are. */
function listed(values: string[]): string {
	return values.length <= listedMax ? values.join(', ') : `${values.slice(0, listedMax).join(', ')} and ${values.length - listedMax} more`;
}

function viaText(lookup: RecordLookup): string {
	return lookup.cnames.length > 0 ? ` (via CNAME ${lookup.cnames.map((link) => link.to).join(' → ')})` : '';
}

interface ServerOutcome {
	report: ServerReport;
	problems: Problem[];
	/** A answered (right or wrong): AAAA and CAA of this server are worth judging. */
	answered: boolean;
}

/** The record that holds the server's address (A, or AAAA for an IPv6-only server): it must hold exactly that address. */
function judgeAddress(records: ServerRecords, input: ReadinessInput): ServerOutcome {
	const type = addressType(input.expectAddress);
	const {server} = records;
	const a = type === 'A' ? records.a : records.aaaa;
	const ns = label(server);
	const expect = canonicalIp(input.expectAddress);
	const failure = transportProblem(a, input) ?? cnameProblem(a, input);
	if (failure) {
		return {report: {server, status: 'error', answer: [], message: failure.message}, problems: [failure], answered: false};
	}
	if (a.status === 'nxdomain' || a.status === 'nodata') {
		const text = negativeText(a.status, a.negative, type);
		const ttl = input.suggestedTtl ?? 300;
		const problem: Problem = {
			code: a.status === 'nxdomain' ? 'DNS_NXDOMAIN' : type === 'A' ? 'DNS_NO_A_RECORD' : 'DNS_NO_AAAA_RECORD', severity: 'blocker', server: server.name,
			message: `${ns}: ${text}`,
			explanation: `${server.name} does not have an ${type} record for ${a.finalName} yet. A resolver that asks now remembers the absence${a.negative ? ` for up to ${formatSeconds(a.negative.ttl)}` : ''}, which is why hoist asks only the authoritative servers until they agree.`,
			fix: `Create the record at your DNS provider: ${a.name} ${type} ${expect} (TTL ${ttl}).`,
		};
		return {
			report: {server, status: 'missing', answer: [], message: text, ...(a.negative ? {negative: a.negative} : {})},
			problems: [problem], answered: true,
		};
	}
	const problems: Problem[] = [];
	const ttl = a.ttl === undefined ? {} : {ttl: a.ttl};
	for (const value of a.values) {
		const range = cloudflareRange(value);
		if (range) {
			problems.push({
				code: 'DNS_CLOUDFLARE_PROXY', severity: 'blocker', server: server.name,
				message: `${value} is a Cloudflare proxy address: set the record to DNS only until the certificate is issued`,
				explanation: `${value} is in Cloudflare's range ${range}: the record is proxied (orange cloud), so the CA's HTTP challenge reaches Cloudflare instead of this server.`,
				fix: `In Cloudflare's DNS settings switch ${a.name} to "DNS only" (grey cloud) with the value ${expect}; turn the proxy back on after the certificate is issued, with SSL mode "Full (strict)".`,
			});
		}
	}
	const others = a.values.filter((value) => !sameIp(value, expect));
	const hasExpected = others.length < a.values.length;
	if (!hasExpected && problems.length === 0) {
		const notes = others.map((value) => {
			const why = nonPublicReason(value);
			return why ? `${value} (${why})` : value;
		});
		problems.push({
			code: type === 'A' ? 'DNS_A_STALE' : 'DNS_AAAA_STALE', severity: 'blocker', server: server.name,
			message: `${server.name} still answers ${listed(notes)}${viaText(a)}`,
			explanation: `The CA would connect to ${listed(others)}, not to ${expect}. When the other servers already answer ${expect}, ${server.name} has not picked up the change yet (compare the SOA serials).`,
			fix: `Set ${a.name} ${type} ${expect} at your DNS provider (and remove ${listed(others)}).`,
		});
	} else if (hasExpected && others.length > 0) {
		problems.push({
			code: type === 'A' ? 'DNS_A_EXTRA' : 'DNS_AAAA_EXTRA', severity: 'blocker', server: server.name,
			message: `${server.name} answers ${expect} but also ${listed(others)}: the CA may pick ${others.length === 1 ? 'that one' : 'one of those'}`,
			explanation: `With several ${type} records the CA connects to one of them; validation fails when it picks an address that is not this server.`,
			fix: others.length <= listedMax ? `Delete the ${type} records ${others.map((value) => `${a.name} ${type} ${value}`).join(', ')}.` : `Delete every ${type} record of ${a.name} but ${expect} (${others.length} others).`,
		});
	}
	if (problems.length > 0) {
		return {report: {server, status: 'wrong', answer: a.values, ...ttl, message: problems[0]!.message}, problems, answered: true};
	}
	return {report: {server, status: 'ok', answer: a.values, ...ttl, message: `answers ${expect}${viaText(a)}`}, problems, answered: true};
}

function judgeAaaa(records: ServerRecords, input: ReadinessInput): Problem[] {
	const {aaaa, server} = records;
	const caName = input.caName ?? 'Let\'s Encrypt';
	const failure = transportProblem(aaaa, input);
	if (failure) {
		return [{
			...failure, code: 'DNS_AAAA_LOOKUP_FAILED', severity: 'warning',
			message: `${label(server)} gives ${failureWords[aaaa.status] ?? aaaa.status} for the AAAA query of ${aaaa.name}`,
			explanation: `The A answer is fine, but ${caName} asks for AAAA too; a failing AAAA lookup can delay or fail validation.`,
		}];
	}
	if (aaaa.status !== 'answer') return [];
	const problems: Problem[] = [];
	for (const value of aaaa.values) {
		if (input.expectIpv6 && sameIp(value, input.expectIpv6)) continue;
		const range = cloudflareRange(value);
		if (range) {
			problems.push({
				code: 'DNS_CLOUDFLARE_PROXY', severity: 'blocker', server: server.name,
				message: `${value} is a Cloudflare proxy address: set the record to DNS only until the certificate is issued`,
				explanation: `${value} is in Cloudflare's range ${range}: the name is proxied, so the CA reaches Cloudflare over IPv6 instead of this server.`,
				fix: `In Cloudflare's DNS settings switch ${aaaa.name} to "DNS only" (grey cloud) and delete its AAAA record unless it reaches this server.`,
			});
			continue;
		}
		problems.push({
			code: 'DNS_AAAA_ELSEWHERE', severity: 'blocker', server: server.name,
			message: `AAAA ${value} would be tried by ${caName} first: delete it or point it at the server`,
			explanation: `${caName} prefers IPv6 when a name has an AAAA record; ${value} is not this server${input.expectIpv6 ? ` (${input.expectIpv6})` : ' (it has no IPv6 address hoist knows of)'}, so validation would go elsewhere and fail.`,
			fix: `Delete the record ${aaaa.name} AAAA ${value}${input.expectIpv6 ? `, or set it to ${input.expectIpv6}` : ''}.`,
		});
	}
	return problems;
}

/**
 * The other family's record: for an IPv4 server an AAAA (the CA tries it first) may only hold the server's IPv6
 * address; for a server hoist knows only by IPv6, an A record is another machine that users of IPv4 would reach.
 */
function judgeOtherFamily(records: ServerRecords, input: ReadinessInput): Problem[] {
	if (addressType(input.expectAddress) === 'A') return judgeAaaa(records, input);
	const {a, server} = records;
	const failure = transportProblem(a, input);
	if (failure) {
		return [{
			...failure, code: 'DNS_A_LOOKUP_FAILED', severity: 'warning',
			message: `${label(server)} gives ${failureWords[a.status] ?? a.status} for the A query of ${a.name}`,
			explanation: `The AAAA answer is fine, but resolvers ask for A too; a failing A lookup can delay or fail validation.`,
		}];
	}
	if (a.status !== 'answer') return [];
	const expect = canonicalIp(input.expectAddress);
	return a.values.map((value) => ({
		code: 'DNS_A_ELSEWHERE', severity: 'blocker', server: server.name,
		message: `A ${value} is not this server (it has only the IPv6 address ${expect}): delete it`,
		explanation: `Clients on IPv4, and the CA when IPv6 fails, would connect to ${value} instead of this server.`,
		fix: `Delete the record ${a.name} A ${value}.`,
	}));
}

function issuerDomain(value: string): string {
	return (value.split(';')[0] ?? '').trim().toLowerCase();
}

const knownCaaTags = new Set(['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone', 'issuemail', 'issuevmc']);

/** The verdict of RFC 8659 on the relevant CAA set for a non-wildcard name. */
function judgeCaaSet(owner: string, records: CaaRecord[], input: ReadinessInput, server?: string): Problem[] {
	const caName = input.caName ?? 'Let\'s Encrypt';
	const where = server === undefined ? {} : {server};
	const critical = records.filter((record) => record.critical && !knownCaaTags.has(record.tag));
	if (critical.length > 0) {
		return [{
			code: 'DNS_CAA_CRITICAL_UNKNOWN', severity: 'blocker', ...where,
			message: `CAA on ${owner} has a critical property no CA understands (${critical.map((record) => record.tag).join(', ')}): no CA may issue`,
			explanation: 'A CAA record with the critical flag and an unknown tag forbids issuance by every CA (RFC 8659 §4.1).',
			fix: `Delete the CAA record ${owner} CAA ${critical[0]!.flags} ${critical[0]!.tag} "${critical[0]!.value}", or clear its critical flag.`,
		}];
	}
	const issue = records.filter((record) => record.tag === 'issue');
	if (issue.length === 0) return []; // only issuewild/iodef: no restriction for this name
	const issuers = [...new Set(issue.map((record) => issuerDomain(record.value)))];
	const named = issuers.filter((issuer) => issuer !== '');
	const identities = input.caaIdentities.map((identity) => identity.toLowerCase());
	if (identities.length > 0) {
		if (named.some((issuer) => identities.includes(issuer))) return [];
		return [{
			code: 'DNS_CAA_FORBIDS', severity: 'blocker', ...where,
			message: named.length > 0
				? `CAA on ${owner} allows only ${named.join(', ')}: ${caName} (${identities[0]}) may not issue`
				: `CAA on ${owner} forbids every CA (issue ";"): ${caName} may not issue`,
			explanation: `CAA records name the CAs allowed to issue for ${owner} and the names below it; ${caName} checks them right before issuing and refuses when it is not listed.`,
			fix: `Add the record ${owner}. CAA 0 issue "${identities[0]}" (keep the others if you use those CAs too), or delete the CAA records.`,
		}];
	}
	if (named.length === 0) {
		return [{
			code: 'DNS_CAA_FORBIDS', severity: 'blocker', ...where,
			message: `CAA on ${owner} forbids every CA (issue ";")`,
			explanation: 'No CA may issue a certificate for this name.',
			fix: `Delete the record ${owner} CAA 0 issue ";", or replace it with one naming your CA.`,
		}];
	}
	return [{
		code: 'DNS_CAA_OTHER_CA', severity: 'warning', ...where,
		message: `CAA on ${owner} allows only ${named.join(', ')}: make sure your ACME CA is one of them`,
		explanation: 'hoist does not know which CA identity your ACME directory uses; if it is not listed, issuance will be refused.',
		fix: `If your CA is not ${named.join(' or ')}, add ${owner}. CAA 0 issue "<your CA's domain>".`,
	}];
}

const answeredStatuses = new Set<LookupStatus>(['answer', 'nodata', 'nxdomain']);

function judgeCaa(records: ServerRecords, input: ReadinessInput): Problem[] {
	const {caa, server} = records;
	const caName = input.caName ?? 'Let\'s Encrypt';
	const failed = (status: LookupStatus, name: string): Problem => ({
		code: 'DNS_CAA_LOOKUP_FAILED', severity: 'blocker', server: server.name,
		message: `${label(server)} gives ${failureWords[status] ?? status} for the CAA query of ${name}`,
		explanation: `${caName} must be able to read CAA (even "no CAA") from every server of the zone: a SERVFAIL, a refusal or a timeout on a CAA query stops issuance.`,
		fix: `Fix ${server.name} so that CAA queries for ${name} get NOERROR (an empty answer is fine); some old DNS servers fail on unknown record types.`,
	});
	if (!answeredStatuses.has(caa.status)) {
		if (caa.status === 'cname-out-of-zone' || caa.status === 'cname-loop') return []; // reported with A
		return [failed(caa.status, caa.name)];
	}
	if (caa.caa.length > 0) return judgeCaaSet(caa.finalName, caa.caa, input, server.name);
	// Walk up: in-zone ancestors as this server answered them, then what the bootstrap resolver said.
	const steps = input.caaWalk ?? [];
	for (const name of ancestors(caa.name)) {
		const step = steps.find((s) => s.name === name && (s.source === 'bootstrap' || s.server.address === server.address));
		if (!step) return [];
		if (step.source === 'authoritative' && !answeredStatuses.has(step.status)) return [failed(step.status, name)];
		if (step.records.length > 0) return judgeCaaSet(name, step.records, input, step.source === 'authoritative' ? server.name : undefined);
		if (step.source === 'bootstrap' && !answeredStatuses.has(step.status)) return []; // as far as the resolver answers
	}
	return [];
}

/** Problems that say the same thing for several servers are shown once. */
function dedupe(problems: Problem[]): Problem[] {
	const seen = new Map<string, Problem>();
	for (const problem of problems) {
		const key = `${problem.code}\u0000${problem.message.replace(/^\S+ \([^)]*\): /, '')}`;
		const sharedKey = problem.code.startsWith('DNS_CAA') || problem.code === 'DNS_CLOUDFLARE_PROXY' || problem.code === 'DNS_AAAA_ELSEWHERE' || problem.code === 'DNS_A_ELSEWHERE' ? key : `${key}\u0000${problem.server ?? ''}`;
		if (!seen.has(sharedKey)) seen.set(sharedKey, problem);
	}
	return [...seen.values()];
}

/** The verdict on one round of observations. Pure: same input, same output. */
export function evaluateReadiness(input: ReadinessInput): Readiness {
	const problems: Problem[] = [];
	const reports: ServerReport[] = [];
	const expect = canonicalIp(input.expectAddress);
	if (!isPublicAddress(expect) && !input.privateTargetOk) {
		problems.push({
			code: 'DNS_PRIVATE_TARGET', severity: 'blocker',
			message: `${expect} is not a public address (${nonPublicReason(expect)}): no public CA can reach it`,
			explanation: 'The CA validates by connecting to the address in the A record; a private, loopback or documentation address is unreachable from the internet.',
			fix: 'Use the server\'s public (Elastic) IP address, or an ACME CA on the same private network (acme.directory).',
		});
	}
	if (input.servers.length === 0 && (input.unreachableServers ?? []).length === 0) {
		problems.push({
			code: 'DNS_NO_SERVERS', severity: 'blocker',
			message: `No authoritative server of ${normalizeName(input.zone)} could be asked`,
			explanation: 'hoist checks the record on the zone\'s own servers, and found none.',
			fix: `Check the NS records of ${normalizeName(input.zone)} at your registrar.`,
		});
	}
	for (const missing of input.unreachableServers ?? []) {
		problems.push({
			code: 'DNS_NS_NO_ADDRESS', severity: 'blocker', server: missing.name,
			message: `${missing.name} has no address (${missing.error})`,
			explanation: `${missing.name} is one of the zone's NS records, but its name does not resolve: resolvers waste time on it and hoist cannot check it.`,
			fix: `Fix the address record of ${missing.name}, or remove it from ${normalizeName(input.zone)}'s NS records.`,
		});
	}
	let negativeTtl: number | undefined;
	for (const records of input.servers) {
		const outcome = judgeAddress(records, input);
		reports.push(outcome.report);
		problems.push(...outcome.problems);
		if (outcome.report.negative) negativeTtl = Math.max(negativeTtl ?? 0, outcome.report.negative.ttl);
		if (!outcome.answered) continue;
		problems.push(...judgeOtherFamily(records, input), ...judgeCaa(records, input));
	}
	const agree = reports.length > 0 && reports.every((report) => report.status === 'ok') && (input.unreachableServers ?? []).length === 0;
	const all = dedupe(problems);
	return {
		ready: agree && !all.some((problem) => problem.severity === 'blocker'),
		agree,
		problems: all,
		servers: reports,
		...(negativeTtl === undefined ? {} : {negativeTtl}),
	};
}
