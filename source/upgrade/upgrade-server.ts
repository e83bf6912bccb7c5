import type {Config} from '../config/schema.js';
import {substepRow} from '../engine/details.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import type {StackFiles} from '../engine/stack-files.js';
import {TaskStream, type TaskReport} from '../backup/tasks.js';
import {parseRebootState, readRebootState} from '../remote/commands/host-upgrade.js';
import {pendingReboot, upgradeHost, type HostUpgradeResult} from '../remote/host-upgrade.js';
import type {RemoteSession} from '../remote/session.js';
import {describeTarget} from '../remote/target.js';
import {describeVersions, parseHostVersions, readHostVersions, versionChanges, type HostVersions} from '../server/commands/host-versions.js';
import type {ComposeTool} from '../server/commands/compose.js';
import type {Services} from '../services.js';
import type {UpgradeEvent} from '../ui/json-events.js';
import type {Renderer} from '../ui/renderer.js';
import {upgradeScript} from '../../steps/bootstrap.js';
import {waitForHttps, waitForServices, type StackCheck} from './stack-back.js';

/** What a user is told to expect before a reboot-capable upgrade: a small instance's boot, then the stack's start. */
export const rebootDowntimeSeconds = 60;

/** What `hoist upgrade --json` reports at the end (the `upgrade` event). */
export type UpgradeReport = Omit<UpgradeEvent, 'type' | 'at'>;

export interface UpgradeInput {
	config: Config;
	files: StackFiles;
	journal: JournalData;
	/** The command's SSH connection, and how to open the next one after a reboot (the pinned host key only). */
	remote: RemoteSession;
	connect(readyTimeoutMs: number): Promise<RemoteSession>;
	services: Services;
	signal: AbortSignal;
	/** --yes: no question before an upgrade that may reboot. */
	yes: boolean;
	/** Asks before the upgrade; throws when it may not go on (no terminal to ask on, or the answer was no). */
	confirm(question: string): Promise<void>;
	renderer(): Promise<Pick<Renderer, 'onEvent' | 'showMessage'>>;
	/** The outcome as data (--json); called once, before the closing lines. */
	report(report: UpgradeReport): void;
}

/**
 * `hoist upgrade`: the host's packages (Alpine only: elsewhere it says so and changes nothing), a reboot when the
 * kernel changed (once: the server's own record tells a later run that the reboot was asked for or happened), then
 * the stack is checked as a deploy checks it: every service back, HTTPS answering. Returns the exit code.
 */
export async function upgradeServer(input: UpgradeInput): Promise<number> {
	const {journal, signal} = input;
	const target = stepOutputs(journal, 'target')!;
	const bootstrap = stepOutputs(journal, 'bootstrap')!;
	const tool: ComposeTool = {command: bootstrap.composeCommand, version: bootstrap.compose};
	const server = describeTarget(target);
	const os = (await input.remote.facts(signal)).osName;
	const before = await readVersions(input.remote, tool, signal);
	if (!before.apk) return unsupported(input, {server, os, supported: false, before, upgraded: []});
	if (!input.yes) {
		await input.confirm(`Upgrade the packages of ${server} (${os})? If the kernel changes, the server reboots: about ${rebootDowntimeSeconds} s of downtime for the stack.`);
	}

	const renderer = await input.renderer();
	const tasks = new TaskStream((event) => renderer.onEvent(event), signal);
	tasks.start(new Date(input.services.now()).toISOString(), 'upgrade', [
		{id: 'before', title: 'Versions before'},
		{id: 'upgrade', title: 'Upgrade the packages (apk upgrade --available); reboot once if the kernel changed'},
		{id: 'services', title: 'Every service runs (healthy where it has a healthcheck)'},
		{id: 'https', title: 'HTTPS answers on each domain'},
		{id: 'after', title: 'Versions after'},
	]);
	let result: HostUpgradeResult;
	let after: HostVersions;
	let urls: string[];
	try {
		await tasks.task('before', async () => ({value: undefined, summary: describeVersions(before)}));
		result = await tasks.task('upgrade', async (report) => {
			const upgraded = await upgradePackages(input, report);
			return {value: upgraded, summary: upgradeSummary(upgraded)};
		});
		const check: StackCheck = {...input, progress: () => undefined, log: () => undefined, detail: () => undefined};
		await tasks.task('services', async (report) => {
			const verdicts = await waitForServices({...check, ...report}, result.session, result.rebootedFor !== undefined);
			return {value: undefined, summary: `${verdicts.map((verdict) => verdict.service).join(', ')} back`};
		});
		urls = await tasks.task('https', async (report) => {
			const answered = await waitForHttps({...check, ...report});
			return {value: answered, summary: answered.length > 0 ? `${answered.join(', ')} answer${answered.length === 1 ? 's' : ''}` : 'no certificate yet: nothing to check'};
		});
		after = await tasks.task('after', async () => {
			const versions = await readVersions(result.session, tool, signal);
			return {value: versions, summary: versionChanges(before, versions).join(', ')};
		});
	} catch (error) {
		return tasks.finish(error);
	}
	const code = tasks.finish();
	input.report({
		server, os, supported: true, before, after, upgraded: result.upgraded,
		...(result.rebootedFor === undefined ? {} : {rebootedFor: result.rebootedFor}),
		...(result.backAfterSeconds === undefined ? {} : {backAfterSeconds: result.backAfterSeconds}),
	});
	renderer.showMessage([
		result.upgraded.length === 0 ? `Every package on ${server} was up to date.` : `Upgraded ${plural(result.upgraded.length, 'package')} on ${server}: ${result.upgraded.join(', ')}.`,
		result.rebootedFor === undefined
			? 'No reboot: the running kernel is still the installed one.'
			: `Rebooted once for kernel ${result.rebootedFor}${result.backAfterSeconds === undefined ? '' : `: back after ${result.backAfterSeconds} s`}.`,
		...versionChanges(before, after).map((change) => `  ${change}`),
		`Every service runs${urls.length > 0 ? `, and ${urls.join(', ')} answer${urls.length === 1 ? 's' : ''} over HTTPS` : ''}.`,
	]);
	return code;
}

