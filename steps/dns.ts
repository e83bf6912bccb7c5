import {isDeepStrictEqual} from 'node:util';
import {z} from 'zod';
import {routeNames} from '../source/config/routes.js';
import type {Config} from '../source/config/schema.js';
import type {Reach} from '../source/dns/ca-reach.js';
import {caName, dnsPlan} from '../source/dns/dns-plan.js';
import {addressType} from '../source/dns/readiness.js';
import {defaultSuggestedTtl, type SnapshotServer} from '../source/dns/watch.js';
import {dnsServerRow, dnsSummaryRow, type DnsMissing, type DnsServerData, type DnsSummaryData} from '../source/dns/watch-details.js';
import {notReadyText, roundProblems, watchNames, Watcher, type WatchNamesOptions, type WatchRound} from '../source/dns/watch-loop.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {UserError, nextCommand} from '../source/errors.js';
import {formatSeconds} from '../source/text/format-seconds.js';

export const dnsOutputs = z.object({
	/** ready: every authoritative server answers the address for every name; skipped: no public CA could reach it. */
	status: z.enum(['ready', 'skipped']),
	/** Why the DNS and certificate steps were skipped. */
	reason: z.string().optional(),
	/** The address the A records hold (or would have to hold). */
	address: z.string(),
	/** The names whose DNS is confirmed, the domain first: the Caddyfile serves these (and only these) over HTTPS. */
	names: z.array(z.string()),
	/** The zone of each name. */
	zones: z.record(z.string(), z.string()),
	confirmedAt: z.string().optional(),
});
export type DnsOutputs = z.infer<typeof dnsOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		dns: DnsOutputs;
	}
}

type DnsContext = StepContext<'dns', 'target'>;

/** Every name of every route: every name the certificates will cover. */
export function watchedNames(config: Config): string[] {
	return routeNames(config.routes);
}

const wellKnownResolvers: Record<string, string> = {
	'1.1.1.1': 'Cloudflare', '1.0.0.1': 'Cloudflare', '8.8.8.8': 'Google', '8.8.4.4': 'Google', '9.9.9.9': 'Quad9', '208.67.222.222': 'OpenDNS',
};

function planFor(ctx: DnsContext): Promise<Reach> {
	return dnsPlan(ctx.config, ctx.outputs.target, {query: ctx.services.dnsQuery, signal: ctx.signal});
}

function watchOptions(ctx: DnsContext, plan: Extract<Reach, {watch: true}>): WatchNamesOptions {
	const {config} = ctx;
	return {
		names: watchedNames(config),
		expectAddress: plan.address,
		...(plan.ipv6 === undefined ? {} : {expectIpv6: plan.ipv6}),
		privateTargetOk: plan.privateTargetOk,
		caaIdentities: config.acme.caaIdentities,
		caName: caName(config.acme.directory),
		...(config.dns.resolvers === undefined ? {} : {bootstrap: config.dns.resolvers}),
		...(config.dns.authoritative === undefined ? {} : {authoritative: config.dns.authoritative}),
		publicResolvers: config.dns.publicResolvers.map((resolver) => ({name: wellKnownResolvers[resolver] ?? resolver, address: resolver})),
		suggestedTtl: defaultSuggestedTtl,
		query: ctx.services.dnsQuery,
		clock: ctx.services,
		signal: ctx.signal,
	};
}

function skipped(address: string, reason: string): DnsOutputs {
	return {status: 'skipped', reason, address, names: [], zones: {}};
}

function ready(ctx: DnsContext, address: string, round: WatchRound): DnsOutputs {
	const names = round.names.map((view) => view.name);
	const zones = Object.fromEntries(round.names.map((view) => [view.name, view.zone ?? '']));
	const previous = ctx.previous;
	// The same confirmation as recorded keeps its time: nothing changed.
	const confirmedAt = previous?.status === 'ready' && previous.address === address && isDeepStrictEqual(previous.names, names) && previous.confirmedAt
		? previous.confirmedAt
		: new Date(ctx.services.now()).toISOString();
	return {status: 'ready', address, names, zones, confirmedAt};
}

function serverRow(name: string, round: number, {name: server, ...row}: SnapshotServer): DnsServerData {
	return {name, server, round, ...row};
}

