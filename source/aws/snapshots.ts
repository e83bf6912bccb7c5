import type {Instance, Snapshot} from '@aws-sdk/client-ec2';
import {poll, type Clock} from '../engine/poll.js';
import {ExternalError, UserError, nextCommand} from '../errors.js';
import type {AwsApi} from './api.js';
import {stackFilter, stackTags} from './tags.js';
import {sdk} from './sdk.js';

/** The tag that says which instance's disk a snapshot holds: a repeated destroy adopts it instead of taking another. */
export const snapshotInstanceTag = 'hoist:instance';

/** A large first snapshot takes a while; this bounds the wait, with progress all along. */
const snapshotWaitMs = 60 * 60_000;

export interface SnapshotContext {
	stack: string;
	signal: AbortSignal;
	clock: Clock;
	progress(message: string): void;
	log(line: string): void;
}

/** The EBS volume the instance boots from. */
export function rootVolumeOf(instance: Instance): string | undefined {
	return instance.BlockDeviceMappings?.find((mapping) => mapping.DeviceName === instance.RootDeviceName)?.Ebs?.VolumeId;
}

/**
 * `hoist destroy --snapshot`: an EBS snapshot of the instance's root volume, tagged for the stack and with the
 * instance's id, kept after destroy (hoist never deletes it). Waits until it is complete, so the instance is
 * terminated only once the copy is whole. One that exists already for this volume (a destroy that was stopped)
 * is adopted.
 */
export async function snapshotRootVolume(aws: AwsApi, instance: Instance, ctx: SnapshotContext): Promise<Snapshot> {
	const instanceId = instance.InstanceId ?? '';
	const volumeId = rootVolumeOf(instance);
	if (!volumeId) {
		throw new UserError(`The instance ${instanceId} has no EBS root volume to snapshot.`, {
			code: 'SNAPSHOT_NO_VOLUME',
			nextSteps: [nextCommand('hoist destroy', 'Run {command} without --snapshot, or copy what you need off the server first (`hoist ssh`).')],
		});
	}
	const found = await aws.ec2(
		new (await sdk()).DescribeSnapshotsCommand({OwnerIds: ['self'], Filters: [stackFilter(ctx.stack), {Name: 'volume-id', Values: [volumeId]}, {Name: `tag:${snapshotInstanceTag}`, Values: [instanceId]}]}),
		{signal: ctx.signal},
	);
	let snapshot = found.Snapshots?.find((candidate) => candidate.State !== 'error');
	if (snapshot) {
		ctx.log(`adopting ${snapshot.SnapshotId}, already taken of ${volumeId}`);
	} else {
		ctx.progress(`taking a snapshot of ${volumeId}`);
		snapshot = await aws.ec2(
			new (await sdk()).CreateSnapshotCommand({
				VolumeId: volumeId,
				Description: `hoist ${ctx.stack}: the root volume of ${instanceId}, kept by hoist destroy --snapshot`,
				TagSpecifications: [{ResourceType: 'snapshot', Tags: [...stackTags(ctx.stack), {Key: snapshotInstanceTag, Value: instanceId}]}],
			}),
			{signal: ctx.signal},
		);
	}
	return waitForSnapshot(aws, snapshot.SnapshotId!, ctx);
}

function waitForSnapshot(aws: AwsApi, snapshotId: string, ctx: SnapshotContext): Promise<Snapshot> {
	return poll({
		attempt: async () => {
			const snapshot = (await aws.ec2(new (await sdk()).DescribeSnapshotsCommand({SnapshotIds: [snapshotId]}), {signal: ctx.signal, retryOn: ['InvalidSnapshot.NotFound']})).Snapshots?.[0];
			if (snapshot?.State === 'completed') return {done: true, value: snapshot};
			if (snapshot?.State === 'error') {
				throw new ExternalError(`The snapshot ${snapshotId} failed (${snapshot.StateMessage ?? 'no reason given'}).`, {
					code: 'SNAPSHOT_FAILED',
					command: 'ec2 CreateSnapshot',
					nextSteps: [nextCommand('hoist destroy --snapshot', 'Run {command} again: it takes a new one; the instance was not terminated.')],
				});
			}
			return {done: false, status: `${snapshot?.State ?? 'not visible yet'}${snapshot?.Progress ? ` ${snapshot.Progress}` : ''}`};
		},
		interval: (attempt) => Math.min(2_000 * attempt, 15_000),
		timeoutMs: snapshotWaitMs,
		clock: ctx.clock,
		signal: ctx.signal,
		onWait: ({status, waitedMs}) => ctx.progress(`snapshot ${snapshotId}: ${status} (${Math.round(waitedMs / 1000)}s)`),
		giveUp: ({status}) =>
			new UserError(`The snapshot ${snapshotId} is still ${status} after ${snapshotWaitMs / 60_000} minutes.`, {
				code: 'SNAPSHOT_WAIT_TIMEOUT',
				hint: 'The instance was not terminated: hoist terminates it only once its copy is complete.',
				nextSteps: [nextCommand('hoist destroy --snapshot', 'Run {command} again later: it waits for the same snapshot.')],
			}),
	});
}
