import {describe, expect, it} from 'vitest';
import {explainFailure, failureCause, parseCaddyLog, worstFailure} from '../../../source/tls/caddy-log.js';

const line = (fields: Record<string, unknown>) => JSON.stringify({ts: 1_700_000_000.25, ...fields});
const name = 'app.example.test';

describe('Caddy\'s log, read', () => {
	it('finds obtained certificates and failures, passing over other lines', () => {
		const text = [
			'some podman note',
			line({level: 'info', logger: 'tls.obtain', msg: 'obtaining certificate', identifier: name}),
			line({level: 'error', logger: 'tls.issuance.acme.acme_client', msg: 'challenge failed', identifier: name, challenge_type: 'http-01',
				problem: {type: 'urn:ietf:params:acme:error:connection', detail: '10.77.0.9: Fetching http://app.example.test/.well-known/acme-challenge/x: Connection refused'}}),
			line({level: 'error', logger: 'tls.obtain', msg: 'will retry', error: `[${name}] Obtain: [${name}] solving challenge: ${name}: [${name}] authorization failed: HTTP 400 urn:ietf:params:acme:error:connection - Connection refused`, attempt: 1, retrying_in: 60}),
			line({level: 'info', logger: 'tls.obtain', msg: 'certificate obtained successfully', identifier: 'other.example.test', issuer: '10.77.0.1-14000-dir'}),
			'{not json',
		].join('\n');
		const facts = parseCaddyLog(text);
		expect(facts.obtained).toEqual([{identifier: 'other.example.test', issuer: '10.77.0.1-14000-dir', at: 1_700_000_000_250}]);
		expect(facts.failures.map((f) => [f.identifier, f.cause, f.retryingIn])).toEqual([[name, 'challenge', undefined], [name, 'challenge', 60]]);
		expect(facts.failures[0]!.error).toBe('urn:ietf:params:acme:error:connection - 10.77.0.9: Fetching http://app.example.test/.well-known/acme-challenge/x: Connection refused');
		expect(worstFailure(facts, ['elsewhere.example.test'])).toBeUndefined();
	});

	it.each([
		['HTTP 429 urn:ietf:params:acme:error:rateLimited - too many certificates already issued', 'rate-limit'],
		['urn:ietf:params:acme:error:caa - CAA record for app.example.test prevents issuance', 'caa'],
		['urn:ietf:params:acme:error:dns - DNS problem: NXDOMAIN looking up A for app.example.test', 'dns'],
		['urn:ietf:params:acme:error:malformed - Could not resolve URL "nope.example.test"', 'dns'],
		['urn:ietf:params:acme:error:unauthorized - Invalid response from http://app.example.test/.well-known/acme-challenge/x: 404', 'challenge'],
		['Failed to connect to 10.77.0.3:443 for the tls-alpn-01 challenge', 'challenge'],
		['urn:ietf:params:acme:error:connection - Timeout during connect (likely firewall problem)', 'challenge'],
		['Get "https://acme-v02.api.letsencrypt.org/directory": context deadline exceeded', 'timeout'],
		['registering account [] with server: provisioning client: performing request: Get "https://10.77.0.1:14001/dir": dial tcp 10.77.0.1:14001: connect: connection refused', 'timeout'],
		['something else entirely', 'other'],
	] as const)('%s → %s', (text, cause) => {
		expect(failureCause(text)).toBe(cause);
	});

	it('explains each cause with a next step; the worst failure of a name is the most specific', () => {
		const facts = parseCaddyLog([
			line({level: 'error', logger: 'tls.obtain', msg: 'could not get certificate from issuer', identifier: name, error: 'context deadline exceeded'}),
			line({level: 'error', logger: 'tls.obtain', msg: 'could not get certificate from issuer', identifier: name, error: 'urn:ietf:params:acme:error:caa - CAA record for app.example.test prevents issuance'}),
		].join('\n'));
		const worst = worstFailure(facts, [name])!;
		expect(worst.cause).toBe('caa');
		const context = {name, address: '44.192.0.10', caName: 'Let\'s Encrypt', directory: 'https://acme-v02.api.letsencrypt.org/directory', rerun: 'hoist up', dnsView: 'hoist dns'};
		expect(explainFailure(worst, context)).toMatchObject({message: 'Let\'s Encrypt may not issue for app.example.test: a CAA record forbids it', final: true});
		// Each code written out as users see it, so that a code someone reports is found by searching the source.
		const codes = {
			'rate-limit': 'CERTIFICATE_RATE_LIMIT', caa: 'CERTIFICATE_CAA', dns: 'CERTIFICATE_DNS',
			challenge: 'CERTIFICATE_CHALLENGE', timeout: 'CERTIFICATE_TIMEOUT', other: 'CERTIFICATE_OTHER',
		} as const;
		for (const cause of ['rate-limit', 'caa', 'dns', 'challenge', 'timeout', 'other'] as const) {
			const explained = explainFailure({...worst, cause}, context);
			expect(explained.code).toBe(codes[cause]);
			expect(explained.message.length, cause).toBeGreaterThan(20);
			expect(explained.nextSteps.at(-1), cause).toMatchObject({text: expect.stringMatching(/hoist up|Caddy's log/)});
		}
		expect(explainFailure({...worst, cause: 'challenge'}, context).nextSteps[0]).toBe('Check that ports 80 and 443 of 44.192.0.10 are open to the internet (hoist\'s security group opens them; a firewall or network ACL in front of the server may not).');
		expect(explainFailure({...worst, cause: 'timeout'}, context)).toMatchObject({message: 'Caddy could not reach Let\'s Encrypt (https://acme-v02.api.letsencrypt.org/directory)', final: true});
		expect(explainFailure({...worst, cause: 'other'}, context).final).toBe(false);
		// In a rehearsal the advice names the rehearsal's own commands: its zone listing, its way to run again.
		const rehearsal = {...context, rerun: 'hoist rehearse --on alpine@192.168.64.5 --pitfall caa', dnsView: 'hoist rehearse dns list'};
		const commands = (cause: 'caa' | 'dns' | 'challenge') => explainFailure({...worst, cause}, rehearsal).nextSteps.flatMap((step) => (typeof step === 'object' && step.command ? [step.command] : []));
		for (const cause of ['caa', 'dns', 'challenge'] as const) expect(commands(cause), cause).toEqual(['hoist rehearse dns list', 'hoist rehearse --on alpine@192.168.64.5 --pitfall caa']);
	});
});
