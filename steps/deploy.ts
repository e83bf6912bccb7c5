import {isDeepStrictEqual} from 'node:util';
import {poll} from '../source/engine/poll.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {ExternalError, UserError} from '../source/errors.js';
import {composeLogs, composeUp, stackState, type ComposeProjectFiles, type ComposeTool} from '../source/remote/commands/compose.js';
import {ensureHealthScheduler, healthLog, healthScheduler} from '../source/remote/commands/health.js';
import {parseImageLine, pullImages} from '../source/remote/commands/images.js';
import {RemoteCommandError} from '../source/remote/errors.js';
import type {RemoteSession} from '../source/remote/session.js';
import {stackPaths} from '../source/server/layout.js';
import {caddyService} from '../source/server/overlay.js';
import {judgeService, parseStackState, type ServiceExpectation, type ServiceVerdict, type StackState} from '../source/server/stack-state.js';

export interface ReleaseService {
	image: string;
	/** What runs: the image's digest, so a tag that moves later cannot change what this release means. */
	digest: string | undefined;
}

export interface DeployOutputs {
	/** When the stack reached this state, and what runs in each service. */
	release: {at: string; services: Record<string, ReleaseService>};
}

declare module '../source/engine/step.js' {
	interface StepOutputs {
		deploy: DeployOutputs;
	}
}

/** How long the stack may take to settle after `up` (containers running, healthchecks passing). */
const settleMs = 5 * 60_000;
const logLinesShown = 30;

type DeployContext = StepContext<'deploy', 'target' | 'bootstrap' | 'compose' | 'upload'>;

function composeOf(ctx: DeployContext): {tool: ComposeTool; files: ComposeProjectFiles} {
	const {bootstrap, compose} = ctx.outputs;
	return {tool: {command: bootstrap.composeCommand, version: bootstrap.compose}, files: {stack: ctx.config.stack, composeFile: compose.file}};
}

/** The services of the compose file plus hoist's Caddy: what must be up for the stack to count as deployed. */
function expectations(ctx: DeployContext): ServiceExpectation[] {
	return [
		...Object.entries(ctx.outputs.compose.services).map(([name, service]) => ({name, oneShot: service.oneShot, healthcheck: service.healthcheck})),
		{name: caddyService, oneShot: false, healthcheck: false},
	];
}

async function readState(ctx: DeployContext, session: RemoteSession): Promise<StackState> {
	const {tool, files} = composeOf(ctx);
	return parseStackState((await session.run(stackState(tool, files), {capture: true, signal: ctx.signal})).stdout);
}

function release(verdicts: ServiceVerdict[]): DeployOutputs {
	const services: Record<string, ReleaseService> = {};
	for (const verdict of verdicts) {
		if (verdict.status === 'ok') services[verdict.service] = {image: verdict.container.image, digest: verdict.container.digest};
	}
	return {release: {at: new Date().toISOString(), services}};
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
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const state = await readState(ctx, session);
		const verdicts = expectations(ctx).map((expected) => judgeService(state, expected));
		if (!verdicts.every((verdict) => verdict.status === 'ok')) return undefined;
		const now = release(verdicts);
		// The same release as recorded keeps its time: nothing was deployed.
		return ctx.previous && isDeepStrictEqual(ctx.previous.release.services, now.release.services) ? ctx.previous : now;
	},
	async run(ctx) {
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		await pull(ctx, session);
		await healthchecksRun(ctx, session);
		const {tool, files} = composeOf(ctx);
		ctx.progress('compose up: one-shot services first, then the rest');
		// compose waits in silence for healthchecks and one-shot jobs: show each service meanwhile.
		const watching = new AbortController();
		const watcher = watchServices(ctx, session, AbortSignal.any([ctx.signal, watching.signal]));
		try {
			await session.run(composeUp(tool, files), {signal: ctx.signal, onLine: ctx.log});
		} catch (error) {
			if (!(error instanceof RemoteCommandError)) throw error;
			// compose stops when a one-shot service fails; name it and show what it said.
			const state = await readState(ctx, session);
			const failed = expectations(ctx)
				.map((expected) => judgeService(state, expected))
				.find((verdict): verdict is Extract<ServiceVerdict, {status: 'failed'}> => verdict.status === 'failed');
			if (failed) throw await serviceFailure(ctx, session, failed);
			throw error;
		} finally {
			watching.abort();
			await watcher;
		}
		const verdicts = await settle(ctx, session);
		return release(verdicts);
	},
	summary: (out) =>
		Object.entries(out.release.services)
			.map(([name, service]) => `${name} ${service.digest ? service.digest.slice(7, 19) : service.image}`)
			.join(', '),
});

