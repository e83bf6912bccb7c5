import {
	CreateSnapshotCommand,
	DescribeInstancesCommand,
	DescribeSnapshotsCommand,
	type DescribeSnapshotsCommandInput,
	RunInstancesCommand,
	StartInstancesCommand,
	TerminateInstancesCommand,
	type DescribeInstancesCommandInput,
	type Instance,
	type InstanceStateName,
	type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import {describe, expect, it} from 'vitest';
import {ExternalError, UserError} from '../../../source/errors.js';
import {newRunId} from '../../../source/engine/journal.js';
import type {StepOutputs} from '../../../source/engine/step.js';
import {clientToken, launchInstance} from '../../../steps/launch-instance.js';
import {awsError, connectionReset, type Harness, harnessPerTest, parseConfig} from '../../helpers/step-context.js';

const setup = harnessPerTest();

const outputs = {
	preflight: {
		accountId: '123456789012',
		callerArn: 'arn:aws:iam::123456789012:user/dev',
		region: 'us-east-1',
		instanceType: 't3.micro',
		architectures: ['x86_64'],
		bootModes: ['legacy-bios', 'uefi'],
	},
	ami: {imageId: 'ami-0abc', name: 'alpine-3.20.3-x86_64-uefi-tiny-r1', release: '3.20.3', architecture: 'x86_64', firmware: 'uefi', rootDeviceName: '/dev/sda1'},
	'key-pair': {keyName: 'hoist-demo', keyPairId: 'key-0123', privateKeyPath: '/tmp/id_ed25519', generated: true},
	'security-group': {groupId: 'sg-0123', vpcId: 'vpc-0123'},
} satisfies Pick<StepOutputs, 'preflight' | 'ami' | 'key-pair' | 'security-group'>;

const stackTag = {Key: 'hoist:stack', Value: 'demo'};

function instance(id: string, state: InstanceStateName, extra: Partial<Instance> = {}): Instance {
	return {InstanceId: id, State: {Name: state}, Placement: {AvailabilityZone: 'us-east-1a'}, PrivateIpAddress: '172.31.0.5', Tags: [stackTag], ...extra};
}

type Answer = Instance | Error;

/**
 * DescribeInstances as AWS answers it: by tag (the stack's live instances) or by id. Each id answers from its
 * queue of states in turn; the last one sticks. An id with no queue is not known to AWS.
 */
function describeInstances(h: Harness, world: {tagged?: () => Instance[]; byId?: Record<string, Answer[]>}): void {
	h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
		const id = input.InstanceIds?.[0];
		if (id === undefined) {
			const tagged = world.tagged?.() ?? [];
			return {Reservations: tagged.length > 0 ? [{Instances: tagged}] : []};
		}
		const queue = world.byId?.[id];
		const next = queue && queue.length > 1 ? queue.shift() : queue?.[0];
		if (next === undefined) throw awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${id}' does not exist`);
		if (next instanceof Error) throw next;
		return {Reservations: [{Instances: [next]}]};
	});
}

/** RunInstances with AWS's idempotency: a token already used returns the instance it launched, whatever its state now. */
function idempotentRunInstances(h: Harness, byToken: Map<string, Instance>, options: {loseFirstAnswer?: boolean} = {}): void {
	let next = 1;
	let lost = false;
	h.ec2.on(RunInstancesCommand).callsFake((input: RunInstancesCommandInput) => {
		const token = input.ClientToken ?? `no-token-${next}`;
		let launched = byToken.get(token);
		if (!launched) {
			launched = instance(`i-0new${next++}`, 'pending');
			byToken.set(token, launched);
		}
		if (options.loseFirstAnswer && !lost) {
			lost = true;
			throw connectionReset();
		}
		return {Instances: [launched]};
	});
}

const stackInstances = (resources: Harness['resources']) => [...resources.values()].filter((resource) => resource.type === 'instance');

