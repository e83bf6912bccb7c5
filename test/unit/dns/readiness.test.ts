import {describe, expect, it} from 'vitest';
import {evaluateReadiness, formatSeconds, type ReadinessInput} from '../../../source/dns/readiness.js';
import type {CaaRecord, CaaStep, LookupStatus, RecordLookup, ServerAddress, ServerRecords} from '../../../source/dns/records.js';

const ns1: ServerAddress = {name: 'ns1.example.net', address: '198.51.100.1'};
const ns2: ServerAddress = {name: 'ns2.example.net', address: '198.51.100.4'};
const name = 'app.example.com';
const expectAddress = '203.0.113.10'; // documentation range: privateTargetOk in most tests

function lookup(server: ServerAddress, type: 'A' | 'AAAA' | 'CAA', status: LookupStatus, extra: Partial<RecordLookup> = {}): RecordLookup {
	return {name, type, server, status, values: [], caa: [], cnames: [], finalName: name, tcp: false, elapsedMs: 3, rcode: 'NOERROR', ...extra};
}

const soa = {mname: 'ns1.example.net', rname: 'hostmaster.example.com', ttl: 3600, minimum: 30};

function server(s: ServerAddress, a: Partial<RecordLookup> & {status?: LookupStatus} = {}, aaaa: Partial<RecordLookup> & {status?: LookupStatus} = {}, caa: Partial<RecordLookup> & {status?: LookupStatus} = {}): ServerRecords {
	return {
		server: s,
		a: lookup(s, 'A', a.status ?? 'answer', {values: [expectAddress], ttl: 300, ...a}),
		aaaa: lookup(s, 'AAAA', aaaa.status ?? 'nodata', {negative: {ttl: 30, source: 'SOA MINIMUM', soa}, ...aaaa}),
		caa: lookup(s, 'CAA', caa.status ?? 'nodata', caa),
	};
}

function input(servers: ServerRecords[], extra: Partial<ReadinessInput> = {}): ReadinessInput {
	return {name, zone: 'example.com', expectAddress, privateTargetOk: true, caaIdentities: ['letsencrypt.org'], servers, ...extra};
}

const caa = (owner: string, tag: string, value: string, flags = 0): CaaRecord => ({owner, tag, value, flags, critical: (flags & 128) !== 0, ttl: 60});

