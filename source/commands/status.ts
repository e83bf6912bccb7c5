import {defineCommand} from '../cli/command.js';
import {realStackCommands} from '../cli/read-only.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import {describeRelease} from './release/releases.js';
import type {LiveServer} from '../server/live.js';
import type {LockHolder} from '../engine/lock.js';
import {printable} from '../text/printable.js';
import type {StepStatus} from '../engine/step-status.js';
import {formatDuration} from '../ui/format-duration.js';
import {formatError} from '../ui/format-error.js';
import {routeUrls, type Route} from '../config/routes.js';

const releasesShown = 5;
const icons: Record<StepStatus, string> = {done: '✔', failed: '✖', running: '…', pending: '○', cancelled: '⊘'};

/**
 * `hoist status`: the journal (no lock, so it works while another run is going and with a broken hoist.yml), then
 * the server as it is now: each container's state and health over SSH, and the instance's state on AWS. A server
 * that does not answer is said so, and the journal is still shown (exit 1).
 */
export const status = defineCommand({
	name: 'status',
	summary: 'Show each step, the resources, the last error, and what runs on the server now',
	description: `Shows what .hoist/state.json says (each step, the resources hoist created, the last error), then asks the
server what runs there now: each container's state, health, restarts, uptime and image. Exit 0 when the server
answered (or nothing is deployed yet), 1 when it did not: the journal is shown either way.`,
	flags: {},
	needs: 'journal',
	async run({args, io, stack}) {
		const {files, journal, running, config, commands} = await stack.readOnly();
		if (!journal) {
			if (args.json) (await import('../ui/json-events.js')).writeJsonEvent(io.stdout, {type: 'status', at: Date.now(), journal: null});
			else io.stdout.write(`No journal in ${files.stateDir} yet: nothing has run for this stack.\nNext: run \`${(commands ?? realStackCommands).start}\`.\n`);
			return 0;
		}
		const {readLiveServer, readInstanceState} = await import('../server/live.js');
		const [server, instance] = await Promise.all([readLiveServer(journal.data, files), readInstanceState(journal.data, config)]);
		const {certificateRenewals} = await import('./status/certificate-renewals.js');
		const certificates = server?.reachable ? await certificateRenewals(journal.data, config, files, io) : [];
		const view = server && {...server, ...(instance ? {instance} : {}), ...urlsOf(journal.data, config?.routes), ...(certificates.length > 0 ? {certificates: certificates.map(({lines: _lines, ...facts}) => facts)} : {})};
		if (args.json) {
			// The journal's fields as they are; `running` only while a run holds the lock; `server` once a stack is deployed.
			const {writeJsonEvent} = await import('../ui/json-events.js');
			writeJsonEvent(io.stdout, {type: 'status', at: Date.now(), ...journal.data, ...(running ? {running} : {}), ...(view ? {server: view} : {})});
		} else {
			const lines = [...describe(journal.data, running), ...(view ? ['', ...describeServer(view)] : []), ...certificates.flatMap((certificate) => certificate.lines.map((line) => `  ${line}`))];
			io.stdout.write(`${lines.map(printable).join('\n')}\n`);
		}
		return server?.reachable === false ? 1 : 0;
	},
});

interface ServerUrls {
	/** https://<domain>/ once its certificate was confirmed, the server's address over HTTP before. */
	url?: string;
	/** Every route's URL with its service (from hoist.yml, when it reads). */
	routes?: Array<{url: string; service: string}>;
	certificate?: {issuer?: string; notAfter?: string; staging: boolean};
}

function urlsOf(journal: JournalData, routes: readonly Route[] | undefined): ServerUrls {
	const certificate = stepOutputs(journal, 'certificate');
	if (certificate?.status === 'issued' && certificate.names[0]) {
		const {issuer, notAfter, staging} = certificate;
		// Only the routes of names the certificate step confirmed: a route added since has no HTTPS yet.
		const confirmed = routes?.filter((route) => certificate.names.includes(route.domains[0]!));
		return {
			url: `https://${certificate.names[0]}/`,
			...(confirmed?.length ? {routes: routeUrls(confirmed, {https: true})} : {}),
			certificate: {...(issuer ? {issuer} : {}), ...(notAfter ? {notAfter} : {}), staging},
		};
	}
	const target = stepOutputs(journal, 'target');
	if (!target) return {};
	return {url: `http://${target.publicAddress}/`, ...(routes ? {routes: routeUrls(routes, {https: false, address: target.publicAddress})} : {})};
}

