import type {Config} from '../config/schema.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import {journalOwner} from '../engine/journal-owner.js';
import {Redactor} from '../engine/redactor.js';
import type {StackFiles} from '../engine/stack-files.js';
import {asHoistError} from '../errors.js';
import {stackState} from './commands/compose.js';
import {RemoteConnections} from '../remote/connections.js';
import {describeTarget} from '../remote/target.js';
import {parseStackState, type Health} from './stack-state.js';

export interface LiveContainer {
	service: string;
	name: string;
	state: string;
	exitCode: number;
	health?: Health;
	restarts: number;
	/** Seconds since it last started, while it runs. */
	upSeconds?: number;
	image: string;
	digest?: string;
}

export type LiveServer =
	| {reachable: true; login: string; containers: LiveContainer[]}
	| {reachable: false; login: string; reason: string};

/**
 * What runs on the server right now, read over SSH without the lock (the pinned host key only, never a new one).
 * Undefined when the journal records no deployed stack to look at.
 */
export async function readLiveServer(journal: JournalData, files: StackFiles, now = Date.now()): Promise<LiveServer | undefined> {
	const owner = journalOwner(files.journal);
	const target = stepOutputs(journal, 'target', owner);
	const bootstrap = stepOutputs(journal, 'bootstrap', owner);
	const compose = stepOutputs(journal, 'compose', owner);
	if (!target || !bootstrap || !compose || journal.destroyedAt) return undefined;
	const login = describeTarget(target);
	const connections = new RemoteConnections({knownHosts: files.knownHosts, redactor: new Redactor()});
	try {
		const session = await connections.open(target, {readyTimeoutMs: 5_000});
		const state = parseStackState(
			(await session.run(stackState({command: bootstrap.composeCommand, version: bootstrap.compose}, {stack: journal.stack, composeFile: compose.file}, {hashes: false}), {capture: true})).stdout,
		);
		const containers = state.containers
			.filter((container) => !container.oneOff)
			.map((container): LiveContainer => ({
				service: container.service,
				name: container.name,
				state: container.state,
				exitCode: container.exitCode,
				...(container.health ? {health: container.health} : {}),
				restarts: container.restarts,
				...(container.state === 'running' && container.startedAt ? {upSeconds: Math.max(0, Math.round(now / 1000 - container.startedAt))} : {}),
				image: container.image,
				...(container.digest ? {digest: container.digest} : {}),
			}))
			.sort((a, b) => a.service.localeCompare(b.service));
		return {reachable: true, login, containers};
	} catch (error) {
		return {reachable: false, login, reason: asHoistError(error).message};
	} finally {
		await connections.close();
	}
}

/** The instance's state as AWS reports it (running, stopped…), for a stack on AWS; a sentence when AWS does not answer. */
export async function readInstanceState(journal: JournalData, config: Config | undefined): Promise<string | undefined> {
	const target = stepOutputs(journal, 'target');
	if (target?.kind !== 'aws' || !config?.aws || journal.destroyedAt) return undefined;
	try {
		const [{AwsApi}, {describeInstance}, {checkAwsEnvironment}] = await Promise.all([import('../aws/api.js'), import('../aws/instances.js'), import('../aws/environment.js')]);
		// Before the SDK reads the AWS config files itself: a FIFO there would hold `hoist status` for ever.
		checkAwsEnvironment(process.env, config.aws);
		const instance = await describeInstance(new AwsApi({region: config.aws.region, profile: config.aws.profile, attempts: 2}), target.identity);
		return instance?.State?.Name ?? 'gone (AWS no longer knows it)';
	} catch (error) {
		return `unknown (${asHoistError(error).message})`;
	}
}
