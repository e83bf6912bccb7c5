import {
	AllocateAddressCommand,
	AssociateAddressCommand,
	DescribeAddressesCommand,
	DescribeInstancesCommand,
	DisassociateAddressCommand,
	ReleaseAddressCommand,
	type Address,
	type DescribeAddressesCommandInput,
	type DescribeInstancesCommandInput,
	type Instance,
} from '@aws-sdk/client-ec2';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../../source/errors.js';
import {elasticIp} from '../../../steps/elastic-ip.js';
import {awsError, type Harness, harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();

const userAllocation = 'eipalloc-0123456789abcdef0';
const stackTags = [{Key: 'hoist:stack', Value: 'demo'}, {Key: 'Name', Value: 'hoist-demo'}];
const outputs = {'launch-instance': {instanceId: 'i-0ours', availabilityZone: 'us-east-1a', privateIp: '172.31.0.5'}};

/** DescribeAddresses by allocation id or by the stack tag, and DescribeInstances by id. */
function world(h: Harness, addresses: Address[], instances: Instance[] = [{InstanceId: 'i-0ours', State: {Name: 'running'}, Tags: stackTags}]): void {
	h.ec2.on(DescribeAddressesCommand).callsFake((input: DescribeAddressesCommandInput) => {
		const id = input.AllocationIds?.[0];
		if (id !== undefined) {
			const found = addresses.filter((address) => address.AllocationId === id);
			if (found.length === 0) throw awsError('InvalidAllocationID.NotFound', 400, `The allocation ID '${id}' does not exist`);
			return {Addresses: found};
		}
		return {Addresses: addresses.filter((address) => address.Tags?.some((tag) => tag.Key === 'hoist:stack' && tag.Value === 'demo'))};
	});
	h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
		const found = instances.filter((instance) => instance.InstanceId === input.InstanceIds?.[0]);
		if (found.length === 0) throw awsError('InvalidInstanceID.NotFound');
		return {Reservations: [{Instances: found}]};
	});
	h.ec2.on(AssociateAddressCommand).resolves({AssociationId: 'eipassoc-0new'});
	h.ec2.on(DisassociateAddressCommand).resolves({});
	h.ec2.on(ReleaseAddressCommand).resolves({});
}

const operations = (h: Harness) => h.ec2.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));

describe('elastic-ip with the user\'s own allocation', () => {
	it('associates it, records it as not hoist\'s, and allocates nothing', async () => {
		const h = setup({aws: {elasticIp: userAllocation}});
		world(h, [{AllocationId: userAllocation, PublicIp: '198.51.100.10', Domain: 'vpc'}]);

		const result = await elasticIp.run(h.context(elasticIp, {outputs}));

		expect(result).toEqual({allocationId: userAllocation, publicIp: '198.51.100.10', ownedByHoist: false});
		expect(h.resources.get(`elastic-ip:${userAllocation}`)).toMatchObject({ownedByHoist: false, region: 'us-east-1'});
		expect(h.ec2.commandCalls(AssociateAddressCommand).map((call) => call.args[0].input)).toEqual([
			{AllocationId: userAllocation, InstanceId: 'i-0ours', AllowReassociation: true},
		]);
		expect(h.ec2.commandCalls(AllocateAddressCommand)).toHaveLength(0);
	});

	it('undo only disassociates it from the stack\'s instance and never releases it', async () => {
		const h = setup({aws: {elasticIp: userAllocation}});
		world(h, [{AllocationId: userAllocation, PublicIp: '198.51.100.10', AssociationId: 'eipassoc-0user', InstanceId: 'i-0ours'}]);
		h.resources.set(`elastic-ip:${userAllocation}`, {type: 'elastic-ip', id: userAllocation, ownedByHoist: false});

		await elasticIp.undo!(h.undoContext(elasticIp, {previous: {allocationId: userAllocation, publicIp: '198.51.100.10', ownedByHoist: false}}));

		expect(h.ec2.commandCalls(DisassociateAddressCommand).map((call) => call.args[0].input)).toEqual([{AssociationId: 'eipassoc-0user'}]);
		expect(h.ec2.commandCalls(ReleaseAddressCommand)).toHaveLength(0);
		expect(h.logs.join('\n')).toContain('kept 198.51.100.10');
		expect(h.resources.size).toBe(0);
	});

	it('undo leaves it attached when it has moved on to an instance outside the stack', async () => {
		const h = setup({aws: {elasticIp: userAllocation}});
		world(
			h,
			[{AllocationId: userAllocation, PublicIp: '198.51.100.10', AssociationId: 'eipassoc-0other', InstanceId: 'i-0other'}],
			[{InstanceId: 'i-0other', State: {Name: 'running'}, Tags: [{Key: 'Name', Value: 'production'}]}],
		);

		await elasticIp.undo!(h.undoContext(elasticIp));

		expect(h.ec2.commandCalls(DisassociateAddressCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(ReleaseAddressCommand)).toHaveLength(0);
	});

	it('refuses an allocation attached to someone else\'s running instance: EIP_IN_USE', async () => {
		const h = setup({aws: {elasticIp: userAllocation}});
		world(
			h,
			[{AllocationId: userAllocation, PublicIp: '198.51.100.10', AssociationId: 'eipassoc-0other', InstanceId: 'i-0other'}],
			[{InstanceId: 'i-0other', State: {Name: 'running'}, Tags: [{Key: 'Name', Value: 'production'}]}],
		);

		const error = await elasticIp.run(h.context(elasticIp, {outputs})).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'EIP_IN_USE'});
		expect((error as Error).message).toContain('i-0other');
		expect(h.ec2.commandCalls(AssociateAddressCommand)).toHaveLength(0);
	});

	it('stops with EIP_NOT_FOUND when the allocation does not exist', async () => {
		const h = setup({aws: {elasticIp: userAllocation}});
		world(h, []);

		await expect(elasticIp.run(h.context(elasticIp, {outputs}))).rejects.toMatchObject({code: 'EIP_NOT_FOUND'});
		expect(h.ec2.commandCalls(AllocateAddressCommand)).toHaveLength(0);
	});
});

