import {createHash} from 'node:crypto';
import {z} from 'zod';
import type {_InstanceType, Instance} from '@aws-sdk/client-ec2';
import type {AwsApi} from '../source/aws/api.js';
import {isAwsError} from '../source/aws/errors.js';
import {describeInstance, findStackInstances} from '../source/aws/instances.js';
import {snapshotRootVolume} from '../source/aws/snapshots.js';
import {tagSpecification} from '../source/aws/tags.js';
import {poll} from '../source/engine/poll.js';
import {awsSettings} from '../source/config/schema.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {UserError, nextCommand} from '../source/errors.js';
import {sdk} from '../source/aws/sdk.js';

export const launchInstanceOutputs = z.object({
	instanceId: z.string(),
	availabilityZone: z.string(),
	privateIp: z.string(),
});
export type LaunchInstanceOutputs = z.infer<typeof launchInstanceOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'launch-instance': LaunchInstanceOutputs;
	}
}

const waitLimitMs = 10 * 60_000;

/**
 * RunInstances' idempotency token: the same run asks for the same instance, however often it is retried.
 * A digest keeps every round distinct within AWS's 64 characters, whatever the stack name's length.
 */
export function clientToken(stack: string, runId: string, round: number): string {
	return `hoist-${createHash('sha256').update(`${stack}/${runId}`).digest('hex').slice(0, 40)}-r${round}`;
}

type LaunchContext = StepContext<'launch-instance', 'preflight' | 'ami' | 'key-pair' | 'security-group'>;

/**
 * One instance per stack. Before launching it adopts an instance already tagged for the stack (a lost journal,
 * a crash after RunInstances); the launch itself carries a ClientToken derived from the run, so a retried call
 * returns the same instance instead of a second one.
 */
export const launchInstance = defineStep({
	id: 'launch-instance',
	outputs: launchInstanceOutputs,
	needs: ['preflight', 'ami', 'key-pair', 'security-group'],
	async check(ctx) {
		const aws = ctx.services.aws();
		const instance = await existingInstance(ctx, aws);
		return instance?.State?.Name === 'running' ? outputs(instance) : undefined;
	},
	async run(ctx) {
		const aws = ctx.services.aws();
		let instance = await existingInstance(ctx, aws);
		if (instance) {
			ctx.log(`adopting ${instance.InstanceId}, already tagged for this stack (${instance.State?.Name})`);
		} else {
			instance = await launch(ctx, aws);
		}
		await ctx.recordResource({type: 'instance', id: instance.InstanceId!, ownedByHoist: true, region: ctx.outputs.preflight.region});
		const running = await waitForRunning(ctx, aws, instance.InstanceId!);
		return outputs(running);
	},
	undoTitle: 'Terminate the instance',
	async undo(ctx) {
		const aws = ctx.services.aws();
		const found = await findStackInstances(aws, ctx.config.stack, ctx.signal);
		const ids = new Set(found.map((instance) => instance.InstanceId!));
		if (ctx.previous?.instanceId) ids.add(ctx.previous.instanceId);
		for (const resource of ctx.resources.values()) if (resource.type === 'instance') ids.add(resource.id);
		for (const instanceId of ids) {
			const instance = await describeInstance(aws, instanceId, ctx.signal);
			if (instance && ctx.destroy.snapshot && ['running', 'stopping', 'stopped'].includes(instance.State?.Name ?? '')) {
				const {stack} = ctx.config;
				const snapshot = await snapshotRootVolume(aws, instance, {stack, signal: ctx.signal, clock: ctx.services, progress: ctx.progress, log: ctx.log});
				// Not hoist's to delete: destroy leaves it, status lists it.
				await ctx.recordResource({type: 'snapshot', id: snapshot.SnapshotId!, ownedByHoist: false, region: ctx.resources.get(`instance:${instanceId}`)?.region});
				ctx.log(`kept the snapshot ${snapshot.SnapshotId} of ${instanceId}'s root volume (${snapshot.VolumeSize ?? '?'} GiB)`);
			}
			if (instance && instance.State?.Name !== 'terminated') {
				ctx.progress(`terminating ${instanceId}`);
				await aws.ec2(new (await sdk()).TerminateInstancesCommand({InstanceIds: [instanceId]}), {signal: ctx.signal});
				await waitForState(ctx, aws, instanceId, ['terminated'], 'to terminate');
			}
			await ctx.forgetResource('instance', instanceId);
		}
	},
	summary: (out) => `${out.instanceId} in ${out.availabilityZone}`,
});

async function existingInstance(ctx: LaunchContext, aws: AwsApi): Promise<Instance | undefined> {
	const found = await findStackInstances(aws, ctx.config.stack, ctx.signal);
	if (found.length > 1) {
		throw new UserError(`${found.length} instances are tagged for stack ${ctx.config.stack}: ${found.map((instance) => instance.InstanceId).join(', ')}.`, {
			code: 'INSTANCE_AMBIGUOUS',
			hint: 'hoist runs one server per stack and will not guess which one is meant.',
			nextSteps: [nextCommand('hoist up', 'Terminate the ones you do not want (or remove their hoist:stack tag), then run {command} again.')],
		});
	}
	if (found[0]) return found[0];
	// Tags can lag right after a launch: the recorded id is the other witness.
	const recorded = ctx.previous?.instanceId;
	const instance = recorded ? await describeInstance(aws, recorded, ctx.signal) : undefined;
	return instance && ['pending', 'running', 'stopping', 'stopped'].includes(instance.State?.Name ?? '') ? instance : undefined;
}