async function readVersions(session: RemoteSession, tool: ComposeTool, signal: AbortSignal): Promise<HostVersions> {
	return parseHostVersions((await session.run(readHostVersions(tool), {capture: true, signal})).stdout, tool);
}

/**
 * Uploads host-upgrade.sh and runs the upgrade with its reboot. A reboot an earlier run asked for and that has not
 * happened yet is waited for first: the script is on the server already (that run uploaded it), and an upload now
 * would race the reboot.
 */
async function upgradePackages(input: UpgradeInput, report: TaskReport): Promise<HostUpgradeResult> {
	const script = upgradeScript();
	const state = parseRebootState((await input.remote.run(readRebootState(), {capture: true, signal: input.signal})).stdout);
	if (!state || pendingReboot(state).kind !== 'in-progress') await input.remote.upload([script], {signal: input.signal});
	return upgradeHost({
		connect: input.connect,
		clock: input.services,
		signal: input.signal,
		row: (row) => report.detail(substepRow({id: row.id, title: row.id, state: row.state, note: row.note})),
		progress: (message) => report.progress(message),
		log: (line) => report.log(line),
		waitSeconds: input.config.ssh.waitSeconds,
	}, script.path);
}

function upgradeSummary(result: HostUpgradeResult): string {
	const packages = result.upgraded.length === 0 ? 'every package was up to date' : `upgraded ${plural(result.upgraded.length, 'package')}`;
	if (result.rebootedFor === undefined) return `${packages}; no reboot needed`;
	return `${packages}; rebooted for kernel ${result.rebootedFor}${result.backAfterSeconds === undefined ? '' : `, back after ${result.backAfterSeconds} s`}`;
}

/** A host without apk: what runs there, that nothing changed, and how its owner upgrades it instead. Exit 0: nothing failed. */
async function unsupported(input: UpgradeInput, report: UpgradeReport): Promise<number> {
	const renderer = await input.renderer();
	input.report(report);
	const apt = /debian|ubuntu/i.test(report.os);
	renderer.showMessage([
		`hoist upgrade is not supported yet on ${report.os}: hoist upgrades the packages of Alpine hosts (apk) only. Nothing was changed.`,
		`Now: ${describeVersions(report.before)}.`,
		`To upgrade this server yourself: log in with \`hoist ssh\`, upgrade with its own package manager${apt ? ' (`sudo apt-get update && sudo apt-get upgrade`)' : ''}, reboot if it asks for it, then check the stack with \`hoist status\`.`,
	]);
	return 0;
}

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