describe('elastic-ip allocated by hoist', () => {
	it('allocates a VPC address carrying the stack tags, records it as hoist\'s and associates it', async () => {
		const h = setup();
		world(h, []);
		h.ec2.on(AllocateAddressCommand).resolves({AllocationId: 'eipalloc-0new', PublicIp: '203.0.113.20', Domain: 'vpc'});

		const result = await elasticIp.run(h.context(elasticIp, {outputs}));

		expect(result).toEqual({allocationId: 'eipalloc-0new', publicIp: '203.0.113.20', ownedByHoist: true});
		expect(h.ec2.commandCalls(AllocateAddressCommand).map((call) => call.args[0].input)).toEqual([
			{Domain: 'vpc', TagSpecifications: [{ResourceType: 'elastic-ip', Tags: stackTags}]},
		]);
		expect(h.resources.get('elastic-ip:eipalloc-0new')).toMatchObject({ownedByHoist: true});
		expect(h.ec2.commandCalls(AssociateAddressCommand)[0]!.args[0].input).toMatchObject({AllocationId: 'eipalloc-0new', InstanceId: 'i-0ours'});
	});

	it('waits out an allocation AWS does not show yet when associating it', async () => {
		const h = setup();
		world(h, []);
		h.ec2.on(AllocateAddressCommand).resolves({AllocationId: 'eipalloc-0new', PublicIp: '203.0.113.20'});
		h.ec2.on(AssociateAddressCommand).rejectsOnce(awsError('InvalidAllocationID.NotFound')).resolves({AssociationId: 'eipassoc-0new'});

		await expect(elasticIp.run(h.context(elasticIp, {outputs}))).resolves.toMatchObject({allocationId: 'eipalloc-0new'});
		expect(h.ec2.commandCalls(AssociateAddressCommand)).toHaveLength(2);
		expect(h.sleeps).toHaveLength(1);
	});

	it('re-uses a tagged address found after a crash instead of allocating a second one', async () => {
		const h = setup();
		world(h, [{AllocationId: 'eipalloc-0old', PublicIp: '203.0.113.21', Tags: stackTags}]);

		const result = await elasticIp.run(h.context(elasticIp, {outputs}));

		expect(result).toEqual({allocationId: 'eipalloc-0old', publicIp: '203.0.113.21', ownedByHoist: true});
		expect(h.ec2.commandCalls(AllocateAddressCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(AssociateAddressCommand)[0]!.args[0].input).toMatchObject({AllocationId: 'eipalloc-0old', InstanceId: 'i-0ours'});
		expect(h.resources.get('elastic-ip:eipalloc-0old')).toMatchObject({ownedByHoist: true});
	});

	it('does not associate again when the address is already on the stack\'s instance', async () => {
		const h = setup();
		world(h, [{AllocationId: 'eipalloc-0old', PublicIp: '203.0.113.21', Tags: stackTags, AssociationId: 'eipassoc-0old', InstanceId: 'i-0ours'}]);

		await elasticIp.run(h.context(elasticIp, {outputs}));

		expect(h.ec2.commandCalls(AssociateAddressCommand)).toHaveLength(0);
	});

	it('undo disassociates, then releases it (AWS refuses to release an associated address)', async () => {
		const h = setup();
		world(h, [{AllocationId: 'eipalloc-0new', PublicIp: '203.0.113.20', Tags: stackTags, AssociationId: 'eipassoc-0new', InstanceId: 'i-0ours'}]);
		h.resources.set('elastic-ip:eipalloc-0new', {type: 'elastic-ip', id: 'eipalloc-0new', ownedByHoist: true});

		await elasticIp.undo!(h.undoContext(elasticIp, {previous: {allocationId: 'eipalloc-0new', publicIp: '203.0.113.20', ownedByHoist: true}}));

		expect(operations(h).filter((name) => name === 'DisassociateAddress' || name === 'ReleaseAddress')).toEqual(['DisassociateAddress', 'ReleaseAddress']);
		expect(h.ec2.commandCalls(ReleaseAddressCommand)[0]!.args[0].input).toEqual({AllocationId: 'eipalloc-0new'});
		expect(h.resources.size).toBe(0);
	});

	it('undo of an address already released (a destroy cut short after ReleaseAddress) counts as done and forgets it', async () => {
		const h = setup();
		// AWS answers InvalidAllocationID.NotFound for a released allocation.
		world(h, []);
		h.resources.set('elastic-ip:eipalloc-0gone', {type: 'elastic-ip', id: 'eipalloc-0gone', ownedByHoist: true, region: 'us-east-1'});

		await elasticIp.undo!(h.undoContext(elasticIp, {previous: {allocationId: 'eipalloc-0gone', publicIp: '203.0.113.20', ownedByHoist: true}}));

		expect(h.ec2.commandCalls(ReleaseAddressCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(DisassociateAddressCommand)).toHaveLength(0);
		// Otherwise the journal keeps a record of an address that no longer exists (status, destroy's prompt, REGION_CHANGED).
		expect([...h.resources.keys()]).toEqual([]);
	});
});