describe('evaluateReadiness', () => {
	it('is ready when every server answers exactly the expected address, without AAAA or CAA', () => {
		const verdict = evaluateReadiness(input([server(ns1), server(ns2)]));
		expect(verdict).toMatchObject({ready: true, agree: true, problems: []});
		expect(verdict.servers.map((s) => [s.server.name, s.status, s.message])).toEqual([
			['ns1.example.net', 'ok', 'answers 203.0.113.10'], ['ns2.example.net', 'ok', 'answers 203.0.113.10'],
		]);
		expect(verdict.negativeTtl).toBeUndefined();
	});

	it('NXDOMAIN: not yet, with the negative TTL from the SOA', () => {
		const missing = {status: 'nxdomain' as const, values: [], rcode: 'NXDOMAIN', negative: {ttl: 30, source: 'SOA MINIMUM' as const, soa}};
		const verdict = evaluateReadiness(input([server(ns1, missing), server(ns2)], {suggestedTtl: 120}));
		expect(verdict).toMatchObject({ready: false, agree: false, negativeTtl: 30});
		expect(verdict.servers[0]).toMatchObject({status: 'missing', message: 'not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)'});
		expect(verdict.problems).toEqual([expect.objectContaining({
			code: 'DNS_NXDOMAIN', severity: 'blocker', server: 'ns1.example.net',
			message: 'ns1.example.net (198.51.100.1): not yet: NXDOMAIN, cached as missing for up to 30 s (SOA minimum)',
			fix: 'Create the record at your DNS provider: app.example.com A 203.0.113.10 (TTL 120).',
		})]);
		const bySoaTtl = evaluateReadiness(input([server(ns1, {...missing, negative: {ttl: 20, source: 'SOA TTL', soa}})]));
		expect(bySoaTtl.servers[0]?.message).toBe('not yet: NXDOMAIN, cached as missing for up to 20 s (SOA TTL)');
		const noSoa = evaluateReadiness(input([server(ns1, {status: 'nxdomain', values: []})]));
		expect(noSoa.servers[0]?.message).toMatch(/no SOA in the answer/);
	});

	it('NODATA: the name exists without an A record; the longest negative TTL wins', () => {
		const verdict = evaluateReadiness(input([
			server(ns1, {status: 'nodata', values: [], negative: {ttl: 900, source: 'SOA MINIMUM', soa}}),
			server(ns2, {status: 'nxdomain', values: [], negative: {ttl: 30, source: 'SOA MINIMUM', soa}}),
		]));
		expect(verdict.negativeTtl).toBe(900);
		expect(verdict.problems.map((p) => p.code)).toEqual(['DNS_NO_A_RECORD', 'DNS_NXDOMAIN']);
		expect(verdict.servers[0]?.message).toBe('not yet: no A record (NODATA), cached as missing for up to 15 min (SOA minimum)');
	});

	it('a lagging server is named with the address it still answers', () => {
		const verdict = evaluateReadiness(input([server(ns1), server(ns2, {values: ['198.51.100.4']})]));
		expect(verdict).toMatchObject({ready: false, agree: false});
		expect(verdict.servers[1]).toMatchObject({status: 'wrong', answer: ['198.51.100.4'], message: 'ns2.example.net still answers 198.51.100.4 (documentation (TEST-NET-2))'});
		expect(verdict.problems).toEqual([expect.objectContaining({code: 'DNS_A_STALE', server: 'ns2.example.net'})]);
		expect(verdict.problems[0]?.fix).toBe('Set app.example.com A 203.0.113.10 at your DNS provider (and remove 198.51.100.4).');
		const publicOld = evaluateReadiness(input([server(ns1, {values: ['93.184.215.14']})]));
		expect(publicOld.servers[0]?.message).toBe('ns1.example.net still answers 93.184.215.14');
	});

	it('an extra A record next to the right one blocks', () => {
		const verdict = evaluateReadiness(input([server(ns1, {values: [expectAddress, '93.184.215.14']})]));
		expect(verdict.ready).toBe(false);
		expect(verdict.problems[0]).toMatchObject({code: 'DNS_A_EXTRA', message: 'ns1.example.net answers 203.0.113.10 but also 93.184.215.14: the CA may pick that one'});
	});

	it('detects Cloudflare proxy addresses, IPv4 and IPv6', () => {
		const verdict = evaluateReadiness(input([server(ns1, {values: ['104.21.12.34']}, {status: 'answer', values: ['2606:4700:3031::6815:1'], negative: undefined})]));
		expect(verdict.problems.map((p) => [p.code, p.message])).toEqual([
			['DNS_CLOUDFLARE_PROXY', '104.21.12.34 is a Cloudflare proxy address: set the record to DNS only until the certificate is issued'],
			['DNS_CLOUDFLARE_PROXY', '2606:4700:3031::6815:1 is a Cloudflare proxy address: set the record to DNS only until the certificate is issued'],
		]);
		expect(verdict.problems[0]?.explanation).toContain('104.16.0.0/13');
		expect(verdict.servers[0]?.status).toBe('wrong');
	});

	it('a stale AAAA blocks; one that matches the server\'s IPv6 does not', () => {
		const stale = evaluateReadiness(input([server(ns1, {}, {status: 'answer', values: ['2001:db8::1']})]));
		expect(stale).toMatchObject({ready: false, agree: true});
		expect(stale.problems).toEqual([expect.objectContaining({
			code: 'DNS_AAAA_ELSEWHERE', message: 'AAAA 2001:db8::1 would be tried by Let\'s Encrypt first: delete it or point it at the server',
			fix: 'Delete the record app.example.com AAAA 2001:db8::1.',
		})]);
		const matching = evaluateReadiness(input([server(ns1, {}, {status: 'answer', values: ['2001:db8::1']})], {expectIpv6: '2001:DB8:0:0::1'}));
		expect(matching.ready).toBe(true);
		const named = evaluateReadiness(input([server(ns1, {}, {status: 'answer', values: ['2001:db8::1']})], {caName: 'Pebble'}));
		expect(named.problems[0]?.message).toBe('AAAA 2001:db8::1 would be tried by Pebble first: delete it or point it at the server');
	});

	it('an AAAA lookup failure is a warning, not a blocker', () => {
		const verdict = evaluateReadiness(input([server(ns1, {}, {status: 'servfail', rcode: 'SERVFAIL'})]));
		expect(verdict.ready).toBe(true);
		expect(verdict.problems).toEqual([expect.objectContaining({code: 'DNS_AAAA_LOOKUP_FAILED', severity: 'warning'})]);
	});

	it('SERVFAIL, timeout (dead server), REFUSED and a missing AA flag each have their own code', () => {
		const cases: Array<[LookupStatus, string, RegExp]> = [
			['servfail', 'DNS_SERVFAIL', /^ns2\.example\.net \(198\.51\.100\.4\) answers SERVFAIL for app\.example\.com A$/],
			['timeout', 'DNS_SERVER_TIMEOUT', /^ns2\.example\.net \(198\.51\.100\.4\) does not answer \(no reply within \d+ (ms|s)\)$/],
			['network', 'DNS_SERVER_UNREACHABLE', /cannot be reached/],
			['refused', 'DNS_SERVER_REFUSED', /^ns2\.example\.net \(198\.51\.100\.4\) refuses queries for app\.example\.com: it does not serve example\.com$/],
			['not-authoritative', 'DNS_NOT_AUTHORITATIVE', /is not authoritative for example\.com \(its answer lacks the AA flag\)$/],
			['malformed', 'DNS_SERVER_MALFORMED', /cannot be decoded/],
			['rcode', 'DNS_BAD_RCODE', /answers NOTIMP/],
		];
		for (const [status, code, message] of cases) {
			const verdict = evaluateReadiness(input([server(ns1), server(ns2, {status, values: [], rcode: status === 'rcode' ? 'NOTIMP' : undefined}, {status}, {status})]));
			expect(verdict.ready, status).toBe(false);
			expect(verdict.servers[1]?.status, status).toBe('error');
			// one problem per dead server: its AAAA and CAA failures are not repeated
			expect(verdict.problems.map((p) => p.code), status).toEqual([code]);
			expect(verdict.problems[0]?.message, status).toMatch(message);
			expect(verdict.problems[0]?.fix.length, status).toBeGreaterThan(10);
		}
	});

	it('CNAME chains: fine inside the zone, blocked when they leave it or loop', () => {
		const chained = evaluateReadiness(input([server(ns1, {cnames: [{from: name, to: 'lb.example.com', ttl: 60}], finalName: 'lb.example.com'})]));
		expect(chained.ready).toBe(true);
		expect(chained.servers[0]?.message).toBe('answers 203.0.113.10 (via CNAME lb.example.com)');
		const out = evaluateReadiness(input([server(ns1, {status: 'cname-out-of-zone', values: [], cnames: [{from: name, to: 'x.herokudns.com', ttl: 60}]}, {}, {status: 'cname-out-of-zone'})]));
		expect(out.problems.map((p) => [p.code, p.message])).toEqual([['DNS_CNAME_OUT_OF_ZONE', 'app.example.com is a CNAME to x.herokudns.com, outside example.com']]);
		const loop = evaluateReadiness(input([server(ns1, {status: 'cname-loop', values: [], error: 'CNAME chain a → b → a'})]));
		expect(loop.problems[0]).toMatchObject({code: 'DNS_CNAME_LOOP', message: 'app.example.com: CNAME chain a → b → a'});
	});

	it('CAA at the name: allowed, forbidden, forbid-all, critical unknown tag, issuewild only', () => {
		const withCaa = (records: CaaRecord[], extra: Partial<ReadinessInput> = {}) =>
			evaluateReadiness(input([server(ns1, {}, {}, {status: 'answer', caa: records}), server(ns2, {}, {}, {status: 'answer', caa: records})], extra));
		expect(withCaa([caa(name, 'issue', 'letsencrypt.org; validationmethods=http-01')]).ready).toBe(true);
		expect(withCaa([caa(name, 'issue', 'LetsEncrypt.org')]).ready).toBe(true);
		const forbids = withCaa([caa(name, 'issue', 'digicert.com'), caa(name, 'issue', 'sectigo.com')]);
		expect(forbids.ready).toBe(false);
		// both servers say the same: one problem
		expect(forbids.problems).toEqual([expect.objectContaining({
			code: 'DNS_CAA_FORBIDS', message: 'CAA on app.example.com allows only digicert.com, sectigo.com: Let\'s Encrypt (letsencrypt.org) may not issue',
			fix: 'Add the record app.example.com. CAA 0 issue "letsencrypt.org" (keep the others if you use those CAs too), or delete the CAA records.',
		})]);
		expect(withCaa([caa(name, 'issue', ';')]).problems[0]?.message).toBe('CAA on app.example.com forbids every CA (issue ";"): Let\'s Encrypt may not issue');
		expect(withCaa([caa(name, 'tbs', 'x', 128)]).problems[0]).toMatchObject({code: 'DNS_CAA_CRITICAL_UNKNOWN', severity: 'blocker'});
		expect(withCaa([caa(name, 'issuewild', 'digicert.com'), caa(name, 'iodef', 'mailto:x@example.com')]).ready).toBe(true);
		expect(withCaa([caa(name, 'iodef', 'mailto:x@example.com', 128)]).ready).toBe(true); // critical but known
	});

	it('CAA with no configured CA identity: naming other CAs is a warning, forbidding all a blocker', () => {
		const run = (records: CaaRecord[]) => evaluateReadiness(input([server(ns1, {}, {}, {status: 'answer', caa: records})], {caaIdentities: []}));
		const other = run([caa(name, 'issue', 'digicert.com')]);
		expect(other.ready).toBe(true);
		expect(other.problems).toEqual([expect.objectContaining({code: 'DNS_CAA_OTHER_CA', severity: 'warning'})]);
		expect(run([caa(name, 'issue', ';')]).ready).toBe(false);
	});

	it('CAA lookup failures on an authoritative server block', () => {
		const verdict = evaluateReadiness(input([server(ns1, {}, {}, {status: 'servfail', rcode: 'SERVFAIL'})]));
		expect(verdict.ready).toBe(false);
		expect(verdict.problems[0]).toMatchObject({code: 'DNS_CAA_LOOKUP_FAILED', message: 'ns1.example.net (198.51.100.1) gives SERVFAIL for the CAA query of app.example.com'});
	});

	it('CAA walk: the nearest ancestor with a set decides; above the zone only as far as the resolver answered', () => {
		const step = (stepName: string, source: CaaStep['source'], s: ServerAddress, status: LookupStatus, records: CaaRecord[] = []): CaaStep => ({name: stepName, source, server: s, status, records});
		const bootstrap = {name: 'resolver', address: '127.0.0.53'};
		const forbidAtApex = [
			step('example.com', 'authoritative', ns1, 'answer', [caa('example.com', 'issue', 'pki.goog')]),
			step('example.com', 'authoritative', ns2, 'answer', [caa('example.com', 'issue', 'pki.goog')]),
		];
		const apex = evaluateReadiness(input([server(ns1), server(ns2)], {caaWalk: forbidAtApex}));
		expect(apex.problems).toEqual([expect.objectContaining({code: 'DNS_CAA_FORBIDS', message: expect.stringContaining('CAA on example.com allows only pki.goog')})]);

		const allowAtTld = [
			step('example.com', 'authoritative', ns1, 'nodata'), step('com', 'bootstrap', bootstrap, 'answer', [caa('com', 'issue', 'letsencrypt.org')]),
		];
		expect(evaluateReadiness(input([server(ns1)], {caaWalk: allowAtTld})).ready).toBe(true);
		const forbidAtTld = [step('example.com', 'authoritative', ns1, 'nodata'), step('com', 'bootstrap', bootstrap, 'answer', [caa('com', 'issue', 'digicert.com')])];
		expect(evaluateReadiness(input([server(ns1)], {caaWalk: forbidAtTld})).problems[0]?.message).toContain('CAA on com allows only digicert.com');

		const resolverGivesUp = [step('example.com', 'authoritative', ns1, 'nodata'), step('com', 'bootstrap', bootstrap, 'servfail')];
		expect(evaluateReadiness(input([server(ns1)], {caaWalk: resolverGivesUp})).problems).toEqual([]);
		const apexFails = [step('example.com', 'authoritative', ns1, 'servfail')];
		expect(evaluateReadiness(input([server(ns1)], {caaWalk: apexFails})).problems[0]).toMatchObject({code: 'DNS_CAA_LOOKUP_FAILED'});
		// the name's own CAA set wins over the apex
		const own = evaluateReadiness(input([server(ns1, {}, {}, {status: 'answer', caa: [caa(name, 'issue', 'letsencrypt.org')]})], {caaWalk: forbidAtApex}));
		expect(own.ready).toBe(true);
	});

	it('a private expected address blocks unless private targets are fine', () => {
		const priv = (extra: Partial<ReadinessInput>) => evaluateReadiness({...input([server(ns1, {values: ['10.77.0.2']})]), expectAddress: '10.77.0.2', ...extra});
		const blocked = priv({privateTargetOk: false});
		expect(blocked.ready).toBe(false);
		expect(blocked.agree).toBe(true);
		expect(blocked.problems[0]).toMatchObject({code: 'DNS_PRIVATE_TARGET', message: '10.77.0.2 is not a public address (private (RFC 1918)): no public CA can reach it'});
		expect(priv({privateTargetOk: true}).ready).toBe(true);
	});

	it('NS names without an address, and no servers at all, block', () => {
		const verdict = evaluateReadiness(input([server(ns1)], {unreachableServers: [{name: 'ns3.example.org', error: 'A NXDOMAIN'}]}));
		expect(verdict).toMatchObject({ready: false, agree: false});
		expect(verdict.problems[0]).toMatchObject({code: 'DNS_NS_NO_ADDRESS', message: 'ns3.example.org has no address (A NXDOMAIN)'});
		expect(evaluateReadiness(input([])).problems[0]?.code).toBe('DNS_NO_SERVERS');
	});

	it('is pure: the same input gives the same verdict', () => {
		const data = input([server(ns1), server(ns2, {values: ['198.51.100.4']})]);
		expect(evaluateReadiness(data)).toEqual(evaluateReadiness(structuredClone(data)));
	});
});

describe('formatSeconds', () => {
	it('uses seconds under two minutes, then minutes, then hours', () => {
		expect([0, 42, 119, 120, 900, 7199, 7200, 86_400].map(formatSeconds)).toEqual(['0 s', '42 s', '119 s', '2 min', '15 min', '120 min', '2 h', '24 h']);
	});
});
