import {
	DescribeAddressesCommand,
	DescribeInstancesCommand,
	DescribeKeyPairsCommand,
	DescribeSecurityGroupsCommand,
	EC2Client,
} from '@aws-sdk/client-ec2';
import type {SandboxEnv} from '../sandbox/sandbox.js';

export interface StackInventory {
	/** Instances tagged for the stack that are not terminated, with their state. */
	instances: Array<{id: string; state: string; imageId: string; instanceType: string; publicIp?: string; keyName?: string; tags: Record<string, string>}>;
	securityGroups: Array<{id: string; name: string; rules: number}>;
	keyPairs: string[];
	/** Addresses tagged for the stack, plus the sandbox's own allocation. */
	addresses: Array<{allocationId: string; publicIp: string; instanceId?: string; tagged: boolean}>;
	/** Everything tagged hoist:stack=<stack> that still exists (terminated instances excluded). */
	taggedCount: number;
}

export function ec2For(sandbox: SandboxEnv): EC2Client {
	return new EC2Client({
		region: sandbox.AWS_REGION,
		endpoint: sandbox.AWS_ENDPOINT_URL_EC2,
		credentials: {accessKeyId: sandbox.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.AWS_SECRET_ACCESS_KEY},
		maxAttempts: 1,
	});
}

const tagsOf = (tags: Array<{Key?: string; Value?: string}> | undefined) => Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));

/** What the emulator holds for a stack, read with the SDK directly (not through hoist). */
export async function inventory(sandbox: SandboxEnv, stack: string): Promise<StackInventory> {
	const ec2 = ec2For(sandbox);
	const filter = [{Name: 'tag:hoist:stack', Values: [stack]}];
	const reservations = (await ec2.send(new DescribeInstancesCommand({Filters: filter}))).Reservations ?? [];
	const instances = reservations
		.flatMap((reservation) => reservation.Instances ?? [])
		.filter((instance) => !['terminated', 'shutting-down'].includes(instance.State?.Name ?? ''))
		.map((instance) => ({
			id: instance.InstanceId!,
			state: instance.State?.Name ?? '',
			imageId: instance.ImageId ?? '',
			instanceType: instance.InstanceType ?? '',
			...(instance.PublicIpAddress ? {publicIp: instance.PublicIpAddress} : {}),
			...(instance.KeyName ? {keyName: instance.KeyName} : {}),
			tags: tagsOf(instance.Tags),
		}));
	const groups = (await ec2.send(new DescribeSecurityGroupsCommand({Filters: filter}))).SecurityGroups ?? [];
	const keys = (await ec2.send(new DescribeKeyPairsCommand({Filters: filter}))).KeyPairs ?? [];
	const tagged = (await ec2.send(new DescribeAddressesCommand({Filters: filter}))).Addresses ?? [];
	const sandboxAddress = (await ec2.send(new DescribeAddressesCommand({AllocationIds: [sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID]}))).Addresses ?? [];
	const addresses = [...tagged, ...sandboxAddress.filter((address) => !tagged.some((other) => other.AllocationId === address.AllocationId))].map((address) => ({
		allocationId: address.AllocationId!,
		publicIp: address.PublicIp!,
		...(address.InstanceId ? {instanceId: address.InstanceId} : {}),
		tagged: tagged.some((other) => other.AllocationId === address.AllocationId),
	}));
	return {
		instances,
		securityGroups: groups.map((group) => ({id: group.GroupId!, name: group.GroupName!, rules: (group.IpPermissions ?? []).reduce((sum, p) => sum + (p.IpRanges?.length ?? 0) + (p.Ipv6Ranges?.length ?? 0), 0)})),
		keyPairs: keys.map((key) => key.KeyName!),
		addresses,
		taggedCount: instances.length + groups.length + keys.length + tagged.length,
	};
}