describe('launch-instance run', () => {
	it('a launch whose answer was lost repeats the same ClientToken on resume and ends with one instance', async () => {
		const h = setup({runId: 'run-7f3a'});
		const byToken = new Map<string, Instance>();
		idempotentRunInstances(h, byToken, {loseFirstAnswer: true});
		// Tags lag right after a launch: the resumed run does not see the instance by tag yet.
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [instance('i-0new1', 'running')]}});

		const first = await launchInstance.run(h.context(launchInstance, {outputs})).then(
			() => expect.unreachable('the lost answer should fail the run'),
			(error: unknown) => error,
		);
		expect(first).toBeInstanceOf(ExternalError);
		expect(first).toMatchObject({code: 'AWS_UNREACHABLE', command: 'ec2:RunInstances'});

		// `hoist up` again: same journal, same run id.
		const result = await launchInstance.run(h.context(launchInstance, {outputs}));

		const tokens = h.ec2.commandCalls(RunInstancesCommand).map((call) => call.args[0].input.ClientToken);
		expect(tokens).toEqual([clientToken('demo', 'run-7f3a', 1), clientToken('demo', 'run-7f3a', 1)]);
		expect(tokens[0]).toMatch(/^hoist-[0-9a-f]{40}-r1$/);
		expect(byToken.size).toBe(1);
		expect(result.instanceId).toBe('i-0new1');
		expect(stackInstances(h.resources).map((resource) => resource.id)).toEqual(['i-0new1']);
	});

	it('moves on to the next round\'s token when the token\'s instance was terminated', async () => {
		const h = setup();
		const dead = instance('i-0dead', 'terminated');
		const byToken = new Map([[clientToken('demo', 'run-1', 1), dead]]);
		idempotentRunInstances(h, byToken);
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [instance('i-0new1', 'running')]}});

		const result = await launchInstance.run(h.context(launchInstance, {outputs}));

		const tokens = h.ec2.commandCalls(RunInstancesCommand).map((call) => call.args[0].input.ClientToken);
		expect(tokens).toEqual([clientToken('demo', 'run-1', 1), clientToken('demo', 'run-1', 2)]);
		expect(result.instanceId).toBe('i-0new1');
		expect(stackInstances(h.resources).map((resource) => resource.id)).toEqual(['i-0new1']);
	});

	it('keeps every round\'s token within AWS\'s 64 characters and distinct, even for the longest stack name', () => {
		const longest = 'a-stack-name-of-the-maximum-32ch';
		expect(parseConfig({stack: longest}).stack).toBe(longest);
		const runId = newRunId(new Date('2026-11-26T19:52:33Z'));
		const tokens = [1, 2, 3, 4, 5].map((round) => clientToken(longest, runId, round));
		for (const token of tokens) expect(token.length, token).toBeLessThanOrEqual(64);
		expect(new Set(tokens).size).toBe(5);
	});

	it('adopts an instance already tagged for the stack without launching another', async () => {
		const h = setup();
		describeInstances(h, {tagged: () => [instance('i-0old', 'running')], byId: {'i-0old': [instance('i-0old', 'running')]}});

		const result = await launchInstance.run(h.context(launchInstance, {outputs}));

		expect(result).toEqual({instanceId: 'i-0old', availabilityZone: 'us-east-1a', privateIp: '172.31.0.5'});
		expect(h.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
		expect(h.logs.join('\n')).toContain('adopting i-0old');
		expect(h.resources.get('instance:i-0old')).toMatchObject({ownedByHoist: true, region: 'us-east-1'});
	});

	it('refuses to guess between two instances tagged for the stack', async () => {
		const h = setup();
		describeInstances(h, {tagged: () => [instance('i-0one', 'running'), instance('i-0two', 'stopped')]});

		const error = await launchInstance.run(h.context(launchInstance, {outputs})).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'INSTANCE_AMBIGUOUS'});
		expect((error as Error).message).toContain('i-0one, i-0two');
		expect(h.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
	});

	it('waits out InvalidInstanceID.NotFound right after the launch (eventual consistency)', async () => {
		const h = setup();
		idempotentRunInstances(h, new Map());
		const notYet = () => awsError('InvalidInstanceID.NotFound', 400, "The instance ID 'i-0new1' does not exist");
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [notYet(), notYet(), instance('i-0new1', 'running')]}});

		const result = await launchInstance.run(h.context(launchInstance, {outputs}));

		expect(result.instanceId).toBe('i-0new1');
		expect(h.ec2.commandCalls(RunInstancesCommand)).toHaveLength(1);
		expect(h.progress.filter((line) => line.includes('i-0new1 to start: not visible yet'))).toHaveLength(2);
	});

	it('polls pending until running with visible progress and growing pauses', async () => {
		const h = setup();
		idempotentRunInstances(h, new Map());
		describeInstances(h, {
			tagged: () => [],
			byId: {'i-0new1': [instance('i-0new1', 'pending'), instance('i-0new1', 'pending'), instance('i-0new1', 'pending'), instance('i-0new1', 'running')]},
		});

		const result = await launchInstance.run(h.context(launchInstance, {outputs}));

		expect(result).toEqual({instanceId: 'i-0new1', availabilityZone: 'us-east-1a', privateIp: '172.31.0.5'});
		expect(h.progress.filter((line) => /^waiting for i-0new1 to start: pending \(\d+s\)$/.test(line))).toHaveLength(3);
		expect(h.progress).toContain('waiting for i-0new1 to start: pending (2s)');
		expect(h.sleeps).toEqual([2_000, 3_000, 4_000]);
	});

	it('gives up on an instance that stays pending, with INSTANCE_WAIT_TIMEOUT', async () => {
		const h = setup();
		idempotentRunInstances(h, new Map());
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [instance('i-0new1', 'pending')]}});

		await expect(launchInstance.run(h.context(launchInstance, {outputs}))).rejects.toMatchObject({code: 'INSTANCE_WAIT_TIMEOUT'});
		expect(h.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(10 * 60_000);
	});

	it('starts a stopped instance it adopts', async () => {
		const h = setup();
		describeInstances(h, {
			tagged: () => [instance('i-0old', 'stopped')],
			byId: {'i-0old': [instance('i-0old', 'stopped'), instance('i-0old', 'pending'), instance('i-0old', 'running')]},
		});
		h.ec2.on(StartInstancesCommand).resolves({});

		const result = await launchInstance.run(h.context(launchInstance, {outputs}));

		expect(result.instanceId).toBe('i-0old');
		expect(h.ec2.commandCalls(StartInstancesCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([['i-0old']]);
		expect(h.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
		expect(h.progress).toContain('starting the stopped instance i-0old');
	});

	it('turns IdempotentParameterMismatch into INSTANCE_SETTINGS_CHANGED', async () => {
		const h = setup();
		describeInstances(h, {tagged: () => []});
		h.ec2.on(RunInstancesCommand).rejects(awsError('IdempotentParameterMismatch', 400, 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).'));

		const error = await launchInstance.run(h.context(launchInstance, {outputs})).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'INSTANCE_SETTINGS_CHANGED'});
		expect(h.ec2.commandCalls(RunInstancesCommand)).toHaveLength(1);
	});

	it('reports an instance that died while starting as INSTANCE_DIED with AWS\'s reason', async () => {
		const h = setup();
		idempotentRunInstances(h, new Map());
		const died = instance('i-0new1', 'terminated', {StateReason: {Code: 'Server.InsufficientInstanceCapacity', Message: 'Server.InsufficientInstanceCapacity: Insufficient capacity.'}});
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [instance('i-0new1', 'pending'), instance('i-0new1', 'shutting-down'), died]}});

		const error = await launchInstance.run(h.context(launchInstance, {outputs})).catch((thrown: unknown) => thrown);

		expect(error).toMatchObject({code: 'INSTANCE_DIED'});
		expect((error as Error).message).toContain('Insufficient capacity');
	});

	it('asks for IMDSv2, an encrypted gp3 root volume of the configured size on the AMI\'s root device, and tags instance and volume', async () => {
		const h = setup({aws: {volumeGiB: 20, subnet: 'subnet-0123456789abcdef0'}});
		idempotentRunInstances(h, new Map());
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [instance('i-0new1', 'running')]}});

		await launchInstance.run(h.context(launchInstance, {outputs}));

		const [call] = h.ec2.commandCalls(RunInstancesCommand);
		const input = call!.args[0].input;
		expect(input).toMatchObject({
			ImageId: 'ami-0abc',
			InstanceType: 't3.micro',
			MinCount: 1,
			MaxCount: 1,
			KeyName: 'hoist-demo',
			SecurityGroupIds: ['sg-0123'],
			SubnetId: 'subnet-0123456789abcdef0',
			MetadataOptions: {HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1},
		});
		expect(input.BlockDeviceMappings).toEqual([
			{DeviceName: '/dev/sda1', Ebs: {VolumeSize: 20, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true}},
		]);
		for (const resourceType of ['instance', 'volume']) {
			const spec = input.TagSpecifications?.find((candidate) => candidate.ResourceType === resourceType);
			expect(spec?.Tags, resourceType).toContainEqual(stackTag);
		}
	});

	it('records the instance before waiting for it, so a crash while it boots still knows it', async () => {
		const h = setup();
		idempotentRunInstances(h, new Map());
		describeInstances(h, {tagged: () => [], byId: {'i-0new1': [instance('i-0new1', 'pending')]}});

		await launchInstance.run(h.context(launchInstance, {outputs})).catch(() => undefined);

		expect(h.resources.get('instance:i-0new1')).toMatchObject({type: 'instance', ownedByHoist: true, region: 'us-east-1'});
	});
});

