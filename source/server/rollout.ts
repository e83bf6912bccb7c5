import {DEFAULT_CADDY_IMAGE, type Config} from '../config/schema.js';
import type {DetailRow} from '../engine/details.js';
import {poll} from '../engine/poll.js';
import {ExternalError, UserError} from '../errors.js';
import {pinStackBridges} from './commands/bridges.js';
import {composeLogs, stackState, type ComposeProjectFiles, type ComposeTool} from './commands/compose.js';
import {ensureHealthScheduler, healthLog, healthScheduler} from './commands/health.js';
import {parseImageLine, pullImages} from '../remote/commands/images.js';
import {RemoteCommandError} from '../remote/errors.js';
import type {RemoteSession} from '../remote/session.js';
import type {Services} from '../services.js';
import {stackPaths} from './layout.js';
import {imageRow, serviceRow} from './detail-rows.js';
import {caddyService} from './overlay.js';
import {caddyImageVersion} from './commands/caddy-image.js';
import {oldestCaddy, parseCaddyVersion, servesUpstreamFiles} from './caddy-version.js';
import {judgeService, parseStackState, type ServiceExpectation, type ServiceVerdict, type StackState} from './stack-state.js';

/** How long the stack may take to settle (containers running, healthchecks passing). */
const settleMs = 5 * 60_000;
export const logLinesShown = 30;

export interface ReleaseService {
	image: string;
	/** What runs: the image's digest, so a tag that moves later cannot change what this release means. */
	digest: string | undefined;
}

/** What the server half of a step needs to know: the facts bootstrap and the compose check recorded. */
export interface RolloutContext {
	readonly config: Config;
	readonly services: Services;
	readonly signal: AbortSignal;
	progress(message: string): void;
	log(line: string): void;
	detail(row: DetailRow): void;
	readonly bootstrap: {manager: 'openrc' | 'systemd' | 'none'; compose: 'v1' | 'v2'; composeCommand: string[]};
	readonly compose: {file: string; services: Record<string, {image: string; oneShot: boolean; healthcheck: boolean; healthGate: boolean}>};
	/** After `hoist rollback`: the image each service is pinned to (compose reads compose.release.yml too). */
	readonly pins: Record<string, string> | undefined;
}

export type FailedVerdict = Extract<ServiceVerdict, {status: 'failed'}>;

/**
 * The work every deploy shares, over the run's SSH session: pulling with a row per image, making sure healthchecks run,
 * showing each service while compose works, waiting for the stack to settle, and explaining a service that failed with
 * its logs (and its healthcheck's words). The deploy step and `hoist deploy`/`rollback` compose these.
 */
export class Rollout {
	readonly tool: ComposeTool;
	readonly files: ComposeProjectFiles;
	readonly #ctx: RolloutContext;
	readonly #session: RemoteSession;
	#jobsSkipped = false;

	constructor(ctx: RolloutContext, session: RemoteSession) {
		this.#ctx = ctx;
		this.#session = session;
		this.tool = {command: ctx.bootstrap.composeCommand, version: ctx.bootstrap.compose};
		this.files = {stack: ctx.config.stack, composeFile: ctx.compose.file, pinned: ctx.pins !== undefined};
	}