export function describeServer(server: LiveServer & {instance?: string} & ServerUrls): string[] {
	const head = `Server ${server.login}${server.instance ? ` — instance ${server.instance}` : ''}`;
	if (!server.reachable) return [head, `  The server does not answer: ${server.reason}`, '  The steps above are what hoist last recorded.'];
	const {certificate} = server;
	const lines = [
		head,
		...(server.routes && server.routes.length > 1 ? server.routes.map((route) => `  ${route.url} (${route.service})`) : server.url ? [`  ${server.url}`] : []),
		...(certificate
			? [`  certificate from ${certificate.issuer ?? 'the CA'}${certificate.notAfter ? `, valid until ${certificate.notAfter.slice(0, 10)}` : ''}${certificate.staging ? ' (staging: browsers warn)' : ''}`]
			: []),
	];
	if (server.containers.length === 0) return [...lines, '  No container of this stack runs there.'];
	const rows = server.containers.map((container) => [
		container.service,
		container.state === 'exited' ? `exited (${container.exitCode})` : container.state,
		container.health ?? '-',
		String(container.restarts),
		container.upSeconds === undefined ? '-' : formatDuration(container.upSeconds * 1000),
		`${container.image}${container.digest ? ` (${container.digest.slice(0, 19)})` : ''}`,
	]);
	const header = ['SERVICE', 'STATE', 'HEALTH', 'RESTARTS', 'UP', 'IMAGE'];
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
	const line = (cells: string[]) => `  ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd();
	return [...lines, line(header), ...rows.map(line)];
}

export function describe(data: JournalData, running?: LockHolder): string[] {
	const lastRun = data.runs.at(-1);
	const lines = [`Stack ${data.stack} — run ${data.runId}`];
	if (data.destroyedAt) lines.push(`Destroyed at ${data.destroyedAt}.`);
	if (lastRun) lines.push(`Last: hoist ${lastRun.command} started ${lastRun.startedAt}, ${lastRun.result ?? (running ? 'running now' : 'did not finish (stopped or killed)')}`);
	if (running) lines.push(`Running now: hoist ${running.command} (pid ${running.pid} on ${running.host}, since ${running.startedAt}).`);
	lines.push('', 'Steps:');
	const steps = Object.entries(data.steps);
	if (steps.length === 0) lines.push('  (none yet)');
	for (const [id, step] of steps) {
		const took = step.reused ? 'already done' : step.durationMs === undefined ? '' : formatDuration(step.durationMs);
		lines.push(`  ${icons[step.status]} ${id.padEnd(18)} ${step.status.padEnd(8)} ${took.padEnd(12)} ${step.summary ?? ''}`.trimEnd());
	}
	const resources = Object.values(data.resources);
	lines.push('', 'Resources hoist created or uses:');
	if (resources.length === 0) lines.push('  (none)');
	for (const resource of resources) {
		lines.push(`  ${resource.type.padEnd(15)} ${resource.id}${resource.ownedByHoist ? '' : '  (yours: destroy leaves it)'}`);
	}
	lines.push(...describeReleases(data));
	const failed = steps.find(([, step]) => step.status === 'failed');
	if (failed?.[1].error) lines.push('', `Last error, in step ${failed[0]}:`, ...formatError(failed[1].error).map((line) => `  ${line}`));
	return lines;
}

/** The newest releases, the current one marked; a rollback's pin said in words. */
function describeReleases(data: JournalData): string[] {
	if (data.releases.length === 0) return [];
	const shown = data.releases.slice(-releasesShown);
	const current = data.releases.at(-1)!.number;
	return [
		'',
		`Releases (the last ${shown.length} of ${data.releases.length}; \`hoist rollback N\` brings one back):`,
		...shown.map((release) => `  ${release.number === current ? '→' : ' '} ${describeRelease(release)} — hoist ${release.command}, ${release.at}`),
		...(data.pinnedRelease ? [`  Pinned to the images of release ${data.pinnedRelease} until the next \`hoist deploy\`.`] : []),
	];
}
