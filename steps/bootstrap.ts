import {createHash} from 'node:crypto';
import {z} from 'zod';
import {ExternalError} from '../source/errors.js';
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
import {bootstrapDir, podmanSocket} from '../source/server/layout.js';
import {readTemplate} from '../source/server/templates.js';

export const bootstrapOutputs = z.object({
	os: z.string(),
	version: z.string(),
	manager: z.enum(['openrc', 'systemd', 'none']),
	compose: z.enum(['v1', 'v2']),
	installed: z.array(z.string()),
	composeCommand: z.array(z.string()),
	/** Of the scripts and settings that ran: a change of either runs bootstrap again. */
	hash: z.string(),
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
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const {files, hash} = bootstrapFiles(ctx);
		await session.run({...privateDirectory(`${bootstrapDir}/openrc`, 0o700)}, {signal: ctx.signal});
		await session.upload(files, {signal: ctx.signal});
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
				nextSteps: ['Fix the cause on the server (or in hoist.yml), then run `hoist up` again: it runs bootstrap again.'],
			});
		}
		const summary = summaryLine === undefined ? undefined : parseBootstrapSummary(summaryLine);
		if (!summary || summaryLine === undefined) {
			throw new ExternalError('bootstrap.sh ended without its summary line.', {
				code: 'BOOTSTRAP_NO_SUMMARY',
				command: 'bootstrap.sh',
				nextSteps: ['Run `hoist up` again; if it repeats, this is a bug in hoist.'],
			});
		}
		await session.run(writeMarker(marker, hash, summaryLine), {signal: ctx.signal});
		return {...summary, hash};
	},
	summary: (out) =>
		`${out.os} ${out.version}, ${out.manager === 'none' ? 'no service manager' : out.manager}, compose ${out.compose}` +
		(out.installed.length > 0 ? `; installed ${out.installed.join(', ')}` : '; installed nothing'),
});