	/**
	 * The services of the compose file plus hoist's Caddy: what must be up for the stack to count as deployed. With
	 * `jobsSkipped`, one-shot services that were not run again count as done after their last successful run.
	 */
	expectations(jobsSkipped = this.#jobsSkipped): ServiceExpectation[] {
		return [
			...Object.entries(this.#ctx.compose.services).map(([name, service]) => ({
				name,
				oneShot: service.oneShot,
				healthcheck: service.healthcheck,
				...(service.oneShot && jobsSkipped ? {lastRunEnough: true} : {}),
			})),
			{name: caddyService, oneShot: false, healthcheck: false},
		];
	}

	/** A release that does not run the one-shot services again (a rollback) must not wait for them. */
	skipJobs(): void {
		this.#jobsSkipped = true;
	}

	async state(signal: AbortSignal = this.#ctx.signal, options: {hashes?: boolean} = {}): Promise<StackState> {
		return parseStackState((await this.#session.run(stackState(this.tool, this.files, options), {capture: true, signal})).stdout);
	}

	async verdicts(): Promise<ServiceVerdict[]> {
		const state = await this.state();
		return this.expectations().map((expected) => judgeService(state, expected));
	}

	/** Pulls images (all of the stack's by default), a detail row each; podman's own exit code is the witness. */
	async pull(images: string[] = this.images()): Promise<void> {
		const ctx = this.#ctx;
		const authFile = ctx.config.registry ? stackPaths(ctx.config.stack).authFile : undefined;
		ctx.progress(`pulling ${images.length} images`);
		try {
			await this.#session.run(pullImages(images, authFile), {
				signal: ctx.signal,
				onLine: (line) => {
					const report = parseImageLine(line);
					if (!report) return ctx.log(line);
					const note = report.state === 'pulled' || report.state === 'up-to-date' ? report.text.slice(0, 19) : report.text;
					ctx.detail(imageRow({image: report.image, state: report.state, ...(note ? {note} : {})}));
				},
			});
		} catch (error) {
			if (!(error instanceof RemoteCommandError)) throw error;
			const said = error.lastLines.map((line) => parseImageLine(line)).find((report) => report?.state === 'failed');
			throw new ExternalError(`The server could not pull ${said?.image ?? 'an image'}.`, {
				code: 'IMAGE_PULL_FAILED',
				command: `podman pull ${said?.image ?? ''}`.trim(),
				output: said?.text ?? error.lastLines.join('\n'),
				hint: 'The registry refused the pull, or the image or tag does not exist.',
				nextSteps: [
					'Check the image name and tag in your compose file (and that it was pushed).',
					ctx.config.registry ? `For a private image, check the token in ${ctx.config.registry.map((login) => login.tokenVariable).join(' / ')} (GHCR: read:packages).` : 'A private image needs a registry section in hoist.yml and HOIST_REGISTRY_TOKEN.',
				],
			});
		}
	}

	/** Every image the stack runs: the compose file's (and Caddy's), or the pinned digests after a rollback. */
	images(): string[] {
		const pins = this.#ctx.pins ?? {};
		const wanted = [...Object.entries(this.#ctx.compose.services).map(([name, service]) => pins[name] ?? service.image), pins[caddyService] ?? this.#ctx.config.caddy.image];
		return [...new Set(wanted)];
	}

	/**
	 * Before containers come and go under traffic: the bridge of the stack's network keeps its address (see
	 * pinBridges). Best effort: without it a lookup may go unanswered for a moment, which Caddy's resolver retries.
	 */
	async pinBridges(): Promise<void> {
		const ctx = this.#ctx;
		await this.#session.run(pinStackBridges(ctx.config.stack), {signal: ctx.signal}).catch((error: unknown) => {
			if (ctx.signal.aborted) throw error;
			ctx.log('could not pin the address of the stack network\'s bridge; a container that comes or goes may cost a lookup a second');
		});
	}

	/**
	 * Podman runs healthchecks only through systemd timers. On OpenRC bootstrap installed hoist's scheduler as a service;
	 * on a host without a service manager hoist starts it here (and the boot script after a reboot). If it cannot run,
	 * a stack whose services wait for `service_healthy` would wait forever: say so now instead.
	 */
	async ensureHealthchecks(): Promise<void> {
		const ctx = this.#ctx;
		if (ctx.bootstrap.manager !== 'none') return;
		const result = await this.#session.run(ensureHealthScheduler(), {capture: true, signal: ctx.signal}).catch((error: unknown) => error);
		const said = typeof result === 'object' && result !== null && 'stdout' in result ? String(result.stdout) : '';
		if (/hoist-health (running|started)/.test(said)) {
			ctx.log(said.includes('started') ? 'started the health scheduler (this host has no service manager to run it)' : 'the health scheduler runs');
			return;
		}
		const gated = Object.entries(ctx.compose.services).filter(([, service]) => service.healthGate).map(([name]) => name);
		if (gated.length === 0) return ctx.log('the health scheduler could not be started: healthchecks will not run on this host');
		throw new UserError(`Healthchecks cannot run on this server, and ${gated.join(', ')} must be healthy before other services start.`, {
			code: 'HEALTHCHECKS_CANNOT_RUN',
			hint: 'Podman runs healthchecks only through systemd; this host has no service manager and hoist could not start its health scheduler.',
			nextSteps: [
				`Check ${healthScheduler.script} on the server (hoist uploads it during bootstrap), or`,
				'replace `condition: service_healthy` with `service_started` in the compose file.',
			],
		});
	}

	/**
	 * Every route goes through an upstream file that Caddy reads per request (routeUpstream), from Caddy 2.8 on: an
	 * older image (caddy.image, or the Caddy of a release brought back) would answer 502 on every route. Refused before
	 * compose starts it. An image whose version cannot be read is taken as it is, with a line in the log.
	 */
	async ensureCaddyVersion(): Promise<void> {
		const ctx = this.#ctx;
		const image = ctx.pins?.[caddyService] ?? ctx.config.caddy.image;
		const result = await this.#session.run(caddyImageVersion(image), {capture: true, signal: ctx.signal}).catch((error: unknown) => {
			if (ctx.signal.aborted) throw error;
			return undefined;
		});
		const version = result && parseCaddyVersion(result.stdout);
		if (!version) return ctx.log(`could not read the Caddy version of ${image}; hoist needs Caddy ${oldestCaddy.major}.${oldestCaddy.minor} or later`);
		if (servesUpstreamFiles(version)) return;
		throw new UserError(`${image} is Caddy ${version.version}; hoist needs Caddy ${oldestCaddy.major}.${oldestCaddy.minor} or later.`, {
			code: 'CADDY_TOO_OLD',
			hint: 'hoist moves a service\'s routes between containers through files Caddy reads for every request ({file.*} placeholders), so that a release never reloads Caddy.',
			nextSteps: [`Set caddy.image in hoist.yml to ${DEFAULT_CADDY_IMAGE} (or another ${oldestCaddy.major}.${oldestCaddy.minor}+ image).`],
		});
	}

	/** Runs `work` (a compose command that waits in silence) while showing the services every 2 s. */
	async watching<T>(work: () => Promise<T>): Promise<T> {
		const stop = new AbortController();
		const signal = AbortSignal.any([this.#ctx.signal, stop.signal]);
		const watcher = (async () => {
			while (!signal.aborted) {
				await this.#ctx.services.sleep(2_000, signal).catch(() => undefined);
				// A look already under way finishes (a fraction of a second) rather than being stopped on the server,
				// which costs a round trip and a grace period; only the run's own abort cuts it short.
				if (!signal.aborted) await this.show(this.#ctx.signal).catch(() => undefined);
			}
		})();
		try {
			return await work();
		} finally {
			stop.abort();
			await watcher;
		}
	}

	/**
	 * One look at every service, a row each; a service waiting for its healthcheck shows what the check said last.
	 * Taken while compose works or after it is done: without the configuration hashes (compose replaced what changed).
	 */
	async show(signal: AbortSignal = this.#ctx.signal): Promise<ServiceVerdict[]> {
		const state = await this.state(signal, {hashes: false});
		const verdicts = this.expectations().map((expected) => judgeService(state, expected));
		for (const verdict of verdicts) {
			const container = verdict.container;
			const lastCheck = container?.health === 'starting' ? await this.#lastHealthOutput(container.id, signal) : undefined;
			this.#ctx.detail(serviceRow({
				service: verdict.service,
				state: verdict.status === 'ok' ? (container?.state === 'running' ? 'running' : 'done') : verdict.status === 'failed' ? 'failed' : 'waiting',
				...(container?.health ? {health: container.health} : {}),
				...(verdict.status === 'ok' ? {} : {note: lastCheck ? `${verdict.why}; last check: ${lastCheck}` : verdict.why}),
			}));
		}
		return verdicts;
	}

	/** Waits until every service is up (or done, for one-shots), showing each; a failure stops the wait with the service's logs. */
	settle(): Promise<ServiceVerdict[]> {
		const ctx = this.#ctx;
		return poll({
			attempt: async () => {
				const verdicts = await this.show();
				const failed = verdicts.find((verdict): verdict is FailedVerdict => verdict.status === 'failed');
				if (failed) throw await this.failure(failed);
				const waiting = verdicts.filter((verdict) => verdict.status === 'waiting');
				return waiting.length === 0
					? {done: true, value: verdicts}
					: {done: false, status: waiting.map((verdict) => `${verdict.service} ${verdict.status === 'waiting' ? verdict.why : ''}`).join(', ')};
			},
			interval: 1_000,
			timeoutMs: settleMs,
			clock: ctx.services,
			signal: ctx.signal,
			onWait: ({status}) => ctx.progress(`waiting for ${status}`),
			giveUp: (last) =>
				new ExternalError(`The stack did not settle within ${settleMs / 60_000} minutes: still waiting for ${last.status}.`, {
					code: 'STACK_NOT_SETTLED',
					command: 'compose up',
					nextSteps: ['Look at the service\'s logs (`hoist logs SERVICE`) and fix it.'],
				}),
		});
	}

	/** After a compose command failed: the service that broke, explained, or undefined when none did. */
	async failedService(): Promise<ExternalError | undefined> {
		const failed = (await this.verdicts()).find((verdict): verdict is FailedVerdict => verdict.status === 'failed');
		return failed ? this.failure(failed) : undefined;
	}

	async failure(failed: FailedVerdict): Promise<ExternalError> {
		const ctx = this.#ctx;
		const logs = await this.#session
			.run(composeLogs(this.tool, this.files, failed.service, logLinesShown), {capture: true, signal: ctx.signal})
			.then((result) => result.stdout.trimEnd())
			.catch(() => '(its logs could not be read)');
		const oneShot = ctx.compose.services[failed.service]?.oneShot === true;
		if (failed.container.health === 'unhealthy') {
			const checks = await this.#session
				.run(healthLog(failed.container.id), {capture: true, signal: ctx.signal})
				.then((result) => result.stdout.trim().split('\n').filter(Boolean).slice(-5).map((line) => `check exited ${line}`))
				.catch(() => []);
			return new ExternalError(`The service "${failed.service}" is unhealthy: its healthcheck kept failing.`, {
				code: 'SERVICE_UNHEALTHY',
				command: `healthcheck of ${failed.container.name}`,
				output: [...checks, `--- last ${logLinesShown} log lines ---`, logs].join('\n'),
				hint: 'It failed as many times in a row as its healthcheck\'s retries allow, after the start period. Services that wait for it to be healthy were not started.',
				nextSteps: [`Fix ${failed.service} (or its healthcheck in the compose file).`],
			});
		}
		return new ExternalError(`${oneShot ? 'The one-shot service' : 'The service'} "${failed.service}" ${failed.why}.`, {
			code: oneShot ? 'ONE_SHOT_FAILED' : 'SERVICE_FAILED',
			command: `compose up (${failed.container.name})`,
			output: logs,
			hint: oneShot
				? `Services that depend on ${failed.service} were not started. Its last ${logLinesShown} log lines are above.`
				: `Its last ${logLinesShown} log lines are above.`,
			nextSteps: [`Fix ${failed.service} (its image, command or configuration).`],
		});
	}

	async #lastHealthOutput(containerId: string, signal: AbortSignal): Promise<string | undefined> {
		const log = await this.#session.run(healthLog(containerId), {capture: true, signal}).catch(() => undefined);
		const last = log?.stdout.trim().split('\n').filter(Boolean).at(-1);
		return last?.replace(/^\d+ /, '').trim() || undefined;
	}
}

/** What runs now, by service, from services that are up (or done): the release a deploy records. */
export function releasedServices(verdicts: ServiceVerdict[]): Record<string, ReleaseService> {
	const services: Record<string, ReleaseService> = {};
	for (const verdict of verdicts) {
		if (verdict.status === 'ok') services[verdict.service] = {image: verdict.container.image, digest: verdict.container.digest};
	}
	return services;
}