function summaries(round: WatchRound, address: string, state: 'waiting' | 'timeout', nextPollAt?: number): DnsSummaryData[] {
	return round.names.map((view) => {
		const problems = [...(view.discoveryProblem ? [view.discoveryProblem] : []), ...(view.snapshot?.problems ?? [])];
		const missing: DnsMissing[] = problems.map((problem) => ({
			code: problem.code, severity: problem.severity, ...(problem.server === undefined ? {} : {server: problem.server}), message: problem.message, fix: problem.fix,
		}));
		const negativeTtl = view.snapshot?.negativeTtl;
		return {
			name: view.name, ...(view.zone === undefined ? {} : {zone: view.zone}),
			record: {type: addressType(address), name: view.name, value: address, ttl: defaultSuggestedTtl},
			state: view.ready ? 'ready' : state, round: round.round, startedAt: round.startedAt, at: round.at,
			...(view.ready || nextPollAt === undefined ? {} : {nextPollAt}), ...(negativeTtl === undefined || view.ready ? {} : {negativeTtl}),
			missing,
		};
	});
}

/** The error when time is up: the first thing still wrong, its explanation, the fixes, and how to go on. */
function notReady(ctx: DnsContext, last: WatchRound, waitedMs: number): UserError {
	const blockers = roundProblems(last).filter((problem) => problem.severity === 'blocker');
	const first = blockers[0];
	const names = last.names.filter((view) => !view.ready).map((view) => view.name);
	const negative = Math.max(0, ...last.names.map((view) => view.snapshot?.negativeTtl ?? 0));
	const fixes = [...new Set(blockers.map((problem) => problem.fix))].slice(0, 3);
	return new UserError(`DNS for ${names.join(', ')} is not ready after ${formatSeconds(waitedMs / 1000)}: ${first?.message ?? notReadyText(last)}`, {
		code: 'DNS_NOT_READY',
		hint: [
			first?.explanation,
			negative > 0 ? `Resolvers that asked for the name meanwhile may remember that it does not exist for up to ${formatSeconds(negative)}.` : undefined,
			'hoist adds the domain to Caddy (and so asks the CA) only once DNS is right: each failed validation counts against Let\'s Encrypt\'s limit of 5 per hour.',
		].filter((line) => line !== undefined).join(' '),
		nextSteps: [
			...fixes,
			nextCommand(ctx.rerun, 'When it is fixed, run {command} again: it resumes at this step.'),
			nextCommand(ctx.dnsView, 'Meanwhile {command} shows what each server answers.'),
			`hoist waits ${formatSeconds(ctx.config.dns.timeoutMinutes * 60)} for DNS (dns.timeoutMinutes in hoist.yml).`,
		],
	});
}

/**
 * Watches DNS the way the CA will see it, before anything asks the CA: the zone's own (authoritative) servers, each
 * asked directly, must all answer A = the server's address for the domain and every alias, with no AAAA elsewhere and
 * a CAA that allows the CA. Public resolvers are shown only once they agree (asking earlier would plant a cached "does
 * not exist" in them). One row per server on screen, a log line per round in CI.
 */
export const dns = defineStep({
	id: 'dns',
	outputs: dnsOutputs,
	needs: ['target'],
	view: 'dns-watcher',
	async check(ctx) {
		const plan = await planFor(ctx);
		if (!plan.watch) {
			const outputs = skipped(plan.address, plan.skip);
			return isDeepStrictEqual(ctx.previous, outputs) ? outputs : undefined;
		}
		const round = await new Watcher(watchOptions(ctx, plan)).round();
		return round.ready ? ready(ctx, plan.address, round) : undefined;
	},
	async run(ctx) {
		const plan = await planFor(ctx);
		if (!plan.watch) {
			ctx.log(plan.skip);
			return skipped(plan.address, plan.skip);
		}
		if (plan.note !== undefined) ctx.log(plan.note);
		const options = watchOptions(ctx, plan);
		ctx.progress(`asking the authoritative servers of ${options.names.join(', ')} for ${addressType(plan.address)} ${plan.address}`);
		const publish = (round: WatchRound) => {
			for (const view of round.names) {
				for (const server of view.snapshot?.servers ?? []) ctx.detail(dnsServerRow(serverRow(view.name, round.round, server)));
			}
		};
		const last = await watchNames({
			...options,
			timeoutMs: ctx.config.dns.timeoutMinutes * 60_000,
			onRound: (round) => {
				publish(round);
				if (round.ready) for (const summary of summaries(round, plan.address, 'waiting')) ctx.detail(dnsSummaryRow(summary));
			},
			onWait: (round, nextInMs) => {
				for (const summary of summaries(round, plan.address, 'waiting', round.at + nextInMs)) ctx.detail(dnsSummaryRow(summary));
			},
			giveUp: (round, waitedMs) => {
				for (const summary of summaries(round, plan.address, 'timeout')) ctx.detail(dnsSummaryRow(summary));
				return notReady(ctx, round, waitedMs);
			},
		});
		return ready(ctx, plan.address, last);
	},
	summary: (out) =>
		out.status === 'skipped'
			? `skipped: ${out.reason ?? ''}`
			: `${out.names.join(', ')} → ${out.address} on every authoritative server (${[...new Set(Object.values(out.zones))].join(', ')})`,
});
