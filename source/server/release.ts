import type {StepContext} from '../engine/step.js';
import {ExternalError, UserError, nextCommand} from '../errors.js';
import {poll} from '../engine/poll.js';
import {
	composeUpServices,
	containerAddress,
	forgetNeighbour,
	imageIds,
	probeHttp,
	retireContainers,
} from './commands/compose.js';
import {pruneImages} from '../remote/commands/images.js';
import {RemoteCommandError} from '../remote/errors.js';
import type {RemoteSession} from '../remote/session.js';
import {caddyService} from './overlay.js';
import {pinnedImages, repositoryOf} from './pins.js';
import {lostExitedContainer, lostExitedContainerNote} from './podman-race.js';
import {releasedServices, Rollout, type ReleaseService} from './rollout.js';
import type {ContainerState} from './stack-state.js';
import {pointUpstreams} from './commands/upstreams.js';
import {routedServices} from '../config/routes.js';

/** What a release left running, and which services it replaced (the others were already what they should be). */
export interface ReleaseOutcome {
	at: string;
	services: Record<string, ReleaseService>;
	replaced: string[];
}

export interface ReleaseOptions {
	/** `--service NAME`: only this service. */
	service?: string;
	/** Run the one-shot services (migrations, seeds) again: `hoist deploy` does, `hoist rollback` only with --with-jobs. */
	withJobs: boolean;
}

type ReleaseContext = StepContext<'deploy', 'target' | 'bootstrap' | 'compose' | 'upload'>;

/** How long a new web container may take to answer before the release gives up and keeps the old one. */
const answerWithinMs = 120_000;
/** How long the old container keeps its address after the switch: requests Caddy sent there just before finish there. */
const drainDelayMs = 2_000;
/** What an old container then gets, after SIGTERM, to finish what it still serves. */
const drainSeconds = 10;

/**
 * A new release of a running stack (`hoist deploy`, `hoist rollback`): pulls, runs the one-shot jobs again when asked,
 * recreates the services whose image or definition changed, and replaces the web service without a failed request —
 * the new container starts beside the old one, Caddy is pointed at it once it answers, the old one drains and goes.
 */
export async function release(ctx: ReleaseContext, session: RemoteSession, options: ReleaseOptions): Promise<ReleaseOutcome> {
	const rollout = new Rollout({...ctx, bootstrap: ctx.outputs.bootstrap, compose: ctx.outputs.compose, pins: pinnedImages(ctx.releases, ctx.pinnedRelease)}, session);
	const services = ctx.outputs.compose.services;
	const chosen = options.service === undefined ? Object.keys(services) : [options.service];
	const unknown = chosen.find((name) => !(name in services));
	if (unknown !== undefined) {
		throw new UserError(`The compose file has no service "${unknown}".`, {code: 'USAGE', nextSteps: [`Use one of: ${Object.keys(services).join(', ')}.`]});
	}
	await rollout.pull();
	await rollout.ensureCaddyVersion();
	await rollout.ensureHealthchecks();

	const pin = new CaddyPin(ctx, session, rollout);
	try {
		const replaced = await replaceServices(ctx, session, rollout, pin, options, chosen);
		await pin.unpin();
		const verdicts = await rollout.settle();
		await prune(ctx, session);
		return {at: new Date().toISOString(), services: releasedServices(verdicts), replaced};
	} catch (error) {
		// The web container that served before still serves: Caddy goes back to the name, which the boot path needs.
		if (!ctx.signal.aborted) await pin.unpin().catch(() => undefined);
		throw error;
	}
}