async function launch(ctx: LaunchContext, aws: AwsApi): Promise<Instance> {
	const {ami, preflight} = ctx.outputs;
	const {stack} = ctx.config;
	const settings = awsSettings(ctx.config);
	ctx.progress(`launching ${preflight.instanceType} from ${ami.imageId}`);
	// A token already used by an instance that has since been terminated returns that dead instance: move on.
	for (let round = 1; round <= 5; round++) {
		let result;
		try {
			result = await aws.ec2(
				new (await sdk()).RunInstancesCommand({
					ClientToken: clientToken(stack, ctx.runId, round),
					ImageId: ami.imageId,
					InstanceType: preflight.instanceType as _InstanceType,
					MinCount: 1,
					MaxCount: 1,
					KeyName: ctx.outputs['key-pair'].keyName,
					SecurityGroupIds: [ctx.outputs['security-group'].groupId],
					...(settings.subnet ? {SubnetId: settings.subnet} : {}),
					// Hop limit 1: tiny-cloud on the host reads the metadata (its keys, user data); containers, one hop
					// further behind Podman's bridge, have no business with it, and no instance role is attached.
					MetadataOptions: {HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1},
					BlockDeviceMappings: [
						{DeviceName: ami.rootDeviceName, Ebs: {VolumeSize: settings.volumeGiB, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true}},
					],
					TagSpecifications: [tagSpecification('instance', stack), tagSpecification('volume', stack)],
				}),
				{signal: ctx.signal},
			);
		} catch (error) {
			if (isAwsError(error, 'IdempotentParameterMismatch')) {
				throw new UserError('AWS already launched an instance for this run with different settings.', {
					code: 'INSTANCE_SETTINGS_CHANGED',
					hint: 'hoist.yml changed (instance type, image or disk) after a launch that did not finish.',
					nextSteps: [nextCommand('hoist up', 'Run {command} again in a minute (the instance will then be found by its tag), or `hoist destroy` and start again.')],
				});
			}
			throw error;
		}
		const instance = result.Instances?.[0];
		if (!instance?.InstanceId) throw new UserError('AWS accepted the launch but returned no instance.', {code: 'INSTANCE_MISSING', nextSteps: [nextCommand('hoist up', 'Run {command} again.')]});
		if (!['shutting-down', 'terminated'].includes(instance.State?.Name ?? '')) {
			ctx.log(`launched ${instance.InstanceId}`);
			return instance;
		}
	}
	throw new UserError('Every launch attempt of this run returned a terminated instance.', {
		code: 'INSTANCE_TERMINATED',
		nextSteps: [nextCommand('hoist up --restart', 'Run {command} to launch under a new run.')],
	});
}

async function waitForRunning(ctx: LaunchContext, aws: AwsApi, instanceId: string): Promise<Instance> {
	let instance = await waitForState(ctx, aws, instanceId, ['running', 'stopped', 'terminated'], 'to start');
	if (instance.State?.Name === 'stopped') {
		ctx.progress(`starting the stopped instance ${instanceId}`);
		await aws.ec2(new (await sdk()).StartInstancesCommand({InstanceIds: [instanceId]}), {signal: ctx.signal});
		instance = await waitForState(ctx, aws, instanceId, ['running', 'terminated'], 'to start');
	}
	if (instance.State?.Name !== 'running') {
		throw new UserError(`The instance ${instanceId} stopped on its own (${instance.StateReason?.Message ?? instance.State?.Name}).`, {
			code: 'INSTANCE_DIED',
			hint: 'Common causes: no capacity for this type in the zone, or an account limit.',
			nextSteps: [nextCommand('hoist up', 'Run {command} again to launch a new one, or try another instance type.')],
		});
	}
	return instance;
}

/** Polls until the instance reaches one of the states, with visible progress and a bounded wait. */
function waitForState(
	ctx: Pick<LaunchContext, 'signal' | 'progress' | 'services'>,
	aws: AwsApi,
	instanceId: string,
	states: string[],
	purpose: string,
): Promise<Instance> {
	return poll({
		attempt: async () => {
			// Just after RunInstances the id may not be visible yet: eventual consistency.
			const instance = await describeInstance(aws, instanceId, ctx.signal);
			const state = instance?.State?.Name ?? 'not visible yet';
			return instance && states.includes(state) ? {done: true, value: instance} : {done: false, status: state};
		},
		interval: (attempt) => Math.min(1_000 + attempt * 1_000, 5_000),
		timeoutMs: waitLimitMs,
		clock: ctx.services,
		signal: ctx.signal,
		onWait: ({status, waitedMs}) => ctx.progress(`waiting for ${instanceId} ${purpose}: ${status} (${Math.round(waitedMs / 1000)}s)`),
		giveUp: ({status}) =>
			new UserError(`The instance ${instanceId} is still ${status} after ${waitLimitMs / 60_000} minutes of waiting for it ${purpose}.`, {
				code: 'INSTANCE_WAIT_TIMEOUT',
				nextSteps: [nextCommand('hoist up', 'Look at the instance in the EC2 console, then run {command} again: it picks the instance up where it is.')],
			}),
	});
}

function outputs(instance: Instance): LaunchInstanceOutputs {
	return {
		instanceId: instance.InstanceId!,
		availabilityZone: instance.Placement?.AvailabilityZone ?? '',
		privateIp: instance.PrivateIpAddress ?? '',
	};
}
