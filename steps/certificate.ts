import {readFileSync} from 'node:fs';
import {isDeepStrictEqual} from 'node:util';
import {z} from 'zod';
import {resolvePath} from '../source/config/load.js';
import {substepRow} from '../source/engine/details.js';
import {backingOff, poll} from '../source/engine/poll.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {ExternalError, nextCommand} from '../source/errors.js';
import {caddyLogs, serverTime} from '../source/server/commands/compose.js';
import type {RemoteSession} from '../source/remote/session.js';
import {caddyfile} from '../source/server/bundle.js';
import {caddyService} from '../source/server/overlay.js';
import {httpsChecks, redirectTargets, type HttpsCheck} from '../source/config/routes.js';
import {configAcme, sitesOf, type CaddyAcme, type CaddySites} from '../source/server/sites.js';
import {syncFiles} from '../source/server/sync.js';
import {explainFailure, parseCaddyLog, worstFailure} from '../source/tls/caddy-log.js';
import type {CertificateProbe, TrustOptions} from '../source/tls/probe.js';
import type {Services} from '../source/services.js';
import {letsEncryptStagingRoots} from '../source/tls/staging-roots.js';
import {caName} from '../source/dns/dns-plan.js';

const certificateFacts = z.object({
	name: z.string(),
	issuer: z.string(),
	notAfter: z.string(),
	fingerprint256: z.string(),
});
export type CertificateFacts = z.infer<typeof certificateFacts>;

export const certificateOutputs = z.object({
	/** issued: every name serves a trusted certificate and answers HTTPS; skipped: the DNS step was skipped. */
	status: z.enum(['issued', 'skipped']),
	reason: z.string().optional(),
	/** The names the certificates cover, the domain first. */
	names: z.array(z.string()),
	/** Where the certificate was checked: the address the A records hold. */
	address: z.string(),
	/** The CA the Caddyfile names: every later `hoist up` keeps it until this step switches to another. */
	acme: z.object({directory: z.string(), email: z.string().optional(), caRoot: z.boolean()}) satisfies z.ZodType<CaddyAcme>,
	/** A staging certificate: browsers will warn. */
	staging: z.boolean(),
	/** The domain's certificate (the first of `certificates`). */
	issuer: z.string().optional(),
	notAfter: z.string().optional(),
	certificates: z.array(certificateFacts),
});
export type CertificateOutputs = z.infer<typeof certificateOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		certificate: CertificateOutputs;
	}
}

type CertificateContext = StepContext<'certificate', 'target' | 'dns'>;

/** How long hoist waits for Caddy's certificate before explaining what Caddy's log says. */
export const certificateWaitMs = 5 * 60_000;

/** The roots an issued certificate must chain to: the system's, hoist.yml's trustRoots, and for staging Let's Encrypt's staging roots. */
export function certificateTrust(ctx: Pick<CertificateContext, 'config' | 'files'>): TrustOptions {
	const {acme} = ctx.config;
	return {
		trustRoots: [...acme.trustRoots.map((file) => readFileSync(resolvePath(ctx.files.dir, file), 'utf8')), ...(acme.staging ? letsEncryptStagingRoots : [])],
		useSystemRoots: true,
	};
}

/** The Caddyfile's sites for the names DNS confirmed now, with the CA hoist.yml asks for. */
function sitesFor(ctx: CertificateContext): CaddySites {
	return sitesOf(ctx.config, new Set(ctx.outputs.dns.names));
}

/** Whether a handshake's certificate is the one hoist waits for; why not, in words. */
export function judgeCertificate(probe: CertificateProbe): {ok: true} | {ok: false; why: string} {
	if (probe.caddyInternal) return {ok: false, why: `Caddy serves its own local CA's certificate (${probe.issuer}): it has none from the CA yet`};
	if (!probe.authorized) return {ok: false, why: `${probe.authorizationMessage ?? probe.authorizationError ?? 'not trusted'} (issuer ${probe.issuer})`};
	return {ok: true};
}

function isStaging(ctx: CertificateContext, probes: CertificateProbe[]): boolean {
	return ctx.config.acme.staging || probes.some((probe) => /\(STAGING\)/i.test(`${probe.issuer} ${probe.chain.map((entry) => entry.issuer).join(' ')}`));
}

function issued(ctx: CertificateContext, names: string[], probes: CertificateProbe[]): CertificateOutputs {
	const certificates = probes.map((probe, index) => ({
		name: names[index] ?? '', issuer: probe.issuer, notAfter: probe.notAfter.toISOString(), fingerprint256: probe.fingerprint256,
	}));
	const [first] = certificates;
	return {
		status: 'issued', names, address: ctx.outputs.dns.address, acme: configAcme(ctx.config), staging: isStaging(ctx, probes),
		...(first ? {issuer: first.issuer, notAfter: first.notAfter} : {}), certificates,
	};
}

function skipped(ctx: CertificateContext): CertificateOutputs {
	const {dns} = ctx.outputs;
	return {status: 'skipped', reason: dns.reason ?? 'the DNS step was skipped', names: [], address: dns.address, acme: configAcme(ctx.config), staging: false, certificates: []};
}

