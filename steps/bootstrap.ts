import {createHash} from 'node:crypto';
import {z} from 'zod';
import {ExternalError, nextCommand} from '../source/errors.js';
import {substepRow} from '../source/engine/details.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {
	bootstrapState,
	parseBootstrapStep,
	parseBootstrapSummary,
	runBootstrap,
	writeMarker,
	type BootstrapSummary,
} from '../source/remote/commands/bootstrap.js';
import {privateDirectory} from '../source/remote/commands/files.js';
import {RemoteCommandError} from '../source/remote/errors.js';
import {upgradeHost, type HostUpgradeIo} from '../source/remote/host-upgrade.js';
import type {RemoteSession} from '../source/remote/session.js';
import {bootstrapDir, podmanSocket} from '../source/server/layout.js';
import {readTemplate} from '../source/server/templates.js';

export const bootstrapOutputs = z.object({
	os: z.string(),
	version: z.string(),
	manager: z.enum(['openrc', 'systemd', 'none']),
	compose: z.enum(['v1', 'v2']),
	installed: z.array(z.string()),
	composeCommand: z.array(z.string()),
	migratesQueuedConnections: z.boolean().optional(),
	/** Of the scripts and settings that ran: a change of either runs bootstrap again. */
	hash: z.string(),
	/** The first bootstrap of an instance: how many packages were upgraded, and the kernel it rebooted for. */
	upgrade: z.object({packages: z.number(), rebootedFor: z.string().optional()}).optional(),
}) satisfies z.ZodType<BootstrapSummary>;
export type BootstrapOutputs = z.infer<typeof bootstrapOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		bootstrap: BootstrapOutputs;
	}
}

/** bootstrap.sh travels with the two files it installs, in this layout. */
const scripts = [
	{template: 'bootstrap.sh', mode: 0o700},
	{template: 'health-scheduler.sh', mode: 0o700},
	{template: 'openrc/hoist-health.initd', mode: 0o700},
];
const marker = `${bootstrapDir}/done`;

type BootstrapContext = StepContext<'bootstrap', 'target'>;

function bootstrapFiles(ctx: BootstrapContext) {
	const files = scripts.map(({template, mode}) => ({path: `${bootstrapDir}/${template}`, content: readTemplate(template), mode, owner: 'root'}));
	const hash = createHash('sha256');
	for (const file of files) hash.update(`${file.path}\0${file.content}\0`);
	hash.update(`swap=${ctx.config.host.swapMb}`);
	return {files, hash: hash.digest('hex')};
}

/**
 * Makes the server ready for compose against rootful Podman (templates/bootstrap.sh): on Alpine it installs Podman,
 * its API socket, compose and the health scheduler; on a host without a service manager (the sandbox) it only checks
 * and installs nothing. Runs again only when the scripts or their settings change; its phases show as sub-steps.
 */
export const bootstrap = defineStep({
	id: 'bootstrap',
	outputs: bootstrapOutputs,
	needs: ['target'],
	async check(ctx) {
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const {hash} = bootstrapFiles(ctx);
		const state = await session.run(bootstrapState(marker, podmanSocket), {capture: true, signal: ctx.signal});
		const [recorded, ...lines] = state.stdout.split('\n');
		if (!lines.includes('hoist-socket-ok') || !recorded?.startsWith(`${hash} `)) return undefined;
		const summary = parseBootstrapSummary(recorded.slice(hash.length + 1));
		return summary ? {...summary, hash} : undefined;
	},
	async run(ctx) {
		let session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const {files, hash} = bootstrapFiles(ctx);
		const upgrade = await firstBootstrapOfInstance(ctx, session);
		await session.run({...privateDirectory(`${bootstrapDir}/openrc`, 0o700)}, {signal: ctx.signal});
		await session.upload(upgrade ? [...files, upgradeScript()] : files, {signal: ctx.signal});
		let summaryLine = await runBootstrapScript(ctx, session);
		let upgraded: BootstrapOutputs['upgrade'];
		if (upgrade) {
			const result = await upgradeHost(hostUpgradeIo(ctx), upgradeScript().path);
			session = result.session;
			// A host without apk upgraded nothing: its row says why, the summary says nothing of an upgrade.
			if (!result.skipped) upgraded = {packages: result.upgraded.length, ...(result.rebootedFor ? {rebootedFor: result.rebootedFor} : {})};
			// After a reboot, bootstrap.sh again: it waits until Podman's API answers and checks every service came up.
			if (result.rebootedFor) summaryLine = await runBootstrapScript(ctx, session);
		}
		const summary = parseBootstrapSummary(summaryLine);
		if (!summary) throw noSummary(ctx);
		await session.run(writeMarker(marker, hash, summaryLine), {signal: ctx.signal});
		return {...summary, hash, ...(upgraded ? {upgrade: upgraded} : {})};
	},
	summary: (out) =>
		`${out.os} ${out.version}, ${out.manager === 'none' ? 'no service manager' : out.manager}, compose ${out.compose}` +
		(out.installed.length > 0 ? `; installed ${out.installed.join(', ')}` : '; installed nothing') +
		(out.upgrade ? `; upgraded ${out.upgrade.packages} package${out.upgrade.packages === 1 ? '' : 's'}${out.upgrade.rebootedFor ? `, rebooted for kernel ${out.upgrade.rebootedFor}` : ''}` : ''),
});

