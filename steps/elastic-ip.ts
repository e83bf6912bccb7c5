import {z} from 'zod';
import type {Address} from '@aws-sdk/client-ec2';
import type {AwsApi} from '../source/aws/api.js';
import {unlessAwsError} from '../source/aws/errors.js';
import {describeInstance} from '../source/aws/instances.js';
import {hasStackTag, stackFilter, tagSpecification} from '../source/aws/tags.js';
import {awsSettings} from '../source/config/schema.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {UserError} from '../source/errors.js';
import {sdk} from '../source/aws/sdk.js';

export const elasticIpOutputs = z.object({
	allocationId: z.string(),
	publicIp: z.string(),
	/** false when the address is the user's (aws.elasticIp): destroy never releases it. */
	ownedByHoist: z.boolean(),
});
export type ElasticIpOutputs = z.infer<typeof elasticIpOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'elastic-ip': ElasticIpOutputs;
	}
}

/**
 * A stable address for the A record: the auto-assigned public IP changes on every stop/start. Either the user's
 * own allocation (aws.elasticIp) or one hoist allocates and tags for the stack.
 */
export const elasticIp = defineStep({
	id: 'elastic-ip',
	outputs: elasticIpOutputs,
	needs: ['launch-instance'],
	async check(ctx) {
		const aws = ctx.services.aws();
		const wanted = awsSettings(ctx.config).elasticIp;
		const address = wanted ? await describeAllocation(aws, wanted, ctx.signal) : await currentAddress(aws, ctx.previous?.allocationId, ctx.config.stack, ctx.signal);
		if (!address || address.InstanceId !== ctx.outputs['launch-instance'].instanceId) return undefined;
		return outputs(address, awsSettings(ctx.config).elasticIp === undefined);
	},
	async run(ctx) {
		const aws = ctx.services.aws();
		const {stack} = ctx.config;
		const settings = awsSettings(ctx.config);
		const {instanceId} = ctx.outputs['launch-instance'];
		const region = await aws.region();
		const owned = settings.elasticIp === undefined;
		let address = owned
			? await currentAddress(aws, ctx.previous?.allocationId, stack, ctx.signal)
			: await describeAllocation(aws, settings.elasticIp!, ctx.signal);
		if (!owned && !address) {
			throw new UserError(`The Elastic IP allocation ${settings.elasticIp} does not exist in ${region}.`, {
				code: 'EIP_NOT_FOUND',
				nextSteps: ['Check aws.elasticIp and aws.region in hoist.yml (`aws ec2 describe-addresses` lists yours), or remove aws.elasticIp to let hoist allocate one.'],
			});
		}
		if (!address) {
			ctx.progress('allocating an Elastic IP');
			const allocated = await aws.ec2(new (await sdk()).AllocateAddressCommand({Domain: 'vpc', TagSpecifications: [tagSpecification('elastic-ip', stack)]}), {signal: ctx.signal});
			address = {AllocationId: allocated.AllocationId!, PublicIp: allocated.PublicIp!};
			ctx.log(`allocated ${address.PublicIp} (${address.AllocationId})`);
		}
		await ctx.recordResource({type: 'elastic-ip', id: address.AllocationId!, ownedByHoist: owned, region});
		if (!owned) await releaseReplaced(ctx, aws, address.AllocationId!);
		if (address.InstanceId !== instanceId) {
			await ensureFree(aws, address, stack, ctx.signal);
			ctx.progress(`attaching ${address.PublicIp} to ${instanceId}`);
			await aws.ec2(new (await sdk()).AssociateAddressCommand({AllocationId: address.AllocationId!, InstanceId: instanceId, AllowReassociation: true}), {
				signal: ctx.signal,
				retryOn: ['InvalidInstanceID.NotFound', 'InvalidAllocationID.NotFound'],
			});
		}
		return outputs(address, owned);
	},
	undoTitle: 'Detach the Elastic IP (and release it if hoist allocated it)',
	async undo(ctx) {
		const aws = ctx.services.aws();
		const {stack} = ctx.config;
		const settings = awsSettings(ctx.config);
		const tagged = await aws.ec2(new (await sdk()).DescribeAddressesCommand({Filters: [stackFilter(stack)]}), {signal: ctx.signal});
		const addresses = [...(tagged.Addresses ?? [])];
		const known = [settings.elasticIp, ctx.previous?.allocationId, ...[...ctx.resources.values()].filter((r) => r.type === 'elastic-ip').map((r) => r.id)];
		for (const allocationId of new Set(known)) {
			if (!allocationId || addresses.some((address) => address.AllocationId === allocationId)) continue;
			const address = await describeAllocation(aws, allocationId, ctx.signal);
			if (address) addresses.push(address);
			// Already released (a destroy cut short): nothing left to do but forget it.
			else await ctx.forgetResource('elastic-ip', allocationId);
		}
		for (const address of addresses) {
			const ours = hasStackTag(address.Tags, stack);
			if (address.AssociationId && (ours || (await instanceOfStack(aws, address.InstanceId, stack, ctx.signal)))) {
				ctx.progress(`detaching ${address.PublicIp}`);
				await unlessAwsError(aws.ec2(new (await sdk()).DisassociateAddressCommand({AssociationId: address.AssociationId}), {signal: ctx.signal}), 'InvalidAssociationID.NotFound');
			}
			if (ours) {
				ctx.progress(`releasing ${address.PublicIp}`);
				await unlessAwsError(aws.ec2(new (await sdk()).ReleaseAddressCommand({AllocationId: address.AllocationId!}), {signal: ctx.signal}), 'InvalidAllocationID.NotFound');
			} else {
				ctx.log(`kept ${address.PublicIp} (${address.AllocationId}): it is yours, not hoist's`);
			}
			await ctx.forgetResource('elastic-ip', address.AllocationId!);
		}
	},
	summary: (out) => `${out.publicIp}${out.ownedByHoist ? '' : ' (your Elastic IP)'}`,
});

