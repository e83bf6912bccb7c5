import {AllocateAddressCommand, DescribeInstancesCommand, DescribeKeyPairsCommand} from '@aws-sdk/client-ec2';
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {backoff} from '../../../source/aws/api.js';
import {AwsCallError} from '../../../source/aws/errors.js';
import {ExternalError, UserError} from '../../../source/errors.js';
import {awsError, connectionReset, type Harness, harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();

afterEach(() => {
	vi.restoreAllMocks();
});

const describeAll = () => new DescribeInstancesCommand({});
const answer = {Reservations: [{Instances: [{InstanceId: 'i-0abc'}]}]};

async function failure(call: Promise<unknown>): Promise<unknown> {
	return call.then(
		() => expect.unreachable('the call should have failed'),
		(error: unknown) => error,
	);
}

describe('AwsApi retries', () => {
	it.each([
		['RequestLimitExceeded', 503],
		['ThrottlingException', 400],
	])('waits out %s with growing backoff and returns the answer once AWS recovers', async (code, status) => {
		vi.spyOn(Math, 'random').mockReturnValue(1);
		const h = setup();
		h.ec2
			.on(DescribeInstancesCommand)
			.rejectsOnce(awsError(code, status))
			.rejectsOnce(awsError(code, status))
			.rejectsOnce(awsError(code, status))
			.resolves(answer);

		await expect(h.aws.ec2(describeAll())).resolves.toMatchObject(answer);
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(4);
		expect(h.sleeps).toEqual([500, 1_000, 2_000]);
	});

	it('caps the wait at 20 s and, after `attempts` tries, gives up with an error naming the call', async () => {
		vi.spyOn(Math, 'random').mockReturnValue(1);
		const h = setup({attempts: 9});
		h.ec2.on(DescribeInstancesCommand).rejects(awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'));

		const error = await failure(h.aws.ec2(describeAll()));

		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(9);
		expect(h.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
		expect(h.sleeps).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoff(attempt, () => 1)));
		expect(error).toBeInstanceOf(ExternalError);
		expect(error).toMatchObject({command: 'ec2:DescribeInstances', awsCode: 'RequestLimitExceeded'});
		expect((error as Error).message).toContain('ec2:DescribeInstances');
		expect((error as Error).message).toContain('Request limit exceeded.');
	});

	it('spreads parallel clients with jitter between half and all of the ceiling', () => {
		expect(backoff(1, () => 0)).toBe(250);
		expect(backoff(1, () => 1)).toBe(500);
		expect(backoff(4, () => 0.5)).toBe(3_000);
		expect(backoff(30, () => 0)).toBe(10_000);
		expect(backoff(30, () => 1)).toBe(20_000);
	});

	it.each([
		['InternalError', 500],
		['Unavailable', 503],
		['SomethingNew', 502],
	])('retries the server-side failure %s (HTTP %i)', async (code, status) => {
		const h = setup();
		h.ec2.on(DescribeInstancesCommand).rejectsOnce(awsError(code, status)).resolves(answer);

		await expect(h.aws.ec2(describeAll())).resolves.toMatchObject(answer);
		expect(h.sleeps).toHaveLength(1);
	});
});

describe('AwsApi answers that are not retried', () => {
	it.each([
		['AccessDenied', 403],
		['UnauthorizedOperation', 403],
	])('%s becomes AWS_ACCESS_DENIED naming the call and the permission, after one try', async (code, status) => {
		const h = setup();
		h.ec2.on(DescribeInstancesCommand).rejects(awsError(code, status, 'You are not authorized to perform this operation.'));

		const error = await failure(h.aws.ec2(describeAll()));

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'AWS_ACCESS_DENIED', hint: 'AWS said: You are not authorized to perform this operation.'});
		expect((error as Error).message).toContain('ec2:DescribeInstances');
		expect((error as UserError).nextSteps.map((step) => step.text).join('\n')).toContain('Allow ec2:DescribeInstances');
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

	it('AuthFailure from EC2 becomes AWS_BAD_CREDENTIALS, after one try', async () => {
		const h = setup();
		h.ec2.on(DescribeInstancesCommand).rejects(awsError('AuthFailure', 401, 'AWS was not able to validate the provided access credentials'));

		const error = await failure(h.aws.ec2(describeAll()));

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'AWS_BAD_CREDENTIALS'});
		expect((error as Error).message).toContain('AuthFailure');
		expect((error as Error).message).toContain('ec2:DescribeInstances');
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

	it('ExpiredToken from STS becomes AWS_BAD_CREDENTIALS naming sts:GetCallerIdentity, after one try', async () => {
		const h = setup();
		h.sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 403, 'The security token included in the request is expired'));

		const error = await failure(h.aws.sts(new GetCallerIdentityCommand({})));

		expect(error).toMatchObject({code: 'AWS_BAD_CREDENTIALS'});
		expect((error as Error).message).toContain('sts:GetCallerIdentity');
		expect(h.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

	it('retries a "not visible yet" code the caller named, and answers once it is visible', async () => {
		const h = setup();
		const keyPair = {KeyPairs: [{KeyName: 'hoist-demo'}]};
		h.ec2.on(DescribeKeyPairsCommand).rejectsOnce(awsError('InvalidKeyPair.NotFound')).rejectsOnce(awsError('InvalidKeyPair.NotFound')).resolves(keyPair);

		await expect(h.aws.ec2(new DescribeKeyPairsCommand({KeyNames: ['hoist-demo']}), {retryOn: ['InvalidKeyPair.NotFound']})).resolves.toMatchObject(keyPair);
		expect(h.ec2.commandCalls(DescribeKeyPairsCommand)).toHaveLength(3);
		expect(h.sleeps).toHaveLength(2);
	});

	it('does not retry that code unless the caller names it, and keeps AWS\'s code on the error', async () => {
		const h = setup();
		h.ec2.on(DescribeKeyPairsCommand).rejects(awsError('InvalidKeyPair.NotFound'));

		const error = await failure(h.aws.ec2(new DescribeKeyPairsCommand({KeyNames: ['hoist-demo']})));

		expect(error).toBeInstanceOf(AwsCallError);
		expect(error).toMatchObject({awsCode: 'InvalidKeyPair.NotFound', command: 'ec2:DescribeKeyPairs'});
		expect(h.ec2.commandCalls(DescribeKeyPairsCommand)).toHaveLength(1);
	});

	it('does not retry other 4xx answers even when the caller named a "not visible yet" code', async () => {
		const h = setup();
		h.ec2.on(DescribeKeyPairsCommand).rejects(awsError('InvalidParameterValue', 400, 'Value (x) for parameter keyName is invalid'));

		const error = await failure(h.aws.ec2(new DescribeKeyPairsCommand({KeyNames: ['x']}), {retryOn: ['InvalidKeyPair.NotFound']}));

		expect(error).toMatchObject({awsCode: 'InvalidParameterValue', code: 'AWS_CALL_FAILED'});
		expect(h.ec2.commandCalls(DescribeKeyPairsCommand)).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

	it('reports an unreachable endpoint with the address it tried and the call', async () => {
		const h = setup();
		// What Node's socket gives the SDK's HTTP handler for a closed port.
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: '127.0.0.1', port: 9});
		h.ec2.on(DescribeInstancesCommand).rejects(refused);

		const error = await failure(h.aws.ec2(describeAll()));

		expect(error).toBeInstanceOf(ExternalError);
		expect(error).toMatchObject({code: 'AWS_UNREACHABLE', command: 'ec2:DescribeInstances'});
		expect((error as Error).message).toContain('127.0.0.1:9');
		expect((error as Error).message).toContain('ec2:DescribeInstances');
	});
});

describe('AwsApi and Ctrl-C', () => {
	it('stops waiting when the signal is aborted during the backoff', async () => {
		const reason = new DOMException('The user pressed Ctrl-C', 'AbortError');
		const h: Harness = setup({onSleep: () => h.controller.abort(reason)});
		h.ec2.on(DescribeInstancesCommand).rejects(awsError('RequestLimitExceeded', 503));

		const error = await failure(h.aws.ec2(describeAll(), {signal: h.controller.signal}));

		expect(error).toBe(reason);
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
		expect(h.sleeps).toHaveLength(1);
	});

	it('does not retry a call whose signal was aborted while it was in flight', async () => {
		const h = setup();
		h.ec2.on(DescribeInstancesCommand).callsFake(() => {
			h.controller.abort();
			throw awsError('RequestLimitExceeded', 503);
		});

		await expect(h.aws.ec2(describeAll(), {signal: h.controller.signal})).rejects.toThrow();
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

});

describe('AwsApi and a connection that breaks', () => {
	it('does not retry a closed port: the endpoint is not there, and waiting would not change that', async () => {
		const h = setup();
		h.ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'}));
		await failure(h.aws.ec2(describeAll()));
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
	});
	it('retries a read whose connection was reset, and answers once the network is back', async () => {
		const h = setup();
		h.ec2.on(DescribeInstancesCommand).rejectsOnce(connectionReset()).resolves(answer);
		await expect(h.aws.ec2(describeAll())).resolves.toMatchObject(answer);
		expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
		expect(h.sleeps).toHaveLength(1);
	});

	it('does not repeat a write whose connection was reset: AWS may already have done it', async () => {
		const h = setup();
		h.ec2.on(AllocateAddressCommand).rejectsOnce(connectionReset()).resolves({AllocationId: 'eipalloc-1'});
		const error = await failure(h.aws.ec2(new AllocateAddressCommand({Domain: 'vpc'})));
		expect(error).toMatchObject({code: 'AWS_UNREACHABLE', command: 'ec2:AllocateAddress'});
		expect(h.ec2.commandCalls(AllocateAddressCommand)).toHaveLength(1);
	});
});
