import {defineStep, type StepContext} from '../source/engine/step.js';
import {bootServicePath, enableBootService} from '../source/remote/commands/boot.js';
import {privateDirectory} from '../source/remote/commands/files.js';
import {stackBundle, type ServerFile} from '../source/server/bundle.js';
import {stackPaths} from '../source/server/layout.js';
import {readProject} from '../source/server/project.js';
import {confirmedSites} from '../source/server/sites.js';
import {changedFiles, syncFiles} from '../source/server/sync.js';
import {dnsPlan} from './dns.js';

export interface UploadOutputs {
	dir: string;
	/** What the stack directory holds, by path: the SHA-256 of each file hoist put there. */
	files: Record<string, string>;
	/** How the stack comes back after a reboot: an OpenRC service, a systemd unit, or the boot script run by hand. */
	boot: 'openrc' | 'systemd' | 'none';
}

declare module '../source/engine/step.js' {
	interface StepOutputs {
		upload: UploadOutputs;
	}
}

type UploadContext = StepContext<'upload', 'target' | 'bootstrap'>;

/**
 * The bundle as it must be now: the compose project read again (it may have changed), checked against the server's
 * compose; the Caddyfile with the names whose DNS the journal records as confirmed for this address.
 */
function bundle(ctx: UploadContext): ServerFile[] {
	const {bootstrap, target} = ctx.outputs;
	const project = readProject(ctx.config, ctx.files, ctx.services.environment, bootstrap.compose);
	const certificate = ctx.recorded('certificate');
	return stackBundle({
		config: ctx.config,
		configDir: ctx.files.dir,
		project,
		address: target.publicAddress,
		manager: bootstrap.manager,
		compose: {command: bootstrap.composeCommand, version: bootstrap.compose},
		sites: confirmedSites(ctx.config, dnsPlan(ctx.config, target).address, ctx.recorded('dns'), certificate?.status === 'issued' ? certificate.acme : undefined),
	});
}

function outputs(ctx: UploadContext, files: ServerFile[]): UploadOutputs {
	return {dir: stackPaths(ctx.config.stack).dir, files: Object.fromEntries(files.map((file) => [file.path, file.sha256])), boot: ctx.outputs.bootstrap.manager};
}

/**
 * Puts the stack on the server in /srv/hoist/<stack>/ (root's, mode 0750): the user's compose file byte-for-byte and
 * the files it references (env files mode 0600), the overlay that adds Caddy, the Caddyfile, and the boot script with
 * its init service. Only files whose content changed travel; a changed Caddyfile is reloaded into a running Caddy.
 */
export const upload = defineStep({
	id: 'upload',
	title: 'Upload the stack',
	needs: ['target', 'bootstrap'],
	async check(ctx) {
		const files = bundle(ctx);
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		return (await changedFiles(session, files, ctx.signal)).length === 0 ? outputs(ctx, files) : undefined;
	},
	async run(ctx) {
		const files = bundle(ctx);
		const {manager} = ctx.outputs.bootstrap;
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const paths = stackPaths(ctx.config.stack);
		await session.run(privateDirectory(paths.dir), {signal: ctx.signal});
		const changed = await syncFiles(session, ctx, {stack: ctx.config.stack, files});
		ctx.log(`${changed.length} of ${files.length} files sent; the others were already there`);
		const service = bootServicePath(manager, ctx.config.stack);
		const enable = enableBootService(manager, ctx.config.stack);
		if (enable && changed.some((file) => file.path === service)) await session.run(enable, {signal: ctx.signal, onLine: ctx.log});
		return outputs(ctx, files);
	},
	summary: (out) => `${Object.keys(out.files).length} files in ${out.dir}; after a reboot: ${out.boot === 'none' ? 'run hoist-boot.sh start' : `${out.boot} starts it`}`,
});