/** Uploaded beside bootstrap.sh on a first bootstrap (and by `hoist upgrade`). */
export function upgradeScript() {
	return {path: `${bootstrapDir}/host-upgrade.sh`, content: readTemplate('host-upgrade.sh'), mode: 0o700, owner: 'root'};
}

/**
 * An instance hoist launched, bootstrapped for the first time (no marker of an earlier bootstrap): its image may be
 * months old, so its packages are upgraded (and it reboots once if the kernel changed). A later bootstrap (new scripts)
 * never upgrades; an existing server's packages are its owner's business. Says which, as a row.
 */
async function firstBootstrapOfInstance(ctx: BootstrapContext, session: RemoteSession): Promise<boolean> {
	if (ctx.outputs.target.kind !== 'aws') {
		ctx.detail(substepRow({id: 'upgrade', title: 'upgrade', state: 'skipped', note: 'an existing server: hoist leaves its packages to you'}));
		return false;
	}
	const state = await session.run(bootstrapState(marker, podmanSocket), {capture: true, signal: ctx.signal});
	// The marker's line (`<sha256> hoist-bootstrap …`), not just any first line: without a marker the first line may be
	// the socket's answer (a run stopped after bootstrap.sh started Podman, before the marker was written).
	if (/^[0-9a-f]{64} hoist-bootstrap /.test(state.stdout)) {
		ctx.detail(substepRow({id: 'upgrade', title: 'upgrade', state: 'skipped', note: 'bootstrapped before: packages are upgraded on the first bootstrap only'}));
		return false;
	}
	return true;
}

function hostUpgradeIo(ctx: BootstrapContext): HostUpgradeIo {
	return {
		connect: (readyTimeoutMs) => ctx.services.remote(ctx.outputs.target, {trustNewHost: false, readyTimeoutMs, signal: ctx.signal}),
		clock: ctx.services,
		signal: ctx.signal,
		row: (row) => ctx.detail(substepRow({id: row.id, title: row.id, state: row.state, note: row.note})),
		progress: (message) => ctx.progress(message),
		log: (line) => ctx.log(line),
		waitSeconds: ctx.config.ssh.waitSeconds,
	};
}

/** Runs bootstrap.sh, its phases as sub-steps; returns its summary line. */
async function runBootstrapScript(ctx: BootstrapContext, session: RemoteSession): Promise<string> {
	let summaryLine: string | undefined;
	let failure: {id: string; text: string} | undefined;
	try {
		await session.run(runBootstrap({script: `${bootstrapDir}/bootstrap.sh`, swapMb: ctx.config.host.swapMb}), {
			signal: ctx.signal,
			onLine: (line) => {
				const step = parseBootstrapStep(line);
				if (step) {
					const state = step.state === 'start' ? 'running' : step.state === 'skip' ? 'skipped' : step.state === 'fail' ? 'failed' : 'done';
					ctx.detail(substepRow({id: step.id, title: step.id, state, ...(step.text ? {note: step.text} : {})}));
					if (step.state === 'fail') failure = {id: step.id, text: step.text};
				} else if (line.startsWith('hoist-bootstrap ')) {
					summaryLine = line;
				} else {
					ctx.log(line);
				}
			},
		});
	} catch (error) {
		if (!(error instanceof RemoteCommandError)) throw error;
		throw new ExternalError(`Preparing the server failed${failure ? ` at "${failure.id}": ${failure.text}` : ''}.`, {
			code: 'BOOTSTRAP_FAILED',
			command: 'bootstrap.sh',
			output: error.lastLines.join('\n'),
			hint: 'bootstrap.sh stopped at the first command that failed; the lines above are its last output.',
			nextSteps: [nextCommand(ctx.rerun, 'Fix the cause on the server (or in hoist.yml), then run {command} again: it runs bootstrap again.')],
		});
	}
	if (summaryLine === undefined) throw noSummary(ctx);
	return summaryLine;
}

function noSummary(ctx: BootstrapContext): ExternalError {
	return new ExternalError('bootstrap.sh ended without its summary line.', {
		code: 'BOOTSTRAP_NO_SUMMARY',
		command: 'bootstrap.sh',
		nextSteps: [nextCommand(ctx.rerun, 'Run {command} again; if it repeats, this is a bug in hoist.')],
	});
}
