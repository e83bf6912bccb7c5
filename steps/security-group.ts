import {isIPv6} from 'node:net';
import {z} from 'zod';
import type {IpPermission, SecurityGroup} from '@aws-sdk/client-ec2';
import type {AwsApi} from '../source/aws/api.js';
import {isAwsError, unlessAwsError} from '../source/aws/errors.js';
import {hasStackTag, resourceName, stackFilter, tagSpecification} from '../source/aws/tags.js';
import {poll} from '../source/engine/poll.js';
import {awsSettings} from '../source/config/schema.js';
import {defineStep, type AnyStepContext, type AnyUndoContext} from '../source/engine/step.js';
import {UserError, nextCommand} from '../source/errors.js';
import {sdk} from '../source/aws/sdk.js';

export const securityGroupOutputs = z.object({
	groupId: z.string(),
	vpcId: z.string(),
});
export type SecurityGroupOutputs = z.infer<typeof securityGroupOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'security-group': SecurityGroupOutputs;
	}
}

/** One wanted ingress rule: a protocol, a port and one address range. */
export interface Rule {
	protocol: 'tcp' | 'udp';
	port: number;
	cidr: string;
	/** What AWS shows next to the range; hoist's own rules say "(hoist)". */
	description?: string;
}

const sshDescription = 'SSH (hoist)';

/** AWS lists IPv6 ranges in RFC 5952 form (lowercase, zeros compressed): compare in that form. */
export function canonicalCidr(cidr: string): string {
	const [address = '', prefix] = cidr.split('/');
	if (!isIPv6(address)) return cidr;
	return `${new URL(`http://[${address}]`).hostname.slice(1, -1)}/${prefix}`;
}

const everyone = ['0.0.0.0/0', '::/0'];

/** SSH from the configured range only; HTTP, HTTPS and HTTP/3 (UDP 443) from anywhere, IPv4 and IPv6. */
export function wantedRules(sshCidr: string): Rule[] {
	return [
		{protocol: 'tcp', port: 22, cidr: canonicalCidr(sshCidr)},
		...everyone.flatMap((cidr): Rule[] => [
			{protocol: 'tcp', port: 80, cidr},
			{protocol: 'tcp', port: 443, cidr},
			{protocol: 'udp', port: 443, cidr},
		]),
	];
}

/** The rules a group has, flattened to one range each. */
export function existingRules(permissions: IpPermission[] | undefined): Rule[] {
	return (permissions ?? []).flatMap((permission) => {
		const protocol = permission.IpProtocol;
		if ((protocol !== 'tcp' && protocol !== 'udp') || permission.FromPort !== permission.ToPort || permission.FromPort === undefined) return [];
		const port = permission.FromPort;
		const ranges = [
			...(permission.IpRanges ?? []).map((range) => ({cidr: range.CidrIp, description: range.Description})),
			...(permission.Ipv6Ranges ?? []).map((range) => ({cidr: range.CidrIpv6, description: range.Description})),
		];
		return ranges.flatMap(({cidr, description}): Rule[] =>
			cidr === undefined ? [] : [{protocol, port, cidr: canonicalCidr(cidr), ...(description ? {description} : {})}],
		);
	});
}

const sameRule = (a: Rule, b: Rule) => a.protocol === b.protocol && a.port === b.port && a.cidr === b.cidr;

/**
 * What to add, and which of hoist's own SSH rules to take away because the SSH range changed. Rules without
 * hoist's description are the user's, even on port 22, and stay.
 */
export function ruleChanges(existing: Rule[], sshCidr: string): {add: Rule[]; remove: Rule[]} {
	const wanted = wantedRules(sshCidr);
	const ssh = canonicalCidr(sshCidr);
	return {
		add: wanted.filter((rule) => !existing.some((other) => sameRule(rule, other))),
		remove: existing.filter((rule) => rule.protocol === 'tcp' && rule.port === 22 && rule.cidr !== ssh && rule.description === sshDescription),
	};
}

export function toPermissions(rules: Rule[]): IpPermission[] {
	return rules.map((rule) => ({
		IpProtocol: rule.protocol,
		FromPort: rule.port,
		ToPort: rule.port,
		...(isIPv6(rule.cidr.split('/')[0] ?? '')
			? {Ipv6Ranges: [{CidrIpv6: rule.cidr, Description: describe(rule)}]}
			: {IpRanges: [{CidrIp: rule.cidr, Description: describe(rule)}]}),
	}));
}