/** One handshake per name; a name whose handshake fails counts as "no certificate yet", with the reason. */
async function probeAll(ctx: CertificateContext, names: string[]): Promise<Array<CertificateProbe | Error>> {
	const trust = certificateTrust(ctx);
	return Promise.all(names.map((name) =>
		ctx.services.probeCertificate({...trust, address: ctx.outputs.dns.address, servername: name, signal: ctx.signal}).catch((error: unknown) => {
			if (ctx.signal.aborted) throw error;
			return error instanceof Error ? error : new Error(String(error));
		})));
}

function allGood(results: Array<CertificateProbe | Error>): CertificateProbe[] | undefined {
	const probes = results.filter((result): result is CertificateProbe => !(result instanceof Error));
	return probes.length === results.length && probes.every((probe) => judgeCertificate(probe).ok) ? probes : undefined;
}

/**
 * "https://example.com/api/ answers from api" for each route of a name; the redirect to its route's first name for the
 * others. Also what `hoist upgrade` checks once the stack is back.
 */
export async function httpsAnswer(
	services: Pick<Services, 'httpsGet'>,
	trust: TrustOptions,
	address: string,
	check: HttpsCheck,
	signal: AbortSignal,
): Promise<{ok: boolean; note: string}> {
	try {
		const response = await services.httpsGet(address, check.name, check.path, {...trust, signal});
		if ('redirectTo' in check) {
			const location = String(response.headers['location'] ?? '');
			const ok = [301, 302, 307, 308].includes(response.status) && location.startsWith(`https://${check.redirectTo}`);
			return {ok, note: ok ? `${response.status} → ${location}` : `${response.status}, expected a redirect to https://${check.redirectTo}/`};
		}
		// 502–504 come from Caddy itself when the service does not answer; anything else is the app's answer.
		const ok = ![502, 503, 504].includes(response.status);
		return {ok, note: ok ? `${response.status} from ${check.service}` : `${response.status} from Caddy: ${check.service} does not answer`};
	} catch (error) {
		if (signal.aborted) throw error;
		return {ok: false, note: (error as Error).message};
	}
}

function certificateNote(probe: CertificateProbe): string {
	return `${probe.issuer}, ${probe.names.join(', ')}, until ${probe.notAfter.toISOString().slice(0, 10)}`;
}

/** Reads Caddy's log since `since` and turns the worst failure for these names into an error, when waiting cannot help. */
async function failureFromLog(ctx: CertificateContext, session: RemoteSession, names: string[], since: number, all: boolean): Promise<ExternalError | undefined> {
	const log = await session.run(caddyLogs(ctx.config.stack, caddyService, since), {capture: true, signal: ctx.signal}).then((result) => result.stdout).catch(() => '');
	const failure = worstFailure(parseCaddyLog(log), names);
	if (!failure) return all ? timeoutError(ctx, names, log) : undefined;
	const explanation = explainFailure(failure, {
		name: failure.identifier || names[0]!, address: ctx.outputs.dns.address, caName: caName(ctx.config.acme.directory), directory: ctx.config.acme.directory, rerun: ctx.rerun, dnsView: ctx.dnsView,
	});
	if (!explanation.final && !all) return undefined;
	return new ExternalError(`${explanation.message}.`, {
		code: explanation.code,
		command: `caddy: obtain a certificate for ${failure.identifier || names.join(', ')}`,
		output: failure.error,
		hint: explanation.hint,
		nextSteps: explanation.nextSteps,
	});
}

function timeoutError(ctx: CertificateContext, names: string[], log: string): ExternalError {
	const lines = log.split('\n').filter((line) => /tls|certificate|acme/i.test(line));
	return new ExternalError(`No certificate for ${names.join(', ')} within ${certificateWaitMs / 60_000} minutes, and Caddy's log names no failure.`, {
		code: 'CERTIFICATE_NOT_ISSUED',
		command: 'caddy: obtain a certificate',
		output: lines.slice(-12).join('\n') || '(nothing about certificates in Caddy\'s log)',
		hint: `Caddy asks ${caName(ctx.config.acme.directory)} for the certificate on its own and keeps trying, backing off.`,
		nextSteps: [nextCommand(ctx.rerun, 'Run {command} again in a few minutes: it resumes at the certificate step.'), 'Read Caddy\'s log on the server (`podman logs` of the hoist-caddy container).'],
	});
}

/** The wait for the certificate is over; the step reads Caddy's log to say why. */
class WaitOver extends Error {}

/**
 * Once DNS is right, and only then: adds the domain (and its aliases, which redirect to it) to the Caddyfile and
 * reloads Caddy, which asks the CA. Then shakes hands with the address the A record holds, SNI = each name, until it
 * serves a certificate that chains to a trusted root, covers the name and is not Caddy's local CA, and the domain
 * answers HTTPS from the web service. When no certificate comes, Caddy's log says why: rate limit, CAA, DNS, a failed
 * challenge or a timeout, each with its next step. A changed CA (acme.staging switched off) re-runs only this step.
 */
