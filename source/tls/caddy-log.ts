/**
 * What Caddy's log says about certificates: which names it obtained, and why it could not get one, sorted into the
 * causes hoist explains (rate limit, CAA, DNS, challenge failed, timeout). Caddy (certmagic) logs JSON lines:
 * "obtaining certificate", "certificate obtained successfully", "could not get certificate from issuer" and
 * "will retry" (logger tls.obtain), and "challenge failed" / "validating authorization" with the ACME problem
 * (logger tls.issuance.acme.acme_client). Pure: text in, facts out.
 */
import {nextCommand, type NextStepInput} from '../errors.js';

export type FailureCause = 'rate-limit' | 'caa' | 'dns' | 'challenge' | 'timeout' | 'other';

export interface CaddyFailure {
	/** The name the failure is about (empty when the line names none). */
	identifier: string;
	cause: FailureCause;
	/** The ACME problem or Go error text, as Caddy logged it. */
	error: string;
	/** Epoch ms. */
	at: number;
	/** Seconds until Caddy tries again, when it said so. */
	retryingIn?: number;
	/** The log line, for the error's output. */
	line: string;
}

export interface CaddyLogFacts {
	/** Names Caddy obtained a certificate for, with the issuer key it logged. */
	obtained: Array<{identifier: string; issuer?: string; at: number}>;
	failures: CaddyFailure[];
}

interface LogLine {
	level?: string;
	ts?: number;
	logger?: string;
	msg?: string;
	identifier?: string;
	issuer?: string;
	error?: string;
	retrying_in?: number;
	problem?: {type?: string; detail?: string};
}

const failureMessages = new Set(['could not get certificate from issuer', 'will retry', 'challenge failed', 'validating authorization', 'job failed']);

/**
 * The cause of an ACME or network error, by the words in it: the ACME problem types first (the CA's verdict), then
 * Go's network errors, which at this point are Caddy's own connection to the CA.
 */
export function failureCause(text: string): FailureCause {
	if (/rateLimited|HTTP 429|too many (certificates|failed authorizations|new orders|registrations|requests)/i.test(text)) return 'rate-limit';
	if (/acme:error:caa|\bCAA record/i.test(text)) return 'caa';
	if (/acme:error:dns|DNS problem|NXDOMAIN|no valid A records|no valid AAAA|Could not resolve|SERVFAIL/i.test(text)) return 'dns';
	if (/acme:error:(unauthorized|connection|incorrectResponse|tls)|Timeout during connect|Invalid response from|for the (http|tls-alpn)-01 challenge|challenge failed/i.test(text)) return 'challenge';
	if (/context deadline exceeded|i\/o timeout|TLS handshake timeout|timed out|timeout|connection refused|no route to host|network is unreachable|dial tcp|fetching directory|provisioning client/i.test(text)) return 'timeout';
	return 'other';
}

function errorText(entry: LogLine): string {
	if (entry.problem) return [entry.problem.type, entry.problem.detail].filter(Boolean).join(' - ');
	return entry.error ?? entry.msg ?? '';
}

/** Names an error text is about: certmagic puts them in brackets, "[app.example.com] Obtain: …". */
function identifierOf(entry: LogLine): string {
	if (entry.identifier) return entry.identifier;
	return /\[([a-z0-9.*-]+\.[a-z0-9-]+)\]/i.exec(entry.error ?? '')?.[1] ?? '';
}

/** Reads Caddy's JSON log lines; other lines (a container runtime's notes, plain text) are passed over. */
export function parseCaddyLog(text: string): CaddyLogFacts {
	const facts: CaddyLogFacts = {obtained: [], failures: []};
	for (const line of text.split('\n')) {
		const start = line.indexOf('{');
		if (start < 0) continue;
		let entry: LogLine;
		try {
			entry = JSON.parse(line.slice(start)) as LogLine;
		} catch {
			continue;
		}
		const at = Math.round((entry.ts ?? 0) * 1000);
		if (entry.msg === 'certificate obtained successfully') {
			facts.obtained.push({identifier: identifierOf(entry), at, ...(entry.issuer ? {issuer: entry.issuer} : {})});
			continue;
		}
		if (entry.level !== 'error' || !failureMessages.has(entry.msg ?? '')) continue;
		const error = errorText(entry);
		facts.failures.push({
			identifier: identifierOf(entry), cause: failureCause(error), error, at, line: line.slice(start),
			...(typeof entry.retrying_in === 'number' ? {retryingIn: entry.retrying_in} : {}),
		});
	}
	return facts;
}

