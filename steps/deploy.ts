import {isDeepStrictEqual} from 'node:util';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {composeUp} from '../source/remote/commands/compose.js';
import {RemoteCommandError} from '../source/remote/errors.js';
import type {RemoteSession} from '../source/remote/session.js';
import {pinnedImages} from '../source/server/pins.js';
import {releasedServices, Rollout, type ReleaseService} from '../source/server/rollout.js';

export interface DeployOutputs {
	/** When the stack reached this state, and what runs in each service. */
	release: {at: string; services: Record<string, ReleaseService>};
}

declare module '../source/engine/step.js' {
	interface StepOutputs {
		deploy: DeployOutputs;
	}
}

type DeployContext = StepContext<'deploy', 'target' | 'bootstrap' | 'compose' | 'upload'>;

function rollout(ctx: DeployContext, session: RemoteSession): Rollout {
	const pins = pinnedImages(ctx.releases, ctx.pinnedRelease);
	const stack = new Rollout({...ctx, bootstrap: ctx.outputs.bootstrap, compose: ctx.outputs.compose, pins}, session);
	// Rolled back: the one-shot services keep their last run (a migration is not undone by running it again).
	if (pins) stack.skipJobs();
	return stack;
}

/**
 * Pulls every image (a row per image), then `compose up` against Podman: one-shot services (migrations, seeds) run to
 * completion before the services that depend on them start. Waits until every long-running service runs (and is
 * healthy where it has a healthcheck), then records what runs, by image digest.
 */
export const deploy = defineStep({
	id: 'deploy',
	title: 'Start the stack',
	needs: ['target', 'bootstrap', 'compose', 'upload'],
	async check(ctx) {
		const stack = rollout(ctx, await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal}));
		const verdicts = await stack.verdicts();
		if (!verdicts.every((verdict) => verdict.status === 'ok')) return undefined;
		const services = releasedServices(verdicts);
		// The same release as recorded keeps its time: nothing was deployed.
		return ctx.previous && isDeepStrictEqual(ctx.previous.release.services, services) ? ctx.previous : {release: {at: new Date().toISOString(), services}};
	},
	async run(ctx) {
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const stack = rollout(ctx, session);
		await stack.pull();
		await stack.ensureHealthchecks();
		ctx.progress('compose up: one-shot services first, then the rest');
		// compose waits in silence for healthchecks and one-shot jobs: show each service meanwhile.
		try {
			await stack.watching(() => session.run(composeUp(stack.tool, stack.files), {signal: ctx.signal, onLine: ctx.log}));
		} catch (error) {
			if (!(error instanceof RemoteCommandError)) throw error;
			// compose stops when a one-shot service fails or a dependency turns unhealthy: name it and show what it said.
			throw (await stack.failedService()) ?? error;
		}
		return {release: {at: new Date().toISOString(), services: releasedServices(await stack.settle())}};
	},
	summary: (out) =>
		Object.entries(out.release.services)
			.map(([name, service]) => `${name} ${service.digest ? service.digest.slice(7, 19) : service.image}`)
			.join(', '),
});