async function pull(ctx: DeployContext, session: RemoteSession): Promise<void> {
	const images = [...new Set([...Object.values(ctx.outputs.compose.services).map((service) => service.image), ctx.config.caddy.image])];
	const authFile = ctx.config.registry ? stackPaths(ctx.config.stack).authFile : undefined;
	ctx.progress(`pulling ${images.length} images`);
	try {
		await session.run(pullImages(images, authFile), {
			signal: ctx.signal,
			onLine: (line) => {
				const report = parseImageLine(line);
				if (!report) return ctx.log(line);
				const note = report.state === 'pulled' || report.state === 'up-to-date' ? report.text.slice(0, 19) : report.text;
				ctx.detail({kind: 'image', image: report.image, state: report.state, ...(note ? {note} : {})});
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
				ctx.config.registry ? 'For a private image, check the token in HOIST_REGISTRY_TOKEN (GHCR: read:packages).' : 'A private image needs a registry section in hoist.yml and HOIST_REGISTRY_TOKEN.',
				'Run `hoist up` again: it resumes here.',
			],
		});
	}
}

/** Waits until every service is up (or done, for one-shots), showing each; a failure stops the wait with the service's logs. */
async function settle(ctx: DeployContext, session: RemoteSession): Promise<ServiceVerdict[]> {
	return poll({
		attempt: async () => {
			const verdicts = await showServices(ctx, session);
			const failed = verdicts.find((verdict): verdict is Extract<ServiceVerdict, {status: 'failed'}> => verdict.status === 'failed');
			if (failed) throw await serviceFailure(ctx, session, failed);
			const waiting = verdicts.filter((verdict) => verdict.status === 'waiting');
			return waiting.length === 0 ? {done: true, value: verdicts} : {done: false, status: waiting.map((verdict) => `${verdict.service} ${verdict.status === 'waiting' ? verdict.why : ''}`).join(', ')};
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
				nextSteps: ['Look at the service\'s logs on the server (`hoist ssh`, then compose logs), fix it, and run `hoist up` again.'],
			}),
	});
}

/** One look at every service, shown as a row each; a service waiting for its healthcheck shows what the check said last. */
async function showServices(ctx: DeployContext, session: RemoteSession, signal: AbortSignal = ctx.signal): Promise<ServiceVerdict[]> {
	const state = parseStackState((await session.run(stackState(composeOf(ctx).tool, composeOf(ctx).files), {capture: true, signal})).stdout);
	const verdicts = expectations(ctx).map((expected) => judgeService(state, expected));
	for (const verdict of verdicts) {
		const container = verdict.container;
		const lastCheck = container?.health === 'starting' ? await lastHealthOutput(session, container.id, signal) : undefined;
		ctx.detail({
			kind: 'service',
			service: verdict.service,
			state: verdict.status === 'ok' ? (container?.state === 'running' ? 'running' : 'done') : verdict.status === 'failed' ? 'failed' : 'waiting',
			...(container?.health ? {health: container.health} : {}),
			...(verdict.status === 'ok' ? {} : {note: lastCheck ? `${verdict.why}; last check: ${lastCheck}` : verdict.why}),
		});
	}
	return verdicts;
}

/** Shows the services every 2 s while compose works, until `signal` ends it; never fails the deploy itself. */
async function watchServices(ctx: DeployContext, session: RemoteSession, signal: AbortSignal): Promise<void> {
	while (!signal.aborted) {
		await ctx.services.sleep(2_000, signal).catch(() => undefined);
		if (signal.aborted) return;
		await showServices(ctx, session, signal).catch(() => undefined);
	}
}