export const certificate = defineStep({
	id: 'certificate',
	outputs: certificateOutputs,
	needs: ['target', 'dns'],
	async check(ctx) {
		if (ctx.outputs.dns.status === 'skipped') {
			const outputs = skipped(ctx);
			return isDeepStrictEqual(ctx.previous, outputs) ? outputs : undefined;
		}
		const previous = ctx.previous;
		const names = ctx.outputs.dns.names;
		if (previous?.status !== 'issued' || !isDeepStrictEqual(previous.acme, configAcme(ctx.config)) || !isDeepStrictEqual(previous.names, names) || previous.address !== ctx.outputs.dns.address) {
			return undefined;
		}
		const probes = allGood(await probeAll(ctx, names));
		return probes ? issued(ctx, names, probes) : undefined;
	},
	async run(ctx) {
		if (ctx.outputs.dns.status === 'skipped') {
			ctx.log(`no certificate: ${ctx.outputs.dns.reason ?? 'the DNS step was skipped'}`);
			return skipped(ctx);
		}
		const {config} = ctx;
		const names = ctx.outputs.dns.names;
		const sites = sitesFor(ctx);
		const previous = ctx.previous;
		const switching = previous?.status === 'issued' && !isDeepStrictEqual(previous.acme, sites.acme);
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const since = Number((await session.run(serverTime(), {capture: true, signal: ctx.signal})).stdout.trim()) || 0;

		const redirects = redirectTargets(config.routes);
		const title = `Caddy serves ${sites.names.map((name) => (redirects.has(name) ? `${name} → ${redirects.get(name)}` : name)).join(', ')}`;
		ctx.detail(substepRow({id: 'caddyfile', title, state: 'running'}));
		const changed = await syncFiles(session, ctx, {stack: config.stack, files: [caddyfile(config, ctx.outputs.target.publicAddress, sites)], caddy: switching ? 'restart' : 'reload'});
		const how = changed.length === 0 ? 'already in the Caddyfile' : switching ? `Caddyfile updated, Caddy restarted for ${caName(config.acme.directory)}` : 'Caddyfile updated, Caddy reloaded (no restart)';
		ctx.detail(substepRow({id: 'caddyfile', title, state: 'done', note: how}));

		ctx.progress(`waiting for ${caName(config.acme.directory)} to issue, then for ${names.join(', ')} to answer HTTPS`);
		const probes = await poll({
			attempt: async (attempt) => {
				const results = await probeAll(ctx, names);
				results.forEach((result, index) => {
					const name = names[index]!;
					const verdict = result instanceof Error ? {ok: false as const, why: `no certificate yet: ${result.message}`} : judgeCertificate(result);
					ctx.detail(substepRow({
						id: `certificate:${name}`, title: `Certificate for ${name}`, state: verdict.ok ? 'done' : 'running',
						note: verdict.ok ? certificateNote(result as CertificateProbe) : verdict.why,
					}));
				});
				const good = allGood(results);
				if (good) {
					const checks = await Promise.all(httpsChecks(config.routes, names).map(async (check) => ({
						id: `https:${check.name}${check.path === '/' ? '' : check.path}`, url: `https://${check.name}${check.path}`, ...(await httpsAnswer(ctx.services, certificateTrust(ctx), ctx.outputs.dns.address, check, ctx.signal)),
					})));
					for (const check of checks) ctx.detail(substepRow({id: check.id, title: check.url, state: check.ok ? 'done' : 'running', note: check.note}));
					const waiting = checks.filter((check) => !check.ok);
					if (waiting.length === 0) return {done: true, value: good};
					return {done: false, status: waiting.map((check) => `${check.url}: ${check.note}`).join('; ')};
				}
				// Every few looks, Caddy's log: a failure that waiting cannot fix ends the wait with its explanation.
				if (attempt % 3 === 0) {
					const failure = await failureFromLog(ctx, session, names, since, false);
					if (failure) throw failure;
				}
				return {done: false, status: 'no certificate from the CA yet'};
			},
			interval: backingOff(1000, 10_000, 1.5),
			timeoutMs: certificateWaitMs,
			clock: ctx.services,
			signal: ctx.signal,
			onWait: ({status, attempt}) => ctx.progress(`waiting (look ${attempt}): ${status}`),
			giveUp: () => new WaitOver(),
		}).catch(async (error: unknown) => {
			// The time is up: what Caddy's log says is the error (or that it says nothing).
			if (error instanceof WaitOver) throw (await failureFromLog(ctx, session, names, since, true))!;
			throw error;
		});
		const outputs = issued(ctx, names, probes);
		if (outputs.staging) ctx.log('staging certificate: browsers will warn (set acme.staging: false and run hoist up for a trusted one)');
		return outputs;
	},
	summary: (out) => {
		if (out.status === 'skipped') return `skipped: ${out.reason ?? ''}`;
		const until = out.notAfter ? `, until ${out.notAfter.slice(0, 10)}` : '';
		return `${out.issuer ?? 'issued'} for ${out.names.join(', ')}${until}${out.staging ? ' — staging certificate: browsers will warn' : ''}`;
	},
});
