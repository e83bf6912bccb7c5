import {isDeepStrictEqual} from 'node:util';
import {z} from 'zod';
import {serverSettings} from '../source/config/schema.js';
import {defineStep, type StepContext, type UndoContext} from '../source/engine/step.js';
import {asHoistError} from '../source/errors.js';
import {composeUp} from '../source/server/commands/compose.js';
import {parseRemoved, parseVolumes, removeProject, stopProject} from '../source/server/commands/teardown.js';
import {RemoteCommandError} from '../source/remote/errors.js';
import type {RemoteSession} from '../source/remote/session.js';
import {pinnedImages} from '../source/server/pins.js';
import {lostExitedContainer, lostExitedContainerNote} from '../source/server/podman-race.js';
import {release, type ReleaseOptions} from '../source/server/release.js';
import {releasedServices, Rollout} from '../source/server/rollout.js';
import {serverResource, serverResourceId} from '../source/server/server-resources.js';
import {serverRecords, serverSession, visitServer} from '../source/server/server-side.js';

export const deployOutputs = z.object({
	/** When the stack reached this state, and what runs in each service: the image, and the digest that ran. */
	release: z.object({
		at: z.string(),
		services: z.record(z.string(), z.object({image: z.string(), digest: z.string().optional()})),
	}),
	/** After a swap (`hoist deploy`, `hoist rollback`): the services it replaced; the others were already right. */
	replaced: z.array(z.string()).optional(),
});
export type DeployOutputs = z.infer<typeof deployOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		deploy: DeployOutputs;
	}
}

type DeployContext = StepContext<'deploy', 'target' | 'bootstrap' | 'compose' | 'upload'>;

function rolloutFor(ctx: DeployContext, session: RemoteSession): Rollout {
	const pins = pinnedImages(ctx.releases, ctx.pinnedRelease);
	const rollout = new Rollout({...ctx, bootstrap: ctx.outputs.bootstrap, compose: ctx.outputs.compose, pins}, session);
	// Rolled back: the one-shot services keep their last run (a migration is not undone by running it again).
	if (pins) rollout.skipJobs();
	return rollout;
}

/** Something of the stack runs on the server: a release swaps it; with nothing running it starts like the first time. */
async function runsOnServer(rollout: Rollout): Promise<boolean> {
	return (await rollout.state()).containers.some((container) => !container.oneOff && container.state === 'running');
}

/**
 * Pulls every image (a row per image), then `compose up` against Podman: one-shot services (migrations, seeds) run to
 * completion before the services that depend on them start. Waits until every long-running service runs (and is
 * healthy where it has a healthcheck), then records what runs, by image digest.
 */
async function firstStart(ctx: DeployContext, session: RemoteSession): Promise<DeployOutputs> {
	const rollout = rolloutFor(ctx, session);
	await rollout.pull();
	await rollout.ensureCaddyVersion();
	await rollout.ensureHealthchecks();
	// A stack that runs already (a changed hoist.yml or compose file) serves while compose recreates what changed.
	await rollout.pinBridges();
	// On a machine that outlives the stack, destroy must know to remove its containers and networks.
	const {target} = ctx.outputs;
	if (target.kind === 'server') await ctx.recordResource({type: serverResource.project, id: serverResourceId(ctx.config.stack, target.host), ownedByHoist: true});
	ctx.progress('compose up: one-shot services first, then the rest');
	// compose waits in silence for healthchecks and one-shot jobs: show each service meanwhile.
	const composeUpAll = () => rollout.watching(() => session.run(composeUp(rollout.tool, rollout.files), {signal: ctx.signal, onLine: ctx.log}));
	try {
		await composeUpAll().catch((error: unknown) => {
			if (!lostExitedContainer(error)) throw error;
			// compose stopped at that service: once more starts the rest and leaves what runs alone.
			ctx.log(`${lostExitedContainerNote}: compose up once more`);
			return composeUpAll();
		});
	} catch (error) {
		if (!(error instanceof RemoteCommandError)) throw error;
		// compose stops when a one-shot service fails or a dependency turns unhealthy: name it and show what it said.
		throw (await rollout.failedService()) ?? error;
	}
	return {release: {at: new Date().toISOString(), services: releasedServices(await rollout.settle())}};
}

