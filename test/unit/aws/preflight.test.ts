import {EC2Client, DescribeInstanceTypeOfferingsCommand, DescribeInstanceTypesCommand, DescribeRegionsCommand} from '@aws-sdk/client-ec2';
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {UserError} from '../../../source/errors.js';
import {preflight} from '../../../steps/preflight.js';
import {type Harness, harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();

afterEach(() => {
	vi.unstubAllEnvs();
});

/** An account in us-east-1 and eu-west-1 that offers t3.micro, t2.micro and t4g.micro. */
function account(h: Harness): void {
	h.sts.on(GetCallerIdentityCommand).resolves({Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev', UserId: 'AIDA'});
	h.ec2.on(DescribeRegionsCommand).resolves({Regions: [{RegionName: 'us-east-1'}, {RegionName: 'eu-west-1'}]});
	h.ec2.on(DescribeInstanceTypeOfferingsCommand).callsFake((input: {Filters?: {Values?: string[]}[]}) => {
		const type = input.Filters?.[0]?.Values?.[0];
		return {InstanceTypeOfferings: type && ['t3.micro', 't2.micro', 't4g.micro'].includes(type) ? [{InstanceType: type, LocationType: 'region', Location: 'us-east-1'}] : []};
	});
	h.ec2.on(DescribeInstanceTypesCommand, {InstanceTypes: ['t3.micro']}).resolves({
		InstanceTypes: [{InstanceType: 't3.micro', ProcessorInfo: {SupportedArchitectures: ['x86_64']}, SupportedBootModes: ['legacy-bios', 'uefi']}],
	});
	h.ec2.on(DescribeInstanceTypesCommand, {InstanceTypes: ['t4g.micro']}).resolves({
		InstanceTypes: [{InstanceType: 't4g.micro', ProcessorInfo: {SupportedArchitectures: ['arm64']}, SupportedBootModes: ['uefi']}],
	});
	// Older answers leave SupportedBootModes out: such types boot legacy BIOS.
	h.ec2.on(DescribeInstanceTypesCommand, {InstanceTypes: ['t2.micro']}).resolves({
		InstanceTypes: [{InstanceType: 't2.micro', ProcessorInfo: {SupportedArchitectures: ['i386', 'x86_64']}}],
	});
}

describe('preflight', () => {
	it('stops with AWS_NO_REGION when neither hoist.yml, the environment nor the profile names a region', async () => {
		vi.stubEnv('AWS_REGION', undefined);
		vi.stubEnv('AWS_DEFAULT_REGION', undefined);
		vi.stubEnv('AWS_PROFILE', undefined);
		vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/hoist-test/config');
		vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/hoist-test/credentials');
		const ec2Client = new EC2Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, endpoint: 'http://127.0.0.1:9'});
		const h = setup({ec2Client, aws: {region: undefined}});
		account(h);

		const error = await preflight.run(h.context(preflight)).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'AWS_NO_REGION'});
		expect((error as UserError).nextSteps.map((step) => step.text).join('\n')).toContain('region');
		expect(h.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
	});

	it('stops with AWS_INSTANCE_TYPE when the type is not offered in the region', async () => {
		const h = setup({aws: {instanceType: 'p5.48xlarge'}});
		account(h);

		const error = await preflight.run(h.context(preflight)).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'AWS_INSTANCE_TYPE'});
		expect((error as Error).message).toContain('"p5.48xlarge" is not offered in us-east-1');
		expect(h.ec2.commandCalls(DescribeInstanceTypeOfferingsCommand)[0]!.args[0].input).toEqual({
			LocationType: 'region',
			Filters: [{Name: 'instance-type', Values: ['p5.48xlarge']}],
		});
		expect(h.ec2.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(0);
	});

	it('stops with REGION_CHANGED when recorded resources live in another region', async () => {
		const h = setup();
		account(h);
		h.resources.set('instance:i-0old', {type: 'instance', id: 'i-0old', ownedByHoist: true, region: 'eu-west-1'});

		const error = await preflight.run(h.context(preflight)).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'REGION_CHANGED'});
		expect((error as Error).message).toContain('eu-west-1');
		expect((error as Error).message).toContain('us-east-1');
		expect((error as UserError).hint).toContain('i-0old');
	});

	it('goes on when the recorded resources are in this region', async () => {
		const h = setup();
		account(h);
		h.resources.set('instance:i-0old', {type: 'instance', id: 'i-0old', ownedByHoist: true, region: 'us-east-1'});

		await expect(preflight.run(h.context(preflight))).resolves.toMatchObject({region: 'us-east-1'});
	});

	it('stops with AWS_UNKNOWN_REGION for a region the account does not have', async () => {
		const h = setup({aws: {region: 'ap-east-1'}, ec2Client: new EC2Client({region: 'ap-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, endpoint: 'http://127.0.0.1:9'})});
		account(h);

		await expect(preflight.run(h.context(preflight))).rejects.toMatchObject({code: 'AWS_UNKNOWN_REGION'});
	});

	it.each([
		['t3.micro', ['x86_64'], ['legacy-bios', 'uefi']],
		['t4g.micro', ['arm64'], ['uefi']],
		['t2.micro', ['i386', 'x86_64'], ['legacy-bios']],
	])('outputs the account, region, architectures and boot modes of %s', async (instanceType, architectures, bootModes) => {
		const h = setup({aws: {instanceType}});
		account(h);

		const result = await preflight.run(h.context(preflight));

		expect(result).toEqual({
			accountId: '123456789012',
			callerArn: 'arn:aws:iam::123456789012:user/dev',
			region: 'us-east-1',
			instanceType,
			architectures,
			bootModes,
		});
		expect(h.logs).toContain('account 123456789012 as arn:aws:iam::123456789012:user/dev');
	});
});
