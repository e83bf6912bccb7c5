/**
 * The DNS watcher over time: every name (the domain and its aliases) watched round after round with watchRound,
 * through the engine's polling helper (2 s at first, backing off to 30 s), until every name is ready or the time is
 * up. The zone of each name is found once (again on the next round when that failed: a new domain's delegation may
 * still be on its way). Time comes from the caller's clock, so tests run it instantly.
 */
import {backingOff, poll, type Clock} from '../engine/poll.js';
import {HoistError, UserError} from '../errors.js';
import type {QueryFn} from './client.js';
import {discoverZone, findZone, type ZoneInfo} from './discovery.js';
import type {Problem} from './readiness.js';
import type {ServerAddress} from './records.js';
import {watchRound, type WatchSnapshot} from './watch.js';

/** The wait after each round: 2 s for the first five rounds (ten seconds of a change that is often quick), then ×1.5 up to 30 s. */
export const roundInterval = backingOff(2000, 30_000, 1.5, 5);

export interface WatchNamesOptions {
	/** The domain first, then its aliases. */
	names: string[];
	expectAddress: string;
	/** The server's IPv6 address besides an IPv4 expectAddress: an AAAA record may hold it. */
	expectIpv6?: string;
	/** The address is private and that is meant (dns.expectAddress names it, or the CA is on the same network). */
	privateTargetOk: boolean;
	caaIdentities: string[];
	caName: string;
	/** Recursive resolvers for zone discovery and the CAA walk above the zone; undefined: /etc/resolv.conf. */
	bootstrap?: string[];
	/**
	 * The zone's servers, given instead of found through its NS records: a rehearsal's stand-ins, each with its port
	 * (NS records carry none). They also answer the zone lookup and the CAA walk above it.
	 */
	authoritative?: ServerAddress[];
	/** Display only, asked once the authoritative servers agree. */
	publicResolvers: ServerAddress[];
	suggestedTtl?: number;
	/** Per query (default 2 s). */
	queryTimeoutMs?: number;
	query?: QueryFn;
	clock: Clock;
	signal?: AbortSignal;
}

/** One name after a round: the zone's servers' view, or why its zone could not be found yet. */
export interface NameView {
	name: string;
	zone?: string;
	snapshot?: WatchSnapshot;
	/** Zone discovery failed this round (no zone yet, SERVFAIL, no resolver answered). */
	discoveryProblem?: Problem;
	ready: boolean;
}

export interface WatchRound {
	/** 1 for the first round. */
	round: number;
	startedAt: number;
	at: number;
	names: NameView[];
	ready: boolean;
}

export interface WatchLoopOptions extends WatchNamesOptions {
	timeoutMs: number;
	/** After every round, with what each name looks like. */
	onRound?(round: WatchRound): void;
	/** Before each wait: the round that was not ready and when the next one runs. */
	onWait?(round: WatchRound, nextInMs: number): void;
	/** The error thrown when the time is up, from the last round. */
	giveUp(last: WatchRound, waitedMs: number): Error;
}

/** State kept between rounds: the zones found so far. */
export class Watcher {
	readonly #options: WatchNamesOptions;
	readonly #zones = new Map<string, ZoneInfo>();
	readonly #startedAt: number;
	#round = 0;

	constructor(options: WatchNamesOptions) {
		this.#options = options;
		this.#startedAt = options.clock.now();
	}

