import {z} from 'zod';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {bootServicePath, enableBootService, removeBootService, removeFoundBootService} from '../source/server/commands/boot.js';
import {privateDirectory} from '../source/remote/commands/files.js';
import {parseRemovedDir, removeStackDir} from '../source/server/commands/teardown.js';
import {bundleFor, type ServerFile} from '../source/server/bundle.js';
import {bootServiceName, stackPaths} from '../source/server/layout.js';
import {serverResource, serverResourceId} from '../source/server/server-resources.js';
import {recordedSites} from '../source/server/sites.js';
import {changedFiles, syncFiles} from '../source/server/sync.js';
import {serverRecords, serverSession, visitServer} from '../source/server/server-side.js';

export const uploadOutputs = z.object({
	dir: z.string(),
	/** What the stack directory holds, by path: the SHA-256 of each file hoist put there. */
	files: z.record(z.string(), z.string()),
	/** How the stack comes back after a reboot: an OpenRC service, a systemd unit, or the boot script run by hand. */
	boot: z.enum(['openrc', 'systemd', 'none']),
});
export type UploadOutputs = z.infer<typeof uploadOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		upload: UploadOutputs;
	}
}

type UploadContext = StepContext<'upload', 'target' | 'bootstrap'>;

/** The bundle as it must be now (see bundleFor), with the sites DNS confirmed. */
function bundle(ctx: UploadContext): ServerFile[] {
	const {target, bootstrap} = ctx.outputs;
	return bundleFor({...ctx, environment: ctx.services.environment, target, bootstrap, sites: recordedSites(ctx, target)});
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
	outputs: uploadOutputs,
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
		// On a machine that outlives the stack, destroy must know to remove the directory and the boot service.
		const {target} = ctx.outputs;
		if (target.kind === 'server') await ctx.recordResource({type: serverResource.stackDir, id: serverResourceId(paths.dir, target.host), ownedByHoist: true});
		await session.run(privateDirectory(paths.dir), {signal: ctx.signal});
		const changed = await syncFiles(session, ctx, {stack: ctx.config.stack, files});
		ctx.log(`${changed.length} of ${files.length} files sent; the others were already there`);
		const service = bootServicePath(manager, ctx.config.stack);
		const enable = enableBootService(manager, ctx.config.stack);
		if (enable && changed.some((file) => file.path === service)) await session.run(enable, {signal: ctx.signal, onLine: ctx.log});
		return outputs(ctx, files);
	},
	undoTitle: 'Remove the stack\'s files and boot service from the server',
	/** On an existing server: the boot service and /srv/hoist/<stack>. On AWS the instance takes them along. */
	async undo(ctx) {
		const records = serverRecords(ctx, serverResource.stackDir);
		if (!visitServer(ctx, records)) return;
		const session = await serverSession(ctx, records);
		const {stack} = ctx.config;
		const manager = ctx.previous?.boot ?? ctx.recorded('bootstrap')?.manager;
		// Without a record of the init system (no journal), the boot service is looked for under both.
		const bootService = manager === undefined ? removeFoundBootService(stack) : removeBootService(manager, stack);
		if (bootService) await session.run(bootService, {signal: ctx.signal, onLine: ctx.log});
		const removed = parseRemovedDir((await session.run(removeStackDir(stack), {capture: true, signal: ctx.signal})).stdout);
		for (const record of records) await ctx.forgetResource(record.type, record.id);
		const service = bootServiceName(stack);
		const boot = manager === undefined ? `the boot service ${service} if there was one` : bootService ? `the ${manager} service ${service}` : undefined;
		const {dir} = stackPaths(stack);
		ctx.log(removed ? `removed ${dir}${boot ? ` and ${boot}` : ''}` : `${dir} was not there${boot ? `; removed ${boot}` : ''}`);
	},
	summary: (out) => `${Object.keys(out.files).length} files in ${out.dir}; after a reboot: ${out.boot === 'none' ? 'run hoist-boot.sh start' : `${out.boot} starts it`}`,
});