function describe(rule: Rule): string {
	return rule.port === 22 ? sshDescription : rule.protocol === 'udp' ? 'HTTP/3 (hoist)' : `${rule.port === 80 ? 'HTTP' : 'HTTPS'} (hoist)`;
}

/**
 * The stack's own security group hoist-<stack>. Re-running adds only missing rules (a Duplicate answer counts as
 * success) and moves its SSH rule when aws.sshCidr changed; rules the user added by hand are left alone.
 */
export const securityGroup = defineStep({
	id: 'security-group',
	outputs: securityGroupOutputs,
	needs: [],
	async check(ctx) {
		const aws = ctx.services.aws();
		const vpcId = await findVpc(aws, awsSettings(ctx.config).subnet, ctx.signal);
		const group = await findGroup(aws, ctx.config.stack, vpcId, ctx.signal);
		if (!group?.GroupId) return undefined;
		const changes = ruleChanges(existingRules(group.IpPermissions), awsSettings(ctx.config).sshCidr);
		return changes.add.length === 0 && changes.remove.length === 0 ? {groupId: group.GroupId, vpcId} : undefined;
	},
	async run(ctx) {
		const aws = ctx.services.aws();
		const {stack} = ctx.config;
		const settings = awsSettings(ctx.config);
		const {signal} = ctx;
		const vpcId = await findVpc(aws, settings.subnet, signal);
		let group = await findGroup(aws, stack, vpcId, signal);
		if (!group) {
			ctx.progress(`creating security group ${resourceName(stack)} in ${vpcId}`);
			await unlessAwsError(
				aws.ec2(
					new (await sdk()).CreateSecurityGroupCommand({
						GroupName: resourceName(stack),
						Description: `hoist stack ${stack}: SSH, HTTP, HTTPS`,
						VpcId: vpcId,
						TagSpecifications: [tagSpecification('security-group', stack)],
					}),
					{signal},
				),
				'InvalidGroup.Duplicate',
			);
			group = await waitUntilListed(aws, stack, vpcId, ctx);
		}
		const groupId = group.GroupId!;
		await ctx.recordResource({type: 'security-group', id: groupId, ownedByHoist: true, region: await aws.region()});

		const {add, remove} = ruleChanges(existingRules(group?.IpPermissions), settings.sshCidr);
		if (remove.length > 0) {
			ctx.log(`SSH range changed: removing ${remove.map((rule) => rule.cidr).join(', ')}`);
			await unlessAwsError(
				aws.ec2(new (await sdk()).RevokeSecurityGroupIngressCommand({GroupId: groupId, IpPermissions: toPermissions(remove)}), {signal}),
				'InvalidPermission.NotFound',
			);
		}
		if (add.length > 0) {
			ctx.progress(`opening ${add.map((rule) => `${rule.protocol}/${rule.port} from ${rule.cidr}`).join(', ')}`);
			await authorize(aws, groupId, add, signal);
		}
		return {groupId, vpcId};
	},
	undoTitle: 'Delete the security group',
	async undo(ctx) {
		const aws = ctx.services.aws();
		const groups = await stackGroups(aws, ctx.config.stack, ctx.signal);
		const ids = new Set(groups.map((group) => group.GroupId!).concat(ctx.previous?.groupId ?? []));
		for (const groupId of ids) {
			await deleteGroup(aws, groupId, ctx);
			await ctx.forgetResource('security-group', groupId);
		}
	},
	summary: (out) => `${out.groupId} in ${out.vpcId}`,
});

async function authorize(aws: AwsApi, groupId: string, rules: Rule[], signal: AbortSignal): Promise<void> {
	try {
		// Right after creation the group may not be visible yet.
		await aws.ec2(new (await sdk()).AuthorizeSecurityGroupIngressCommand({GroupId: groupId, IpPermissions: toPermissions(rules)}), {signal, retryOn: ['InvalidGroup.NotFound']});
	} catch (error) {
		// One rule already there fails the whole call; then add them one by one, counting Duplicate as done.
		if (!isAwsError(error, 'InvalidPermission.Duplicate')) throw error;
		for (const rule of rules) {
			await unlessAwsError(
				aws.ec2(new (await sdk()).AuthorizeSecurityGroupIngressCommand({GroupId: groupId, IpPermissions: toPermissions([rule])}), {signal}),
				'InvalidPermission.Duplicate',
			);
		}
	}
}

