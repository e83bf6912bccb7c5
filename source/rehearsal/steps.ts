/**
 * The steps a rehearsal adds to the real plan (`hoist rehearse`), each built for one rehearsal's stand-ins: the port
 * check before anything changes on the practice server, the stand-ins (DNS and CA) before the upload, and the link
 * that lets the stack's Caddy reach the CA once the stack runs.
 */
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {z} from 'zod';
import {query} from '../dns/client.js';
import {defineStep, type StepContext} from '../engine/step.js';
import {writeFileAtomic} from '../files/atomic-write.js';
import {privateDirectory} from '../remote/commands/files.js';
import type {RemoteSession} from '../remote/session.js';
import {composeProject} from '../server/layout.js';
import {changedFiles} from '../server/sync.js';
import {fetchRehearsalRoot} from './fetch-root.js';
import type {RehearsalFiles} from './files.js';
import {portConflicts, portsHeld} from './ports.js';
import {
	dnsStandIns, forgetCaddyCertificates, linkAcmeToCaddy, neededPorts, portListing, readCaddyRootMark, readListenerCa, standInFiles, standInsDir, standInsDown, standInsProject, standInsUp, unlinkAcme, type StandIns,
} from './standins.js';

export const rehearsalPortsOutputs = z.object({address: z.string(), ports: z.array(z.string())});
export const rehearsalStandInsOutputs = z.object({
	project: z.string(),
	/** The DNS stand-ins as the watcher asks them: label, address, port. */
	servers: z.array(z.object({name: z.string(), address: z.string(), port: z.number()})),
	pitfall: z.string(),
	/** SHA-256 of the root fetched last (Pebble makes a new one each start). */
	root: z.string(),
});
export const rehearsalLinkOutputs = z.object({networks: z.string()});
export const rehearsalRenewOutputs = z.object({forgot: z.array(z.string())});

declare module '../engine/step.js' {
	interface StepOutputs {
		'rehearsal-ports': z.infer<typeof rehearsalPortsOutputs>;
		'rehearsal-standins': z.infer<typeof rehearsalStandInsOutputs>;
		'rehearsal-link': z.infer<typeof rehearsalLinkOutputs>;
		'rehearsal-renew': z.infer<typeof rehearsalRenewOutputs>;
	}
}

const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

/** Refuses when 80, 443 or the stand-ins' ports are held by anything but the rehearsal itself; changes nothing. */
export function rehearsalPortsStep(standIns: StandIns) {
	const conflicts = async (ctx: StepContext<'rehearsal-ports', 'target'>) => {
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const listing = (await session.run(portListing(), {capture: true, signal: ctx.signal})).stdout;
		return portConflicts(listing, standIns.address, neededPorts(standIns), [composeProject(standIns.stack), standInsProject(standIns.stack)]);
	};
	const outputs = () => ({address: standIns.address, ports: neededPorts(standIns).map((port) => `${port.port}/${port.proto}`)});
	return defineStep({
		id: 'rehearsal-ports',
		outputs: rehearsalPortsOutputs,
		needs: ['target', 'ssh-ready'],
		async check(ctx) {
			return (await conflicts(ctx)).length === 0 ? outputs() : undefined;
		},
		async run(ctx) {
			const found = await conflicts(ctx);
			if (found.length > 0) throw portsHeld(found, ctx.outputs.target.host);
			return outputs();
		},
		summary: (out) => `free on ${out.address}: ${out.ports.join(', ')}`,
	});
}

type StandInsContext = StepContext<'rehearsal-standins', 'target' | 'bootstrap'>;

/** The stand-ins' files as the server should hold them. */
function serverFiles(standIns: StandIns) {
	return standInFiles(standIns).map((file) => ({...file, secret: false, sha256: sha256(file.content)}));
}

