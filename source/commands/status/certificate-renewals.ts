import {readFileSync} from 'node:fs';
import type {Config} from '../../config/schema.js';
import type {JournalData} from '../../engine/journal.js';
import {stepOutputs} from '../../engine/outputs.js';
import {journalOwner} from '../../engine/journal-owner.js';
import type {StackFiles} from '../../engine/stack-files.js';
import {asHoistError} from '../../errors.js';
import {caddyLogs, serverTime} from '../../server/commands/compose.js';
import {caddyService} from '../../server/overlay.js';
import {parseCaddyLog, worstFailure} from '../../tls/caddy-log.js';
import {probeCertificate, type TrustOptions} from '../../tls/probe.js';
import {renewalLines, renewalOf, type Renewal, type RenewalState, type RenewalWindow} from '../../tls/renewal.js';
import {ariBudgetMs, renewalInfoOf, renewalInfoUrl, type RenewalInfo} from '../../tls/renewal-info.js';
import {resolvePath} from '../../config/paths.js';
import {certificateTrust} from '../../../steps/certificate.js';
import type {CommandIo} from '../../cli/io.js';
import {withRemote} from '../remote/remote-access.js';

export interface CertificateRenewal {
	name: string;
	issuer?: string;
	notBefore?: string;
	notAfter?: string;
	state?: RenewalState;
	/** The CA's ARI window, when it has one for this certificate. */
	renewalWindow?: {start: string; end: string; explanationURL?: string};
	/** Why the CA's renewal window could not be read (then renewal is judged by the lifetime alone). */
	renewalWindowError?: string;
	/** Why renewal looks stuck, from Caddy's log; or why no certificate could be read. */
	reason?: string;
	lines: string[];
}

/** How far back Caddy's log is read for a renewal's failure: Caddy retries with backoff, its last words are recent. */
const logWindowSeconds = 2 * 24 * 3600;

/**
 * `hoist status`, per domain with a confirmed certificate: the certificate the server presents now (a handshake with
 * the name as SNI), its issuer and the time left of its own lifetime, and a warning when renewal looks overdue, with
 * the reason from Caddy's log when it has one.
 */
export async function certificateRenewals(
	journal: JournalData, config: Config | undefined, files: StackFiles, io: CommandIo, {now = Date.now(), httpsPort}: {now?: number; httpsPort?: number} = {},
): Promise<CertificateRenewal[]> {
	const owner = journalOwner(files.journal);
	const certificate = stepOutputs(journal, 'certificate', owner);
	const target = stepOutputs(journal, 'target', owner);
	if (!config || !target || certificate?.status !== 'issued' || journal.destroyedAt) return [];
	const trust = certificateTrust({config, files});
	const caTrust = caTrustOf(config, files);
	const ariDeadline = AbortSignal.timeout(ariBudgetMs);
	const infoUrl = renewalInfoUrl(config.acme.directory, caTrust, ariDeadline);
	infoUrl.catch(() => undefined); // read by each name below; a name that never asks must not leave it unhandled
	const judged = new Map<string, Renewal>();
	const renewals = await Promise.all(
		certificate.names.map(async (name): Promise<CertificateRenewal> => {
			try {
				const probe = await probeCertificate({...trust, address: certificate.address, servername: name, timeoutMs: 5_000, ...(httpsPort ? {port: httpsPort} : {})});
				const info = await renewalInfoOf(infoUrl, probe.raw, caTrust, ariDeadline, now);
				const renewal = renewalOf(probe.notBefore, probe.notAfter, now, windowOf(info));
				judged.set(name, renewal);
				return {name, issuer: probe.issuer, notBefore: probe.notBefore.toISOString(), notAfter: probe.notAfter.toISOString(), state: renewal.state, ...ariFacts(info), lines: []};
			} catch (error) {
				const reason = asHoistError(error).message;
				return {name, reason, lines: [`${name}: no certificate could be read (${reason})`]};
			}
		}),
	);
	const stuck = renewals.filter((renewal) => renewal.state === 'overdue' || renewal.state === 'expired');
	const log = stuck.length > 0 ? await caddyLog(target, files, io, journal.stack) : '';
	const facts = parseCaddyLog(log);
	for (const renewal of renewals) {
		const judgement = judged.get(renewal.name);
		if (!judgement) continue;
		const failure = stuck.includes(renewal) ? worstFailure(facts, [renewal.name]) : undefined;
		if (failure) renewal.reason = failure.error;
		renewal.lines = [
			...renewalLines(renewal.name, renewal.issuer ?? 'the CA', judgement, failure?.error),
			...(renewal.renewalWindowError ? [`  (the CA's renewal window could not be read: ${renewal.renewalWindowError}; judged by the lifetime alone)`] : []),
		];
	}
	return renewals;
}

/** The CA's own HTTPS, trusted as Caddy trusts it: acme.caRoot (a private CA such as Pebble) and the system's roots. */
function caTrustOf(config: Config, files: StackFiles): TrustOptions {
	try {
		return {trustRoots: config.acme.caRoot ? [readFileSync(resolvePath(files.dir, config.acme.caRoot), 'utf8')] : [], useSystemRoots: true};
	} catch {
		return {trustRoots: [], useSystemRoots: true}; // a CA it then cannot verify: its window is "could not be read"
	}
}

function windowOf(info: RenewalInfo): RenewalWindow | undefined {
	return info.kind === 'window' ? info.window : undefined;
}

/** What --json carries of the CA's window, in the shape of RFC 9773's answer. */
function ariFacts(info: RenewalInfo): Pick<CertificateRenewal, 'renewalWindow' | 'renewalWindowError'> {
	if (info.kind === 'unreadable') return {renewalWindowError: info.reason};
	if (info.kind === 'none') return {};
	const {start, end, explanationUrl} = info.window;
	return {renewalWindow: {start: start.toISOString(), end: end.toISOString(), ...(explanationUrl ? {explanationURL: explanationUrl} : {})}};
}

/** Caddy's recent log from the server; empty when it cannot be read (the warning stands without a reason). */
async function caddyLog(target: Parameters<typeof withRemote>[0], files: StackFiles, io: CommandIo, stack: string): Promise<string> {
	try {
		return await withRemote(target, files, io, async (session) => {
			const serverNow = Number((await session.run(serverTime(), {capture: true})).stdout.trim());
			return (await session.run(caddyLogs(stack, caddyService, serverNow - logWindowSeconds), {capture: true})).stdout;
		});
	} catch {
		return '';
	}
}