/** The one-shot jobs, then the services whose container must change, the web service last; what it replaced. */
async function replaceServices(ctx: ReleaseContext, session: RemoteSession, rollout: Rollout, pin: CaddyPin, options: ReleaseOptions, chosen: string[]): Promise<string[]> {
	const services = ctx.outputs.compose.services;
	if (options.withJobs) {
		const jobs = chosen.filter((name) => services[name]!.oneShot);
		if (jobs.length > 0) await pin.pin();
		for (const job of jobs) await runJob(ctx, session, rollout, job);
	} else {
		rollout.skipJobs();
		if (chosen.some((name) => services[name]!.oneShot)) ctx.log('one-shot services (migrations, seeds) are not run again: a rollback brings back images, not the database (--with-jobs runs them)');
	}

	const webs = routedServices(ctx.config.routes);
	const before = await rollout.state();
	const ids = await currentImageIds(session, rollout.images(), ctx.signal);
	const changed = (name: string) => needsNewContainer(before.containers.filter((c) => c.service === name && !c.oneOff), before.hashes.get(name), ids);
	const others = [...chosen.filter((name) => !webs.includes(name) && !services[name]!.oneShot), ...(options.service === undefined ? [caddyService] : [])].filter(changed);
	const replaced: string[] = [];
	if (others.length > 0) {
		await pin.pin();
		ctx.progress(`recreating ${others.join(', ')}`);
		await rollout.watching(() => session.run(composeUpServices(rollout.tool, rollout.files, others), {signal: ctx.signal, onLine: ctx.log}));
		replaced.push(...others);
	}
	// One routed service at a time: each swap has the others' routes served by their running containers.
	for (const web of webs.filter((name) => chosen.includes(name))) {
		if (changed(web)) {
			await swapWeb(ctx, session, rollout, pin, web, before.containers.filter((c) => c.service === web && !c.oneOff));
			replaced.push(web);
		} else {
			ctx.log(`${web} runs this image and configuration already: left as it is`);
		}
	}
	return replaced;
}

/**
 * Keeps Caddy off the web service's name while containers join and leave the network. Each join and leave makes
 * the network's DNS server (aardvark-dns) reload, and aardvark-dns before 1.11 closes and reopens its sockets to do
 * so (containers/aardvark-dns#389, fixed by #449): a lookup sent in that moment can get no answer, and Caddy, which
 * looks the name up for every new connection, then waits out its resolver's 5 s timeout while a visitor waits too (the
 * soak saw lone 5 s hangs just as a migration finished, and none since Caddy is pinned meanwhile). Pinned, Caddy sends
 * to the serving container's address, which stays that container's while it runs; it goes back to the name when the
 * release is over, because after a reboot the containers get new addresses and only the name finds them then (the boot
 * script, and the next upload, put the names back where a release was cut short). Pinning rewrites the services'
 * upstream files, never the Caddyfile: Caddy is not reloaded.
 */
class CaddyPin {
	/** The routed services Caddy sends to one container's address instead of the name: service → address. */
	private readonly pointed: Record<string, string> = {};
	constructor(
		private readonly ctx: ReleaseContext,
		private readonly session: RemoteSession,
		private readonly rollout: Rollout,
	) {}

	/** Whether the bridge of the stack's network has its address pinned (Rollout.pinBridges), once per release. */
	private bridgesPinned = false;

	/**
	 * Points Caddy at each routed service's one running container by its address (nothing to pin when none or several
	 * run). The first time, the bridge's address is pinned too: containers come and go after this.
	 */
	async pin(): Promise<void> {
		if (!this.bridgesPinned) {
			await this.rollout.pinBridges();
			this.bridgesPinned = true;
		}
		const unpinned = routedServices(this.ctx.config.routes).filter((web) => !(web in this.pointed));
		if (unpinned.length === 0) return;
		const containers = (await this.rollout.state()).containers;
		const pinned: Record<string, string> = {};
		for (const web of unpinned) {
			const serving = containers.filter((container) => container.service === web && !container.oneOff && container.state === 'running');
			if (serving.length !== 1) continue;
			const [address] = (await this.session.run(containerAddress(serving[0]!.id), {capture: true, signal: this.ctx.signal})).stdout.trim().split(' ');
			if (!address) continue;
			this.pointed[web] = address;
			pinned[web] = address;
		}
		if (Object.keys(pinned).length > 0) await pointCaddy(this.ctx, this.session, pinned);
	}

	/** From now on Caddy sends `service`'s routes to this container's address (the release's new container). */
	async move(service: string, address: string): Promise<void> {
		this.pointed[service] = address;
		await pointCaddy(this.ctx, this.session, {[service]: address});
	}

	/** Caddy back on the services' names, when it was pinned. */
	async unpin(): Promise<void> {
		const services = Object.keys(this.pointed);
		if (services.length === 0) return;
		for (const service of services) delete this.pointed[service];
		await pointCaddy(this.ctx, this.session, Object.fromEntries(services.map((service) => [service, service])));
	}
}