describe('launch-instance check', () => {
	it('is done only when the stack\'s instance is running', async () => {
		const h = setup();
		const states: InstanceStateName[] = ['pending', 'running'];
		describeInstances(h, {tagged: () => [instance('i-0old', states.shift() ?? 'running')]});

		await expect(launchInstance.check(h.context(launchInstance, {outputs}))).resolves.toBeUndefined();
		await expect(launchInstance.check(h.context(launchInstance, {outputs}))).resolves.toEqual({
			instanceId: 'i-0old',
			availabilityZone: 'us-east-1a',
			privateIp: '172.31.0.5',
		});
	});
});

describe('launch-instance undo', () => {
	it('terminates the instances found by tag and those only recorded, and waits until they are terminated', async () => {
		const h = setup();
		// i-0tagged is found by tag; i-0recorded lost its tag but the journal has it; i-0gone is already terminated.
		describeInstances(h, {
			tagged: () => [instance('i-0tagged', 'running')],
			byId: {
				'i-0tagged': [instance('i-0tagged', 'running'), instance('i-0tagged', 'shutting-down'), instance('i-0tagged', 'terminated')],
				'i-0recorded': [instance('i-0recorded', 'stopped', {Tags: []}), instance('i-0recorded', 'terminated', {Tags: []})],
				'i-0gone': [instance('i-0gone', 'terminated')],
			},
		});
		h.ec2.on(TerminateInstancesCommand).resolves({});
		for (const id of ['i-0tagged', 'i-0recorded']) h.resources.set(`instance:${id}`, {type: 'instance', id, ownedByHoist: true});
		h.resources.set('security-group:sg-0123', {type: 'security-group', id: 'sg-0123', ownedByHoist: true});

		await launchInstance.undo!(h.undoContext(launchInstance, {previous: {instanceId: 'i-0gone', availabilityZone: 'us-east-1a', privateIp: ''}}));

		const terminated = h.ec2.commandCalls(TerminateInstancesCommand).flatMap((call) => call.args[0].input.InstanceIds);
		expect(terminated.sort()).toEqual(['i-0recorded', 'i-0tagged']);
		expect(h.progress.some((line) => line.startsWith('waiting for i-0tagged to terminate: shutting-down'))).toBe(true);
		expect(stackInstances(h.resources)).toEqual([]);
		expect(h.resources.has('security-group:sg-0123')).toBe(true);
	});

	it('does not finish while an instance is still shutting down', async () => {
		const h = setup();
		describeInstances(h, {tagged: () => [instance('i-0tagged', 'running')], byId: {'i-0tagged': [instance('i-0tagged', 'running'), instance('i-0tagged', 'shutting-down')]}});
		h.ec2.on(TerminateInstancesCommand).resolves({});
		h.resources.set('instance:i-0tagged', {type: 'instance', id: 'i-0tagged', ownedByHoist: true});

		await expect(launchInstance.undo!(h.undoContext(launchInstance))).rejects.toMatchObject({code: 'INSTANCE_WAIT_TIMEOUT'});
		expect(h.resources.has('instance:i-0tagged')).toBe(true);
	});

	it('--snapshot: a snapshot of the root volume, tagged for the stack and the instance, complete before the instance is terminated; kept', async () => {
		const h = setup();
		const withDisk = (state: InstanceStateName) =>
			instance('i-0tagged', state, {RootDeviceName: '/dev/xvda', BlockDeviceMappings: [{DeviceName: '/dev/xvda', Ebs: {VolumeId: 'vol-0root'}}]});
		describeInstances(h, {tagged: () => [withDisk('running')], byId: {'i-0tagged': [withDisk('running'), withDisk('terminated')]}});
		const order: string[] = [];
		h.ec2.on(DescribeSnapshotsCommand).callsFake((input: DescribeSnapshotsCommandInput) => {
			if (input.SnapshotIds === undefined) return {Snapshots: []};
			order.push('describe-snapshot');
			return {Snapshots: [{SnapshotId: 'snap-0a', State: order.filter((call) => call === 'describe-snapshot').length < 2 ? 'pending' : 'completed', Progress: '40%', VolumeSize: 10}]};
		});
		h.ec2.on(CreateSnapshotCommand).callsFake(() => {
			order.push('create');
			return {SnapshotId: 'snap-0a', State: 'pending'};
		});
		h.ec2.on(TerminateInstancesCommand).callsFake(() => {
			order.push('terminate');
			return {};
		});
		h.resources.set('instance:i-0tagged', {type: 'instance', id: 'i-0tagged', ownedByHoist: true, region: 'us-east-1'});

		await launchInstance.undo!(h.undoContext(launchInstance, {destroy: {snapshot: true}}));

		expect(order).toEqual(['create', 'describe-snapshot', 'describe-snapshot', 'terminate']);
		const created = h.ec2.commandCalls(CreateSnapshotCommand)[0]!.args[0].input;
		expect(created.VolumeId).toBe('vol-0root');
		expect(created.TagSpecifications).toEqual([{ResourceType: 'snapshot', Tags: [stackTag, {Key: 'Name', Value: 'hoist-demo'}, {Key: 'hoist:instance', Value: 'i-0tagged'}]}]);
		expect(h.progress.some((line) => /^snapshot snap-0a: pending 40%/.test(line))).toBe(true);
		expect(h.resources.get('snapshot:snap-0a')).toEqual({type: 'snapshot', id: 'snap-0a', ownedByHoist: false, region: 'us-east-1'});
		expect(stackInstances(h.resources)).toEqual([]);
	});

	it('--snapshot after a stopped destroy adopts the snapshot already taken; a failed one leaves the instance running', async () => {
		const h = setup();
		const withDisk = instance('i-0tagged', 'running', {RootDeviceName: '/dev/xvda', BlockDeviceMappings: [{DeviceName: '/dev/xvda', Ebs: {VolumeId: 'vol-0root'}}]});
		describeInstances(h, {tagged: () => [withDisk], byId: {'i-0tagged': [withDisk]}});
		h.ec2.on(DescribeSnapshotsCommand).callsFake((input: DescribeSnapshotsCommandInput) =>
			input.SnapshotIds === undefined ? {Snapshots: [{SnapshotId: 'snap-0old', State: 'pending'}]} : {Snapshots: [{SnapshotId: 'snap-0old', State: 'error', StateMessage: 'internal'}]},
		);
		h.ec2.on(TerminateInstancesCommand).resolves({});

		await expect(launchInstance.undo!(h.undoContext(launchInstance, {destroy: {snapshot: true}}))).rejects.toMatchObject({code: 'SNAPSHOT_FAILED'});
		expect(h.ec2.commandCalls(CreateSnapshotCommand)).toEqual([]);
		expect(h.logs).toContain('adopting snap-0old, already taken of vol-0root');
		expect(h.ec2.commandCalls(TerminateInstancesCommand)).toEqual([]);
	});
});
