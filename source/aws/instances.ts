import type {Instance, InstanceStateName} from '@aws-sdk/client-ec2';
import type {AwsApi} from './api.js';
import {unlessAwsError} from './errors.js';
import {stackFilter} from './tags.js';
import {sdk} from './sdk.js';

/** States of an instance that still exists for the user (and still costs money). */
export const liveStates: InstanceStateName[] = ['pending', 'running', 'stopping', 'stopped'];

/** The stack's instances that are not terminated or terminating, found by tag. */
export async function findStackInstances(aws: AwsApi, stack: string, signal?: AbortSignal): Promise<Instance[]> {
	const instances: Instance[] = [];
	let NextToken: string | undefined;
	do {
		const page = await aws.ec2(
			new (await sdk()).DescribeInstancesCommand({
				Filters: [stackFilter(stack), {Name: 'instance-state-name', Values: liveStates}],
				...(NextToken ? {NextToken} : {}),
			}),
			{signal},
		);
		for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
		NextToken = page.NextToken;
	} while (NextToken);
	return instances;
}

/** One instance by id, or undefined when AWS no longer knows it. */
export async function describeInstance(aws: AwsApi, instanceId: string, signal?: AbortSignal): Promise<Instance | undefined> {
	const result = await unlessAwsError(
		aws.ec2(new (await sdk()).DescribeInstancesCommand({InstanceIds: [instanceId]}), {signal}),
		'InvalidInstanceID.NotFound',
		'InvalidInstanceID.Malformed',
	);
	return result?.Reservations?.[0]?.Instances?.[0];
}