/** A service needs a new container when compose's configuration hash or the image its tag names changed. */
function needsNewContainer(containers: ContainerState[], hash: string | undefined, ids: Map<string, string>): boolean {
	if (containers.length !== 1) return true;
	const [container] = containers as [ContainerState];
	if (hash !== undefined && container.configHash !== hash) return true;
	const wanted = ids.get(container.image);
	return wanted !== undefined && wanted !== container.imageId;
}

async function currentImageIds(session: RemoteSession, images: string[], signal: AbortSignal): Promise<Map<string, string>> {
	const output = (await session.run(imageIds(images), {capture: true, signal})).stdout;
	return new Map(output.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
}

/** Runs a one-shot service again (a migration) and waits for it to finish with exit 0. */
async function runJob(ctx: ReleaseContext, session: RemoteSession, rollout: Rollout, job: string): Promise<void> {
	ctx.progress(`running ${job}`);
	await session.run(composeUpServices(rollout.tool, rollout.files, [job]), {signal: ctx.signal, onLine: ctx.log}).catch((error: unknown) => {
		if (!lostExitedContainer(error)) throw error;
		ctx.log(lostExitedContainerNote);
	});
	await poll({
		attempt: async () => {
			const verdict = (await rollout.show()).find((candidate) => candidate.service === job);
			if (verdict?.status === 'failed') throw await rollout.failure(verdict);
			return verdict?.status === 'ok' ? {done: true, value: undefined} : {done: false, status: `${job} ${verdict?.status === 'waiting' ? verdict.why : ''}`};
		},
		interval: 1_000,
		timeoutMs: 30 * 60_000,
		clock: ctx.services,
		signal: ctx.signal,
		onWait: ({status}) => ctx.progress(`waiting for ${status}`),
		giveUp: () => new ExternalError(`${job} did not finish within 30 minutes.`, {code: 'JOB_TIMEOUT', command: `compose up ${job}`, nextSteps: [nextCommand(`hoist logs ${job}`, 'Look at its logs ({command}).')]}),
	});
}

/**
 * A routed service without a failed request: a second container starts beside the running one (compose --scale, the
 * old one untouched), Caddy is pointed at its address once it answers its health path (or its healthcheck passes),
 * the old container drains and is removed; Caddy goes back to the service's name when the release is done
 * (CaddyPin).
 */
async function swapWeb(ctx: ReleaseContext, session: RemoteSession, rollout: Rollout, pin: CaddyPin, web: string, old: ContainerState[]): Promise<void> {
	// The container is probed directly, on the port and health path of the service's first route.
	const {port, healthPath} = ctx.config.routes.find((route) => route.service === web)!;
	const oldIds = new Set(old.map((container) => container.id));
	await pin.pin();
	ctx.progress(`starting a new ${web} beside the running one`);
	try {
		await session.run(composeUpServices(rollout.tool, rollout.files, [web], {noRecreate: true, scale: {service: web, count: old.length + 1}}), {signal: ctx.signal, onLine: ctx.log});
	} catch (error) {
		if (!(error instanceof RemoteCommandError)) throw error;
		throw (await rollout.failedService()) ?? error;
	}
	const fresh = (await rollout.state()).containers.find((container) => container.service === web && !container.oneOff && !oldIds.has(container.id));
	if (!fresh) throw new ExternalError(`compose did not start a new ${web} container.`, {code: 'SWAP_NO_CONTAINER', command: `compose up --scale ${web}=2`});
	const address = (await session.run(containerAddress(fresh.id), {capture: true, signal: ctx.signal})).stdout.trim().split(' ')[0] ?? '';
	try {
		await answering(ctx, session, rollout, fresh, address, port, healthPath);
	} catch (error) {
		// The old container still serves: take the new one away and say why.
		await session.run(retireContainers([fresh.id], 0), {signal: ctx.signal}).catch(() => undefined);
		throw error;
	}
	// Caddy may still remember the MAC of an earlier container that had this address (see forgetNeighbour). Best
	// effort: a host without nsenter or ip only keeps the old wait, which a new container address never meets.
	await session
		.run(forgetNeighbour(ctx.config.stack, caddyService, address), {signal: ctx.signal, onLine: (line, stream) => stream === 'stdout' && ctx.log(`Caddy still knew ${address} as ${line}: forgotten`)})
		.catch((error: unknown) => {
			if (ctx.signal.aborted) throw error;
			ctx.log(`could not clear Caddy's cached link-layer address of ${address}; a reused address may answer a few seconds late`);
		});
	// By address, not by name: the container DNS of a network learns a new name a moment after the container starts,
	// and a lookup in that moment fails (Caddy answered 502 "lookup … i/o timeout" here). Back to the name once the
	// release is over (CaddyPin).
	await pin.move(web, address);
	ctx.progress(`draining the old ${web}`);
	await ctx.services.sleep(drainDelayMs, ctx.signal);
	if (oldIds.size > 0) await session.run(retireContainers([...oldIds], drainSeconds), {signal: ctx.signal, onLine: ctx.log});
}

/** Waits until the new container answers its health path (or, with a healthcheck, is healthy). */
async function answering(ctx: ReleaseContext, session: RemoteSession, rollout: Rollout, fresh: ContainerState, address: string, port: number, healthPath: string): Promise<void> {
	const withHealthcheck = ctx.outputs.compose.services[fresh.service]?.healthcheck === true;
	await poll({
		attempt: async () => {
			if (withHealthcheck) {
				const container = (await rollout.state()).containers.find((candidate) => candidate.id === fresh.id);
				if (container?.health === 'unhealthy' || (container && container.state !== 'running')) {
					throw await rollout.failure({service: fresh.service, status: 'failed', why: container.health === 'unhealthy' ? 'is unhealthy' : `stopped with exit code ${container.exitCode}`, container});
				}
				return container?.health === 'healthy' ? {done: true, value: undefined} : {done: false, status: 'its healthcheck has not passed yet'};
			}
			const answer = await session.run(probeHttp(address, port, healthPath), {signal: ctx.signal, okExitCodes: [1, 4, 5, 6, 7, 8, 22, 28]});
			if (answer.exitCode === 0) return {done: true, value: undefined};
			const container = (await rollout.state()).containers.find((candidate) => candidate.id === fresh.id);
			if (container && container.state !== 'running') {
				throw await rollout.failure({service: fresh.service, status: 'failed', why: `stopped with exit code ${container.exitCode}`, container});
			}
			return {done: false, status: `http://${address}:${port}${healthPath} does not answer yet`};
		},
		interval: 500,
		timeoutMs: answerWithinMs,
		clock: ctx.services,
		signal: ctx.signal,
		onWait: ({status, waitedMs}) => ctx.progress(`new ${fresh.service} (${fresh.name}): ${status} (${Math.round(waitedMs / 1000)}s)`),
		giveUp: (last) =>
			new ExternalError(`The new ${fresh.service} did not answer within ${answerWithinMs / 1000}s (${last.status}); the old one keeps serving.`, {
				code: 'RELEASE_NOT_ANSWERING',
				command: `GET ${healthPath} on ${fresh.name}`,
				hint: `hoist waits for the health path of its route (${healthPath}: compose.healthPath, or healthPath in routes) to answer 2xx or 3xx, or for the service's healthcheck, before it sends traffic there.`,
				nextSteps: [nextCommand(`hoist logs ${fresh.service}`, `Look at the new container's logs ({command}) and fix the image.`)],
			}),
	});
}

/**
 * Sends the routes of each service in `hosts` to a container's address (or, given its own name, back to the service's
 * name): their upstream files are rewritten and Caddy reads them with the next request. No reload, so no listener of
 * Caddy's is closed under a visitor (see routeUpstream).
 */
async function pointCaddy(ctx: ReleaseContext, session: RemoteSession, hosts: Readonly<Record<string, string>>): Promise<void> {
	const command = pointUpstreams(ctx.config.stack, hosts);
	ctx.progress(command.title.replace(/^point /, 'pointing '));
	await session.run(command, {signal: ctx.signal, onLine: ctx.log});
}

/** Keeps the images of the last few releases (compose.keepReleases) and removes the stack's older ones. */
async function prune(ctx: ReleaseContext, session: RemoteSession): Promise<void> {
	const keep = ctx.releases.slice(-ctx.config.compose.keepReleases).flatMap((release) => Object.values(release.services).map((service) => service.digest ?? ''));
	const repositories = [...new Set(Object.values(ctx.outputs.compose.services).map((service) => repositoryOf(service.image)))];
	const result = await session.run(pruneImages(repositories, keep.filter(Boolean)), {capture: true, signal: ctx.signal});
	const pruned = result.stdout.split('\n').filter((line) => line.startsWith('hoist-pruned '));
	if (pruned.length > 0) ctx.log(`removed ${pruned.length} image${pruned.length === 1 ? '' : 's'} no recent release uses`);
}