async function running(session: RemoteSession, standIns: StandIns, signal: AbortSignal): Promise<boolean> {
	const services = ['acme', ...dnsStandIns(standIns).map((server) => server.service)];
	const line = `podman ps --format '{{index .Labels "com.docker.compose.service"}}' --filter label=com.docker.compose.project=${standInsProject(standIns.stack)}`;
	const said = (await session.run({root: true, title: 'see whether the rehearsal DNS and CA run', line}, {capture: true, signal})).stdout.split('\n');
	return services.every((service) => said.includes(service));
}

/** Until the DNS stand-in answers for its zone (knotd loads it within a second). */
async function dnsAnswers(ctx: StandInsContext, standIns: StandIns): Promise<void> {
	for (const server of dnsStandIns(standIns)) {
		for (let attempt = 1; ; attempt++) {
			try {
				const response = await query({server: standIns.address, port: server.port, name: standIns.zones[0]!, type: 'SOA', recursion: false, timeoutMs: 1_000, signal: ctx.signal});
				if (response.rcode === 'NOERROR' && response.aa) break;
			} catch (error) {
				if (attempt >= 20 || ctx.signal.aborted) throw error;
			}
			if (attempt >= 20) throw new Error(`the rehearsal DNS ${server.name} does not answer for ${standIns.zones[0]!}`);
			await ctx.services.sleep(500, ctx.signal);
		}
	}
}

async function currentRoot(ctx: StandInsContext, standIns: StandIns, files: RehearsalFiles): Promise<string> {
	const listenerCa = readFileSync(files.listenerCa, 'utf8');
	for (let attempt = 1; ; attempt++) {
		try {
			return await fetchRehearsalRoot(standIns.address, listenerCa, ctx.signal);
		} catch (error) {
			if (attempt >= 20 || ctx.signal.aborted) throw error;
			await ctx.services.sleep(500, ctx.signal);
		}
	}
}

function standInsOutputs(standIns: StandIns, root: string) {
	return {
		project: standInsProject(standIns.stack),
		servers: dnsStandIns(standIns).map((server) => ({name: server.name, address: standIns.address, port: server.port})),
		pitfall: standIns.pitfall,
		root: sha256(root),
	};
}

/**
 * Starts the rehearsal DNS and CA beside the stack (their own compose project and folder), then keeps what this
 * machine needs of them: the CA's listener certificate (for Caddy) and its current root (for hoist's check and curl).
 */
export function rehearsalStandInsStep(standIns: StandIns, files: RehearsalFiles) {
	return defineStep({
		id: 'rehearsal-standins',
		outputs: rehearsalStandInsOutputs,
		needs: ['target', 'bootstrap'],
		async check(ctx) {
			if (!existsSync(files.listenerCa) || !existsSync(files.root)) return undefined;
			const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
			if ((await changedFiles(session, serverFiles(standIns), ctx.signal)).length > 0 || !(await running(session, standIns, ctx.signal))) return undefined;
			const root = await currentRoot(ctx, standIns, files);
			return root === readFileSync(files.root, 'utf8') ? standInsOutputs(standIns, root) : undefined;
		},
		async run(ctx) {
			const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
			const wanted = serverFiles(standIns);
			const changed = await changedFiles(session, wanted, ctx.signal);
			await session.run(privateDirectory(standInsDir(standIns.stack), 0o755), {signal: ctx.signal});
			if (changed.length > 0) {
				// A zone that changed (another pitfall) starts again from its file: the journal of the old one goes with its volume.
				if (ctx.previous) await session.run(standInsDown(standIns.stack, false), {signal: ctx.signal, onLine: ctx.log});
				await session.upload(wanted.map((file) => ({path: file.path, content: file.content, mode: file.mode, owner: 'root', group: 'root'})), {signal: ctx.signal});
			}
			ctx.progress(`starting the rehearsal DNS (${standIns.images.dns}) and CA (${standIns.images.acme})`);
			const tool = {command: ctx.outputs.bootstrap.composeCommand, version: ctx.outputs.bootstrap.compose};
			await session.run(standInsUp(tool, standIns), {signal: ctx.signal, onLine: ctx.log});
			ctx.progress('waiting for the rehearsal DNS to answer');
			await dnsAnswers(ctx, standIns);
			const listenerCa = (await session.run(readListenerCa(standIns.stack), {capture: true, signal: ctx.signal})).stdout;
			writeFileAtomic(files.listenerCa, listenerCa, 0o644);
			ctx.progress('fetching the rehearsal CA\'s current root');
			const root = await currentRoot(ctx, standIns, files);
			writeFileAtomic(files.root, root, 0o644);
			ctx.log(`the rehearsal CA's root is in ${files.root}`);
			return standInsOutputs(standIns, root);
		},
		undoTitle: 'Remove the rehearsal DNS and CA',
		async undo(ctx) {
			const target = ctx.recorded('target');
			if (!target) return;
			const session = await ctx.services.remote(target, {signal: ctx.signal});
			await session.run(standInsDown(standIns.stack, !ctx.destroy.volumes), {signal: ctx.signal, onLine: ctx.log});
		},
		summary: (out) => `${out.servers.map((server) => `${server.name} ${server.address}:${server.port}`).join(', ')} and Pebble (${out.project})`,
	});
}

