import {z} from 'zod';
import {awsSettings} from '../source/config/schema.js';
import {defineStep} from '../source/engine/step.js';
import {UserError, nextCommand} from '../source/errors.js';
import {sdk} from '../source/aws/sdk.js';

export const preflightOutputs = z.object({
	accountId: z.string(),
	callerArn: z.string(),
	region: z.string(),
	instanceType: z.string(),
	/** As EC2 names them: x86_64, arm64. */
	architectures: z.array(z.string()),
	/** As EC2 names them: legacy-bios, uefi. */
	bootModes: z.array(z.string()),
});
export type PreflightOutputs = z.infer<typeof preflightOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		preflight: PreflightOutputs;
	}
}

/**
 * Which account and region hoist is about to use, and whether the instance type exists there.
 * Runs every time: credentials expire and profiles change between runs.
 */
export const preflight = defineStep({
	id: 'preflight',
	outputs: preflightOutputs,
	needs: [],
	check: async () => undefined,
	async run(ctx) {
		const aws = ctx.services.aws();
		const {signal} = ctx;
		const region = await aws.region();
		ctx.progress(`asking AWS who these credentials belong to (region ${region})`);
		const identity = await aws.sts(new (await sdk()).GetCallerIdentityCommand({}), {signal});
		const accountId = identity.Account ?? 'unknown';
		ctx.log(`account ${accountId} as ${identity.Arn ?? 'unknown'}`);

		const elsewhere = [...ctx.resources.values()].find((resource) => resource.region !== undefined && resource.region !== region);
		if (elsewhere) {
			throw new UserError(`This stack's resources are in ${elsewhere.region}, but hoist now points at ${region}.`, {
				code: 'REGION_CHANGED',
				hint: `Going on would build a second server in ${region} and leave ${elsewhere.type} ${elsewhere.id} running.`,
				nextSteps: [`Set aws.region: ${elsewhere.region} in hoist.yml again, or`, nextCommand('hoist destroy', 'run {command} first, then change the region.')],
			});
		}

		const regions = await aws.ec2(new (await sdk()).DescribeRegionsCommand({}), {signal});
		if (!(regions.Regions ?? []).some((known) => known.RegionName === region)) {
			throw new UserError(`The region "${region}" does not exist or is not enabled for account ${accountId}.`, {
				code: 'AWS_UNKNOWN_REGION',
				nextSteps: ['Check aws.region in hoist.yml (or AWS_REGION / your profile\'s region), e.g. eu-west-1.'],
			});
		}

		const instanceType = awsSettings(ctx.config).instanceType;
		ctx.progress(`checking that ${instanceType} is offered in ${region}`);
		const offerings = await aws.ec2(
			new (await sdk()).DescribeInstanceTypeOfferingsCommand({LocationType: 'region', Filters: [{Name: 'instance-type', Values: [instanceType]}]}),
			{signal},
		);
		if ((offerings.InstanceTypeOfferings ?? []).length === 0) throw notOffered(instanceType, region);
		const types = await aws.ec2(new (await sdk()).DescribeInstanceTypesCommand({InstanceTypes: [instanceType as never]}), {signal});
		const info = types.InstanceTypes?.[0];
		if (!info) throw notOffered(instanceType, region);
		return {
			accountId,
			callerArn: identity.Arn ?? '',
			region,
			instanceType,
			architectures: (info.ProcessorInfo?.SupportedArchitectures ?? []).map(String),
			bootModes: (info.SupportedBootModes ?? ['legacy-bios']).map(String),
		};
	},
	summary: (out) => `account ${out.accountId} in ${out.region}, ${out.instanceType} (${out.architectures.join('/')})`,
});

function notOffered(instanceType: string, region: string): UserError {
	return new UserError(`The instance type "${instanceType}" is not offered in ${region}.`, {
		code: 'AWS_INSTANCE_TYPE',
		hint: 'Small types that are offered almost everywhere: t3.micro, t3.small (x86) and t4g.micro, t4g.small (ARM).',
		nextSteps: [nextCommand('hoist up', 'Change aws.instanceType in hoist.yml, then run {command} again.')],
	});
}