	/** One round over every name, in parallel. */
	async round(): Promise<WatchRound> {
		const round = ++this.#round;
		const names = await Promise.all(this.#options.names.map((name) => this.#watchName(name)));
		return {round, startedAt: this.#startedAt, at: this.#options.clock.now(), names, ready: names.every((view) => view.ready)};
	}

	async #watchName(name: string): Promise<NameView> {
		const options = this.#options;
		const common = {
			...(options.queryTimeoutMs === undefined ? {} : {timeoutMs: options.queryTimeoutMs}),
			...(options.signal === undefined ? {} : {signal: options.signal}),
			...(options.query === undefined ? {} : {query: options.query}),
		};
		let zone = this.#zones.get(name);
		if (!zone) {
			try {
				zone = options.authoritative ? await givenZone(name, options.authoritative, common) : await discoverZone({name, ...(options.bootstrap === undefined ? {} : {bootstrap: options.bootstrap}), ...common});
				this.#zones.set(name, zone);
			} catch (error) {
				// No resolver configured at all cannot get better by waiting (nor can a cancelled run); everything else may.
				if (error instanceof HoistError && error.code !== 'DNS_NO_RESOLVER' && !options.signal?.aborted) {
					return {name, discoveryProblem: discoveryProblem(name, error), ready: false};
				}
				throw error;
			}
		}
		const snapshot = await watchRound({
			zone, name, expectAddress: options.expectAddress, privateTargetOk: options.privateTargetOk,
			...(options.expectIpv6 === undefined ? {} : {expectIpv6: options.expectIpv6}),
			caaIdentities: options.caaIdentities, caName: options.caName, publicResolvers: options.publicResolvers,
			bootstrap: options.authoritative ?? (options.bootstrap ?? [zone.resolver]).map((address) => ({name: address, address})),
			...(options.suggestedTtl === undefined ? {} : {suggestedTtl: options.suggestedTtl}),
			...(options.queryTimeoutMs === undefined ? {} : {timeoutMs: options.queryTimeoutMs}),
			...(options.query === undefined ? {} : {query: options.query}),
			now: () => options.clock.now(),
		}, options.signal === undefined ? {} : {signal: options.signal});
		return {name, zone: zone.zone, snapshot, ready: snapshot.ready};
	}
}

/** The zone of `name` as the given servers hold it (asked of the first, with its port), served by all of them. */
async function givenZone(name: string, servers: ServerAddress[], common: {timeoutMs?: number; signal?: AbortSignal; query?: QueryFn}): Promise<ZoneInfo> {
	const first = servers[0]!;
	const found = await findZone({name, bootstrap: [first.address], ...(first.port === undefined ? {} : {port: first.port}), ...common});
	const nameservers = servers.map((server) => ({name: server.name, addresses: [server.address], glue: false, ...(server.port === undefined ? {} : {port: server.port})}));
	return {...found, nameservers};
}

function discoveryProblem(name: string, error: HoistError): Problem {
	return {
		code: error.code,
		severity: 'blocker',
		message: error.message,
		explanation: error.hint ?? `hoist could not find which zone holds ${name}.`,
		fix: error.nextSteps[0]?.text ?? `Check ${name} at your registrar and DNS provider.`,
	};
}

/** Rounds until every name is ready (returns the ready round) or the time is up (throws `giveUp`'s error). */
export async function watchNames(options: WatchLoopOptions): Promise<WatchRound> {
	const watcher = new Watcher(options);
	let last: WatchRound | undefined;
	return poll({
		attempt: async () => {
			last = await watcher.round();
			options.onRound?.(last);
			return last.ready ? {done: true, value: last} : {done: false, status: notReadyText(last)};
		},
		interval: roundInterval,
		timeoutMs: options.timeoutMs,
		clock: options.clock,
		...(options.signal === undefined ? {} : {signal: options.signal}),
		onWait: ({nextInMs}) => {
			if (last) options.onWait?.(last, nextInMs);
		},
		giveUp: ({waitedMs}) => (last ? options.giveUp(last, waitedMs) : new UserError('The DNS watcher never completed a round.')),
	});
}

/** Every blocker of every name, in order: what still stands between the names and the certificate. */
export function roundProblems(round: WatchRound): Problem[] {
	return round.names.flatMap((view) => [
		...(view.discoveryProblem ? [view.discoveryProblem] : []),
		...(view.snapshot?.problems ?? []),
	]);
}

/** One line: the first thing that is missing for each name that is not ready. */
export function notReadyText(round: WatchRound): string {
	return round.names
		.filter((view) => !view.ready)
		.map((view) => {
			const first = view.discoveryProblem ?? view.snapshot?.problems.find((problem) => problem.severity === 'blocker');
			return `${view.name}: ${first?.message ?? 'not ready'}`;
		})
		.join('; ');
}