/** The failure that says most about a name: the most specific cause among its newest lines. */
export function worstFailure(facts: CaddyLogFacts, names: string[]): CaddyFailure | undefined {
	const rank: Record<FailureCause, number> = {'rate-limit': 5, caa: 4, dns: 3, challenge: 2, timeout: 1, other: 0};
	const relevant = facts.failures.filter((failure) => failure.identifier === '' || names.includes(failure.identifier));
	return [...relevant].sort((a, b) => rank[b.cause] - rank[a.cause] || b.at - a.at)[0];
}

export interface FailureContext {
	name: string;
	address: string;
	caName: string;
	directory: string;
	/** The command that runs the flow again (StepContext.rerun): `hoist up`, or a rehearsal's. */
	rerun: string;
	/** The command that shows what DNS answers (StepContext.dnsView): `hoist dns`, or a rehearsal's zone listing. */
	dnsView: string;
}

export interface Explanation {
	/** The error's code, written out so that a code a user reports can be found in the source. */
	code: 'CERTIFICATE_RATE_LIMIT' | 'CERTIFICATE_CAA' | 'CERTIFICATE_DNS' | 'CERTIFICATE_CHALLENGE' | 'CERTIFICATE_TIMEOUT' | 'CERTIFICATE_OTHER';
	message: string;
	hint: string;
	nextSteps: NextStepInput[];
	/** Waiting does not help: stop now instead of letting Caddy spend more attempts. */
	final: boolean;
}

/** What a failure means for the user, and what to do next. */
export function explainFailure(failure: CaddyFailure, context: FailureContext): Explanation {
	const {name, address, caName} = context;
	const resume = nextCommand(context.rerun, 'Then run {command} again: it resumes at the certificate step.');
	switch (failure.cause) {
		case 'rate-limit':
			return {
				code: 'CERTIFICATE_RATE_LIMIT',
				message: `${caName} refuses to issue a certificate for ${name} now: a rate limit is reached`,
				hint: 'Let\'s Encrypt allows 50 certificates per registered domain and 5 per exact set of names each week, and 5 failed validations per name per hour; revoking does not reset them. Caddy keeps the domain and tries again on its own, backing off.',
				nextSteps: [
					'Wait until the limit has passed (the error above says until when), or leave Caddy to retry.',
					'To try things out without spending production limits, set acme.staging: true (a staging certificate makes browsers warn).',
					resume,
				],
				final: true,
			};
		case 'caa':
			return {
				code: 'CERTIFICATE_CAA',
				message: `${caName} may not issue for ${name}: a CAA record forbids it`,
				hint: 'CAA records name the CAs allowed to issue for a domain and every name below it; the CA checks them right before issuing.',
				nextSteps: [nextCommand(context.dnsView, `Add a CAA record that allows ${caName} (Let's Encrypt: 0 issue "letsencrypt.org"), or delete the CAA records; {command} checks them.`), resume],
				final: true,
			};
		case 'dns':
			return {
				code: 'CERTIFICATE_DNS',
				message: `${caName} could not resolve ${name} to ${address}`,
				hint: 'hoist found every authoritative server right, but the CA\'s resolver saw something else: an answer it cached earlier ("does not exist", or an old address), or a server that fails for it.',
				nextSteps: [nextCommand(context.dnsView, 'Run {command} to see what each server answers now, and wait until old answers have expired.'), resume],
				final: true,
			};
		case 'challenge':
			return {
				code: 'CERTIFICATE_CHALLENGE',
				message: `${caName} could not reach ${name} at ${address} to validate it (HTTP on port 80, TLS on 443)`,
				hint: 'The CA connects to the address in the A record on ports 80 and 443 from the internet; a firewall, a proxy in front, or a record pointing elsewhere stops it.',
				nextSteps: [
					`Check that ports 80 and 443 of ${address} are open to the internet (hoist's security group opens them; a firewall or network ACL in front of the server may not).`,
					nextCommand(context.dnsView, `Check that ${name} points at ${address} and at nothing else ({command}).`),
					resume,
				],
				final: true,
			};
		case 'timeout':
			return {
				code: 'CERTIFICATE_TIMEOUT',
				message: `Caddy could not reach ${caName} (${context.directory})`,
				hint: 'The server\'s connection to the CA timed out or was refused. Caddy tries again on its own, backing off (a minute, then two, …).',
				nextSteps: [`Check that the server can reach ${context.directory} (outbound HTTPS; a proxy or egress firewall may stop it), and that the directory URL is right.`, resume],
				final: true,
			};
		case 'other':
			return {
				code: 'CERTIFICATE_OTHER',
				message: `Caddy could not get a certificate for ${name}: ${failure.error}`,
				hint: 'The error above is Caddy\'s; Caddy tries again on its own, backing off.',
				nextSteps: ['Read the error above, and Caddy\'s log on the server (`podman logs` of the hoist-caddy container).', resume],
				final: false,
			};
	}
}
