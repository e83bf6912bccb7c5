import {httpsChecks} from '../config/routes.js';
import type {Config} from '../config/schema.js';
import {substepRow, type DetailRow} from '../engine/details.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import {poll} from '../engine/poll.js';
import type {StackFiles} from '../engine/stack-files.js';
import {ExternalError, nextCommand} from '../errors.js';
import type {RemoteSession} from '../remote/session.js';
import {pinnedImages} from '../server/pins.js';
import {Rollout, type FailedVerdict} from '../server/rollout.js';
import type {ServiceVerdict} from '../server/stack-state.js';
import type {Services} from '../services.js';
import {certificateTrust, httpsAnswer} from '../../steps/certificate.js';

/** How long the stack may take to be back: after a reboot the stack's boot service starts it once Podman's API answers. */
const backWithinMs = 5 * 60_000;
/**
 * After a reboot a container reads as stopped until the boot service starts it again: a stopped one counts as not
 * back yet for this long, and as failed only after.
 */
const bootGraceMs = 2 * 60_000;
const httpsWithinMs = 2 * 60_000;

export interface StackCheck {
	config: Config;
	files: StackFiles;
	journal: JournalData;
	services: Services;
	signal: AbortSignal;
	progress(message: string): void;
	log(line: string): void;
	detail(row: DetailRow): void;
}

/**
 * Every service of the stack runs again (healthy where it has a healthcheck; a one-shot service's last run is enough:
 * an upgrade runs no job again), judged as a deploy judges them. One that stays down is named with its logs.
 */
export async function waitForServices(check: StackCheck, session: RemoteSession, rebooted: boolean): Promise<ServiceVerdict[]> {
	const bootstrap = stepOutputs(check.journal, 'bootstrap')!;
	const compose = stepOutputs(check.journal, 'compose')!;
	const rollout = new Rollout({...check, bootstrap, compose, pins: pinnedImages(check.journal.releases, check.journal.pinnedRelease)}, session);
	rollout.skipJobs();
	const failedFrom = check.services.now() + (rebooted ? bootGraceMs : 0);
	return poll({
		attempt: async () => {
			const verdicts = await rollout.show();
			const failed = verdicts.find((verdict): verdict is FailedVerdict => verdict.status === 'failed');
			if (failed && check.services.now() >= failedFrom) throw await notBack(rollout, failed);
			const waiting = verdicts.filter((verdict) => verdict.status !== 'ok');
			if (waiting.length === 0) return {done: true, value: verdicts};
			return {done: false, status: waiting.map((verdict) => `${verdict.service} ${'why' in verdict ? verdict.why : ''}`.trim()).join(', ')};
		},
		interval: 2_000,
		timeoutMs: backWithinMs,
		clock: check.services,
		signal: check.signal,
		onWait: ({status}) => check.progress(`waiting for ${status}`),
		giveUp: (last) =>
			new ExternalError(`Not every service came back within ${backWithinMs / 60_000} minutes after the upgrade: ${last.status}.`, {
				code: 'STACK_NOT_BACK',
				command: 'compose ps',
				nextSteps: [nextCommand('hoist logs', '{command} shows why;'), nextCommand('hoist up', '{command} starts the stack again.')],
			}),
	});
}

async function notBack(rollout: Rollout, failed: FailedVerdict): Promise<ExternalError> {
	const cause = await rollout.failure(failed);
	return new ExternalError(`The service "${failed.service}" did not come back after the upgrade: it ${failed.why}.`, {
		code: 'SERVICE_NOT_BACK',
		command: cause.command,
		...(cause.output === undefined ? {} : {output: cause.output}),
		hint: 'Its last log lines are above. A package the upgrade changed (Podman, the kernel\'s modules) may be the cause.',
		nextSteps: [nextCommand(`hoist logs ${failed.service}`, '{command} shows more;'), nextCommand('hoist up', 'once it is fixed, {command} starts the stack again.')],
	});
}

/**
 * Each domain with a certificate answers HTTPS as the certificate step checked it (its routes from their services,
 * its aliases with their redirect). Returns the URLs; none when the stack has no certificate yet.
 */
export async function waitForHttps(check: StackCheck): Promise<string[]> {
	const certificate = stepOutputs(check.journal, 'certificate');
	if (certificate?.status !== 'issued') return [];
	const trust = certificateTrust(check);
	const checks = httpsChecks(check.config.routes, certificate.names);
	return poll({
		attempt: async () => {
			const answers = await Promise.all(checks.map(async (route) => ({url: `https://${route.name}${route.path}`, ...(await httpsAnswer(check.services, trust, certificate.address, route, check.signal))})));
			for (const answer of answers) check.detail(substepRow({id: `https:${answer.url}`, title: answer.url, state: answer.ok ? 'done' : 'running', note: answer.note}));
			const waiting = answers.filter((answer) => !answer.ok);
			if (waiting.length === 0) return {done: true, value: answers.map((answer) => answer.url)};
			return {done: false, status: waiting.map((answer) => `${answer.url}: ${answer.note}`).join('; ')};
		},
		interval: 2_000,
		timeoutMs: httpsWithinMs,
		clock: check.services,
		signal: check.signal,
		onWait: ({status}) => check.progress(`waiting for HTTPS: ${status}`),
		giveUp: (last) =>
			new ExternalError(`HTTPS does not answer within ${httpsWithinMs / 60_000} minutes after the upgrade: ${last.status}.`, {
				code: 'HTTPS_NOT_BACK',
				command: 'GET https://…',
				hint: 'Every service runs, so Caddy or the network in front of it does not answer as before.',
				nextSteps: [nextCommand('hoist logs hoist-caddy', '{command} shows what Caddy says;'), nextCommand('hoist status', '{command} shows the certificate and every service.')],
			}),
	});
}