/** Puts the CA into the stack's network under the name its certificate carries, so Caddy reaches it verified. */
export const rehearsalLink = defineStep({
	id: 'rehearsal-link',
	outputs: rehearsalLinkOutputs,
	needs: ['target', 'deploy'],
	async check(ctx) {
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const said = (await session.run(linkAcmeToCaddy(ctx.config.stack, {dryRun: true}), {capture: true, signal: ctx.signal})).stdout;
		return said.includes('missing') ? undefined : {networks: said.trim()};
	},
	async run(ctx) {
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const said = (await session.run(linkAcmeToCaddy(ctx.config.stack, {dryRun: false}), {capture: true, signal: ctx.signal})).stdout;
		return {networks: said.trim()};
	},
	undoTitle: 'Disconnect the rehearsal CA from the stack\'s network',
	async undo(ctx) {
		const target = ctx.recorded('target');
		if (!target) return;
		const session = await ctx.services.remote(target, {signal: ctx.signal});
		await session.run(unlinkAcme(ctx.config.stack), {signal: ctx.signal, onLine: ctx.log});
	},
	summary: () => 'Caddy reaches the rehearsal CA as pebble',
});

/**
 * Whether Caddy's certificates and ACME account may come from an earlier rehearsal CA: Pebble makes a new root
 * whenever it starts (another pitfall, a reboot), and Caddy would keep such a certificate until it nears expiry and
 * fail to order a new one with an account the new CA does not know. The server records the root they belong to.
 */
async function fromEarlierCa(ctx: StepContext<'rehearsal-renew', 'target' | 'dns'>, files: RehearsalFiles): Promise<boolean> {
	if (ctx.outputs.dns.status !== 'ready' || !existsSync(files.root)) return false;
	const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
	const recorded = (await session.run(readCaddyRootMark(ctx.config.stack), {capture: true, signal: ctx.signal})).stdout.trim();
	return recorded !== sha256(readFileSync(files.root, 'utf8'));
}

/** Before the certificate step: Caddy forgets certificates of an earlier rehearsal CA, so it asks the current one. */
export function rehearsalRenewStep(files: RehearsalFiles) {
	return defineStep({
		id: 'rehearsal-renew',
		outputs: rehearsalRenewOutputs,
		needs: ['target', 'dns'],
		async check(ctx) {
			return (await fromEarlierCa(ctx, files)) ? undefined : {forgot: []};
		},
		async run(ctx) {
			if (!(await fromEarlierCa(ctx, files))) return {forgot: []};
			const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
			await session.run(forgetCaddyCertificates(ctx.config.stack, sha256(readFileSync(files.root, 'utf8'))), {signal: ctx.signal, onLine: ctx.log});
			ctx.log(`Caddy starts afresh with the rehearsal CA's current root for ${ctx.outputs.dns.names.join(', ')} (certificates and ACME account of an earlier CA, if any, forgotten)`);
			return {forgot: ctx.outputs.dns.names};
		},
	});
}