/** Right after creation AWS may not list the group yet. */
async function waitUntilListed(aws: AwsApi, stack: string, vpcId: string, ctx: Pick<AnyStepContext, 'signal' | 'services'>): Promise<SecurityGroup> {
	return poll({
		attempt: async () => {
			const group = await findGroup(aws, stack, vpcId, ctx.signal);
			return group?.GroupId ? {done: true, value: group} : {done: false, status: 'not listed yet'};
		},
		interval: (attempt) => 500 * attempt,
		maxAttempts: 6,
		clock: ctx.services,
		signal: ctx.signal,
		giveUp: () =>
			new UserError(`The security group ${resourceName(stack)} did not appear after it was created.`, {code: 'SG_MISSING', nextSteps: [nextCommand('hoist up', 'Run {command} again.')]}),
	});
}

/** AWS refuses to delete a group while an instance (even a terminating one) uses it: wait that out. */
async function deleteGroup(aws: AwsApi, groupId: string, ctx: Pick<AnyUndoContext, 'signal' | 'progress' | 'services'>): Promise<void> {
	await poll({
		attempt: async () => {
			try {
				await unlessAwsError(aws.ec2(new (await sdk()).DeleteSecurityGroupCommand({GroupId: groupId}), {signal: ctx.signal}), 'InvalidGroup.NotFound');
				return {done: true, value: undefined};
			} catch (error) {
				if (!isAwsError(error, 'DependencyViolation')) throw error;
				return {done: false, status: 'in use', error};
			}
		},
		interval: 5_000,
		timeoutMs: 10 * 60_000,
		clock: ctx.services,
		signal: ctx.signal,
		onWait: () => ctx.progress(`${groupId} is still in use by a shutting-down instance; waiting`),
		giveUp: (last) => last.error as Error,
	});
}

async function findVpc(aws: AwsApi, subnet: string | undefined, signal: AbortSignal): Promise<string> {
	if (subnet) {
		const result = await unlessAwsError(aws.ec2(new (await sdk()).DescribeSubnetsCommand({SubnetIds: [subnet]}), {signal}), 'InvalidSubnetID.NotFound');
		const vpcId = result?.Subnets?.[0]?.VpcId;
		if (!vpcId) {
			throw new UserError(`The subnet ${subnet} does not exist in this region.`, {code: 'AWS_NO_SUBNET', nextSteps: ['Check aws.subnet and aws.region in hoist.yml.']});
		}
		return vpcId;
	}
	const result = await aws.ec2(new (await sdk()).DescribeVpcsCommand({Filters: [{Name: 'is-default', Values: ['true']}]}), {signal});
	const vpcId = result.Vpcs?.[0]?.VpcId;
	if (!vpcId) {
		throw new UserError('This region has no default VPC, so hoist does not know where to put the server.', {
			code: 'AWS_NO_DEFAULT_VPC',
			hint: 'A public subnet (one with a route to an internet gateway) works.',
			nextSteps: ['Set aws.subnet: subnet-… in hoist.yml to a public subnet, or create a default VPC (`aws ec2 create-default-vpc`).'],
		});
	}
	return vpcId;
}

async function findGroup(aws: AwsApi, stack: string, vpcId: string, signal: AbortSignal): Promise<SecurityGroup | undefined> {
	const result = await aws.ec2(
		new (await sdk()).DescribeSecurityGroupsCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}, {Name: 'group-name', Values: [resourceName(stack)]}]}),
		{signal},
	);
	const group = result.SecurityGroups?.[0];
	if (group && !hasStackTag(group.Tags, stack)) {
		throw new UserError(`A security group named ${resourceName(stack)} already exists in ${vpcId}, and hoist did not create it.`, {
			code: 'SG_TAKEN',
			hint: 'hoist only changes groups it created, so your own rules are never touched.',
			nextSteps: [`Rename or delete that group, or choose another stack name.`],
		});
	}
	return group;
}

async function stackGroups(aws: AwsApi, stack: string, signal: AbortSignal): Promise<SecurityGroup[]> {
	const result = await aws.ec2(new (await sdk()).DescribeSecurityGroupsCommand({Filters: [stackFilter(stack)]}), {signal});
	return result.SecurityGroups ?? [];
}