/** After switching to the user's own address, the one hoist allocated earlier would only cost money: release it. */
async function releaseReplaced(ctx: StepContext<'elastic-ip', 'launch-instance'>, aws: AwsApi, keep: string): Promise<void> {
	const tagged = await aws.ec2(new (await sdk()).DescribeAddressesCommand({Filters: [stackFilter(ctx.config.stack)]}), {signal: ctx.signal});
	for (const old of tagged.Addresses ?? []) {
		if (old.AllocationId === keep) continue;
		ctx.log(`releasing ${old.PublicIp}, which hoist allocated before aws.elasticIp was set`);
		if (old.AssociationId) {
			await unlessAwsError(aws.ec2(new (await sdk()).DisassociateAddressCommand({AssociationId: old.AssociationId}), {signal: ctx.signal}), 'InvalidAssociationID.NotFound');
		}
		await unlessAwsError(aws.ec2(new (await sdk()).ReleaseAddressCommand({AllocationId: old.AllocationId!}), {signal: ctx.signal}), 'InvalidAllocationID.NotFound');
		await ctx.forgetResource('elastic-ip', old.AllocationId!);
	}
}

function outputs(address: Address, ownedByHoist: boolean): ElasticIpOutputs {
	return {allocationId: address.AllocationId!, publicIp: address.PublicIp!, ownedByHoist};
}

/** The named allocation, or the one tagged for the stack. */
async function currentAddress(aws: AwsApi, allocationId: string | undefined, stack: string, signal: AbortSignal): Promise<Address | undefined> {
	if (allocationId) {
		const address = await describeAllocation(aws, allocationId, signal);
		if (address) return address;
	}
	const tagged = await aws.ec2(new (await sdk()).DescribeAddressesCommand({Filters: [stackFilter(stack)]}), {signal});
	return tagged.Addresses?.[0];
}

async function describeAllocation(aws: AwsApi, allocationId: string, signal: AbortSignal): Promise<Address | undefined> {
	const result = await unlessAwsError(aws.ec2(new (await sdk()).DescribeAddressesCommand({AllocationIds: [allocationId]}), {signal}), 'InvalidAllocationID.NotFound');
	return result?.Addresses?.[0];
}

/** An address attached to someone else's running instance is not ours to move. */
async function ensureFree(aws: AwsApi, address: Address, stack: string, signal: AbortSignal): Promise<void> {
	if (!address.InstanceId) return;
	if (await instanceOfStack(aws, address.InstanceId, stack, signal)) return;
	const other = await describeInstance(aws, address.InstanceId, signal);
	if (!other || ['terminated', 'shutting-down'].includes(other.State?.Name ?? '')) return;
	throw new UserError(`The Elastic IP ${address.PublicIp} is attached to ${address.InstanceId}, which is not part of this stack.`, {
		code: 'EIP_IN_USE',
		hint: 'Moving it would take the address away from that server.',
		nextSteps: ['Use another allocation in aws.elasticIp, or remove aws.elasticIp to let hoist allocate one.'],
	});
}

async function instanceOfStack(aws: AwsApi, instanceId: string | undefined, stack: string, signal: AbortSignal): Promise<boolean> {
	if (!instanceId) return false;
	const instance = await describeInstance(aws, instanceId, signal);
	return hasStackTag(instance?.Tags, stack);
}