async function lastHealthOutput(session: RemoteSession, containerId: string, signal: AbortSignal): Promise<string | undefined> {
	const log = await session.run(healthLog(containerId), {capture: true, signal}).catch(() => undefined);
	const last = log?.stdout.trim().split('\n').filter(Boolean).at(-1);
	return last?.replace(/^\d+ /, '').trim() || undefined;
}

/**
 * Podman runs healthchecks only through systemd timers. On OpenRC bootstrap installed hoist's scheduler as a service;
 * on a host without a service manager hoist starts it here (and the boot script after a reboot). If it cannot run,
 * a stack whose services wait for `service_healthy` would wait forever: say so now instead.
 */
async function healthchecksRun(ctx: DeployContext, session: RemoteSession): Promise<void> {
	if (ctx.outputs.bootstrap.manager !== 'none') return;
	const result = await session.run(ensureHealthScheduler(), {capture: true, signal: ctx.signal}).catch((error: unknown) => error);
	const started = typeof result === 'object' && result !== null && 'stdout' in result ? String(result.stdout) : '';
	if (/hoist-health (running|started)/.test(started)) {
		ctx.log(started.includes('started') ? 'started the health scheduler (this host has no service manager to run it)' : 'the health scheduler runs');
		return;
	}
	const gated = Object.entries(ctx.outputs.compose.services).filter(([, service]) => service.healthGate).map(([name]) => name);
	if (gated.length === 0) return ctx.log('the health scheduler could not be started: healthchecks will not run on this host');
	throw new UserError(`Healthchecks cannot run on this server, and ${gated.join(', ')} must be healthy before other services start.`, {
		code: 'HEALTHCHECKS_CANNOT_RUN',
		hint: 'Podman runs healthchecks only through systemd; this host has no service manager and hoist could not start its health scheduler.',
		nextSteps: [
			`Check ${healthScheduler.script} on the server (hoist uploads it during bootstrap), or`,
			'replace `condition: service_healthy` with `service_started` in the compose file, then run `hoist up` again.',
		],
	});
}

async function serviceFailure(ctx: DeployContext, session: RemoteSession, failed: Extract<ServiceVerdict, {status: 'failed'}>): Promise<ExternalError> {
	const {tool, files} = composeOf(ctx);
	const logs = await session
		.run(composeLogs(tool, files, failed.service, logLinesShown), {capture: true, signal: ctx.signal})
		.then((result) => result.stdout.trimEnd())
		.catch(() => '(its logs could not be read)');
	const oneShot = ctx.outputs.compose.services[failed.service]?.oneShot === true;
	if (failed.container.health === 'unhealthy') {
		const checks = await session
			.run(healthLog(failed.container.id), {capture: true, signal: ctx.signal})
			.then((result) => result.stdout.trim().split('\n').filter(Boolean).slice(-5).map((line) => `check exited ${line}`))
			.catch(() => []);
		return new ExternalError(`The service "${failed.service}" is unhealthy: its healthcheck kept failing.`, {
			code: 'SERVICE_UNHEALTHY',
			command: `healthcheck of ${failed.container.name}`,
			output: [...checks, `--- last ${logLinesShown} log lines ---`, logs].join('\n'),
			hint: 'It failed as many times in a row as its healthcheck\'s retries allow, after the start period. Services that wait for it to be healthy were not started.',
			nextSteps: [`Fix ${failed.service} (or its healthcheck in the compose file), then run \`hoist up\` again: it resumes at this step.`],
		});
	}
	return new ExternalError(`${oneShot ? 'The one-shot service' : 'The service'} "${failed.service}" ${failed.why}.`, {
		code: oneShot ? 'ONE_SHOT_FAILED' : 'SERVICE_FAILED',
		command: `compose up (${failed.container.name})`,
		output: logs,
		hint: oneShot
			? `Services that depend on ${failed.service} were not started. Its last ${logLinesShown} log lines are above.`
			: `Its last ${logLinesShown} log lines are above.`,
		nextSteps: [`Fix ${failed.service} (its image, command or configuration), then run \`hoist up\` again: it resumes at this step.`],
	});
}