/**
 * The stack on the server, as the files uploaded say. `hoist up` starts it (and finds it done when every service
 * runs as recorded); `hoist deploy` and `hoist rollback` ask for a new release, which swaps what changed without a
 * failed request when the stack runs, and starts it like the first time when nothing of it runs.
 */
export function deployStep(releasing?: ReleaseOptions) {
	return defineStep({
		id: 'deploy',
		outputs: deployOutputs,
		needs: ['target', 'bootstrap', 'compose', 'upload'],
		async check(ctx) {
			// A release always runs: finding what changed is its work.
			if (releasing) return undefined;
			const rollout = rolloutFor(ctx, await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal}));
			const verdicts = await rollout.verdicts();
			if (!verdicts.every((verdict) => verdict.status === 'ok')) return undefined;
			const services = releasedServices(verdicts);
			// The same release as recorded keeps its time: nothing was deployed.
			return ctx.previous && isDeepStrictEqual(ctx.previous.release.services, services) ? ctx.previous : {release: {at: new Date().toISOString(), services}};
		},
		async run(ctx) {
			const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
			if (!releasing || !(await runsOnServer(rolloutFor(ctx, session)))) return firstStart(ctx, session);
			const {at, services, replaced} = await release(ctx, session, releasing);
			return {release: {at, services}, replaced};
		},
		undoTitle: 'Stop and remove the stack\'s containers',
		/**
		 * On an existing server: stops and removes the stack's containers and networks; its named volumes (the user's data)
		 * stay, recorded as kept, unless destroy was given --volumes. On AWS terminating the instance removes everything;
		 * only a --snapshot asks for the containers to stop first, so the copy of the disk is a clean one.
		 */
		async undo(ctx) {
			if (ctx.config.server) return removeFromServer(ctx);
			if (ctx.destroy.snapshot) await stopBeforeSnapshot(ctx);
		},
		summary: (out) => {
			if (out.replaced) return out.replaced.length > 0 ? `replaced ${out.replaced.join(', ')}` : 'nothing changed';
			return Object.entries(out.release.services)
				.map(([name, service]) => `${name} ${service.digest ? service.digest.slice(7, 19) : service.image}`)
				.join(', ');
		},
	});
}

/** The step as `hoist up` runs it. */
export const deploy = deployStep();

async function removeFromServer(ctx: UndoContext<'deploy'>): Promise<void> {
	const records = serverRecords(ctx, serverResource.project, serverResource.volume);
	if (!visitServer(ctx, records)) return;
	const session = await serverSession(ctx, records);
	const host = serverSettings(ctx.config).host;
	const {volumes} = ctx.destroy;
	ctx.progress(`removing the containers and networks${volumes ? ' and volumes' : ''} of ${ctx.config.stack}`);
	const said = (await session.run(removeProject(ctx.config.stack, {volumes}), {capture: true, signal: ctx.signal})).stdout;
	const kept = parseVolumes(said);
	const removed = parseRemoved(said);
	for (const record of records) {
		if (record.type === serverResource.project || !kept.includes(record.what)) await ctx.forgetResource(record.type, record.id);
	}
	for (const name of kept) await ctx.recordResource({type: serverResource.volume, id: serverResourceId(name, host), ownedByHoist: false});
	ctx.log(`removed ${count(removed.containers, 'container')} and ${count(removed.networks, 'network')} of ${ctx.config.stack}${volumes ? ', and its named volumes' : ''}`);
	if (kept.length > 0) ctx.log(`kept the named volumes ${kept.join(', ')} (your data; \`hoist destroy --volumes\` removes them)`);
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Best effort: a server that does not answer is snapshotted as it runs (a crash-consistent copy). */
async function stopBeforeSnapshot(ctx: UndoContext<'deploy'>): Promise<void> {
	const target = ctx.recorded('target');
	if (!target) return;
	try {
		const session = await ctx.services.remote(target, {signal: ctx.signal, readyTimeoutMs: 5_000});
		ctx.progress('stopping the containers, so the snapshot holds a clean copy of their data');
		await session.run(stopProject(ctx.config.stack), {signal: ctx.signal, onLine: ctx.log});
		ctx.log('stopped the containers before the snapshot');
	} catch (error) {
		if (ctx.signal.aborted) throw error;
		ctx.log(`could not stop the containers (${asHoistError(error).message}); the snapshot copies the disk as it is`);
	}
}
