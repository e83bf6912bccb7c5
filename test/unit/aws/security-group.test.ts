import {
	AuthorizeSecurityGroupIngressCommand,
	CreateSecurityGroupCommand,
	DeleteSecurityGroupCommand,
	DescribeSecurityGroupsCommand,
	DescribeVpcsCommand,
	RevokeSecurityGroupIngressCommand,
	type DescribeSecurityGroupsCommandInput,
	type IpPermission,
	type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {describe, expect, it} from 'vitest';
import {AwsCallError} from '../../../source/aws/errors.js';
import {UserError} from '../../../source/errors.js';
import {existingRules, ruleChanges, securityGroup, toPermissions, wantedRules, type Rule} from '../../../steps/security-group.js';
import {awsError, type Harness, harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();

const sshCidr = '203.0.113.7/32';
const stackTags = [{Key: 'hoist:stack', Value: 'demo'}, {Key: 'Name', Value: 'hoist-demo'}];

const publicRules: Rule[] = ['0.0.0.0/0', '::/0'].flatMap((cidr): Rule[] => [
	{protocol: 'tcp', port: 80, cidr},
	{protocol: 'tcp', port: 443, cidr},
	{protocol: 'udp', port: 443, cidr},
]);

function group(permissions: IpPermission[], extra: Partial<SecurityGroup> = {}): SecurityGroup {
	return {GroupId: 'sg-0123', GroupName: 'hoist-demo', VpcId: 'vpc-0123', Tags: stackTags, IpPermissions: permissions, ...extra};
}

/** The default VPC, and DescribeSecurityGroups answering by name (run, check) or by tag (undo) from `groups()`. */
function world(h: Harness, groups: () => SecurityGroup[], byTag: () => SecurityGroup[] = groups): void {
	h.ec2.on(DescribeVpcsCommand).resolves({Vpcs: [{VpcId: 'vpc-0123', IsDefault: true}]});
	h.ec2.on(DescribeSecurityGroupsCommand).callsFake((input: DescribeSecurityGroupsCommandInput) => {
		const byName = input.Filters?.some((filter) => filter.Name === 'group-name');
		return {SecurityGroups: byName ? groups() : byTag()};
	});
}

const sorted = (rules: Rule[]) => [...rules].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
/** Rules without their descriptions, to compare what was sent with what was wanted. */
const bare = (rules: Rule[]): Rule[] => rules.map(({protocol, port, cidr}) => ({protocol, port, cidr}));
const authorizedRules = (h: Harness) => h.ec2.commandCalls(AuthorizeSecurityGroupIngressCommand).map((call) => bare(existingRules(call.args[0].input.IpPermissions)));

describe('security group rules', () => {
	it('wants SSH from the configured range only and HTTP, HTTPS and HTTP/3 from everyone, IPv4 and IPv6', () => {
		expect(sorted(wantedRules(sshCidr))).toEqual(sorted([{protocol: 'tcp', port: 22, cidr: sshCidr}, ...publicRules]));
		expect(wantedRules('2001:db8::7/128').filter((rule) => rule.port === 22)).toEqual([{protocol: 'tcp', port: 22, cidr: '2001:db8::7/128'}]);
	});

	it('sends IPv4 ranges as IpRanges and IPv6 ranges as Ipv6Ranges', () => {
		const permissions = toPermissions([
			{protocol: 'tcp', port: 22, cidr: '2001:db8::7/128'},
			{protocol: 'udp', port: 443, cidr: '0.0.0.0/0'},
		]);
		expect(permissions).toEqual([
			{IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{CidrIpv6: '2001:db8::7/128', Description: 'SSH (hoist)'}]},
			{IpProtocol: 'udp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '0.0.0.0/0', Description: 'HTTP/3 (hoist)'}]},
		]);
	});

	it('reads back what AWS lists: one rule per range, IPv4 and IPv6, skipping port ranges and all-traffic rules', () => {
		const rules = existingRules([
			{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '0.0.0.0/0'}, {CidrIp: '10.0.0.0/8'}], Ipv6Ranges: [{CidrIpv6: '::/0'}]},
			{IpProtocol: 'tcp', FromPort: 8000, ToPort: 8999, IpRanges: [{CidrIp: '0.0.0.0/0'}]},
			{IpProtocol: '-1', IpRanges: [{CidrIp: '10.0.0.0/8'}]},
			{IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{GroupId: 'sg-other'}]},
		]);
		expect(rules).toEqual([
			{protocol: 'tcp', port: 443, cidr: '0.0.0.0/0'},
			{protocol: 'tcp', port: 443, cidr: '10.0.0.0/8'},
			{protocol: 'tcp', port: 443, cidr: '::/0'},
		]);
	});

	it('round-trips its own permissions', () => {
		expect(sorted(bare(existingRules(toPermissions(wantedRules(sshCidr)))))).toEqual(sorted(wantedRules(sshCidr)));
	});

	it('adds only what is missing and moves SSH when its range changed, leaving other rules alone', () => {
		const mine: Rule = {protocol: 'tcp', port: 5432, cidr: '10.0.0.0/8'};
		const oldSsh: Rule = {protocol: 'tcp', port: 22, cidr: '198.51.100.0/24', description: 'SSH (hoist)'};
		const userSsh: Rule = {protocol: 'tcp', port: 22, cidr: '192.0.2.0/24', description: 'bastion'};
		expect(ruleChanges([...wantedRules(sshCidr), mine], sshCidr)).toEqual({add: [], remove: []});
		expect(ruleChanges([oldSsh, userSsh, ...publicRules, mine], sshCidr)).toEqual({add: [{protocol: 'tcp', port: 22, cidr: sshCidr}], remove: [oldSsh]});
	});
});

describe('security-group run', () => {
	it('creates the group tagged for the stack, waits until AWS lists it, then opens every port', async () => {
		const h = setup();
		const created = group([]);
		let listings = 0;
		// AWS is eventually consistent: the new group is missing from the first two listings after creation.
		world(h, () => (h.ec2.commandCalls(CreateSecurityGroupCommand).length > 0 && ++listings > 2 ? [created] : []));
		h.ec2.on(CreateSecurityGroupCommand).resolves({GroupId: 'sg-0123'});
		h.ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({Return: true});

		const result = await securityGroup.run(h.context(securityGroup));

		expect(result).toEqual({groupId: 'sg-0123', vpcId: 'vpc-0123'});
		const create = h.ec2.commandCalls(CreateSecurityGroupCommand)[0]!.args[0].input;
		expect(create).toMatchObject({GroupName: 'hoist-demo', VpcId: 'vpc-0123'});
		expect(create.TagSpecifications).toEqual([{ResourceType: 'security-group', Tags: stackTags}]);
		expect(authorizedRules(h).map(sorted)).toEqual([sorted(wantedRules(sshCidr))]);
		expect(h.resources.get('security-group:sg-0123')).toMatchObject({ownedByHoist: true, region: 'us-east-1'});
	});

	it('re-run adds only the missing rules', async () => {
		const h = setup();
		const present = wantedRules(sshCidr).filter((rule) => !(rule.protocol === 'udp' && rule.cidr === '::/0'));
		world(h, () => [group(toPermissions(present))]);
		h.ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({Return: true});

		await securityGroup.run(h.context(securityGroup));

		expect(authorizedRules(h)).toEqual([[{protocol: 'udp', port: 443, cidr: '::/0'}]]);
		expect(h.ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
	});

	it('check is done when every rule is there, and not when one is missing', async () => {
		const h = setup();
		let permissions = toPermissions(wantedRules(sshCidr));
		world(h, () => [group(permissions)]);

		await expect(securityGroup.check(h.context(securityGroup))).resolves.toEqual({groupId: 'sg-0123', vpcId: 'vpc-0123'});
		permissions = toPermissions(publicRules);
		await expect(securityGroup.check(h.context(securityGroup))).resolves.toBeUndefined();
	});

	it('falls back to one rule at a time when the batch hits a Duplicate, counting Duplicate as done', async () => {
		const h = setup();
		world(h, () => [group([])]);
		h.ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake((input: {IpPermissions?: IpPermission[]}) => {
			const rules = existingRules(input.IpPermissions);
			// Another run (or a crash after a partial success) already added HTTPS from everyone.
			if (rules.some((rule) => rule.port === 443 && rule.protocol === 'tcp' && rule.cidr === '0.0.0.0/0')) {
				throw awsError('InvalidPermission.Duplicate', 400, 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 443, to port: 443, ALLOW" already exists');
			}
			return {Return: true};
		});

		await expect(securityGroup.run(h.context(securityGroup))).resolves.toEqual({groupId: 'sg-0123', vpcId: 'vpc-0123'});

		const calls = authorizedRules(h);
		expect(calls[0]).toHaveLength(7);
		expect(calls.slice(1).map((rules) => rules.length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
		expect(sorted(calls.slice(1).flat())).toEqual(sorted(wantedRules(sshCidr)));
	});

	it('fails on other errors of the batch instead of swallowing them', async () => {
		const h = setup();
		world(h, () => [group([])]);
		h.ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('RulesPerSecurityGroupLimitExceeded', 400, 'The maximum number of rules per security group has been reached.'));

		await expect(securityGroup.run(h.context(securityGroup))).rejects.toMatchObject({awsCode: 'RulesPerSecurityGroupLimitExceeded'});
		expect(h.ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1);
	});

	it('revokes hoist\'s old SSH range when aws.sshCidr changed and leaves the user\'s own rules (even on port 22) alone', async () => {
		const h = setup();
		world(h, () => [
			group([
				...toPermissions([{protocol: 'tcp', port: 22, cidr: '198.51.100.0/24'}, ...publicRules]),
				{IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{CidrIp: '10.0.0.0/8', Description: 'postgres from the office'}]},
				{IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{CidrIp: '192.0.2.0/24', Description: 'bastion'}]},
			]),
		]);
		h.ec2.on(RevokeSecurityGroupIngressCommand).resolves({Return: true});
		h.ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({Return: true});

		await securityGroup.run(h.context(securityGroup));

		const revoked = h.ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((call) => bare(existingRules(call.args[0].input.IpPermissions)));
		expect(revoked).toEqual([[{protocol: 'tcp', port: 22, cidr: '198.51.100.0/24'}]]);
		expect(h.ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]!.args[0].input.GroupId).toBe('sg-0123');
		expect(authorizedRules(h)).toEqual([[{protocol: 'tcp', port: 22, cidr: sshCidr}]]);
	});

	it('does not revoke an IPv6 SSH range that AWS lists in canonical form (lowercase, zeros compressed)', async () => {
		// AWS stores and lists IPv6 CIDRs in RFC 5952 form, whatever spelling hoist.yml (and the authorize call) used.
		const h = setup({aws: {sshCidr: '2001:DB8:0:0::7/128'}});
		world(h, () => [group(toPermissions([{protocol: 'tcp', port: 22, cidr: '2001:db8::7/128'}, ...publicRules]))]);
		h.ec2.on(RevokeSecurityGroupIngressCommand).resolves({Return: true});
		h.ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({Return: true});

		await securityGroup.run(h.context(securityGroup));

		expect(h.ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((call) => existingRules(call.args[0].input.IpPermissions))).toEqual([]);
		expect(h.ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
	});

	it('refuses a same-named group that hoist did not create, and changes nothing', async () => {
		const h = setup();
		world(h, () => [group(toPermissions(publicRules), {Tags: [{Key: 'Name', Value: 'someone else'}]})]);

		const error = await securityGroup.run(h.context(securityGroup)).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'SG_TAKEN'});
		expect(h.ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0);
	});

	it('stops with AWS_NO_DEFAULT_VPC when the region has no default VPC and no subnet is set', async () => {
		const h = setup();
		h.ec2.on(DescribeVpcsCommand).resolves({Vpcs: []});

		await expect(securityGroup.run(h.context(securityGroup))).rejects.toMatchObject({code: 'AWS_NO_DEFAULT_VPC'});
		expect(h.ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0);
	});
});

describe('security-group undo', () => {
	it('retries DeleteSecurityGroup while a terminating instance still uses the group, then succeeds', async () => {
		const h = setup();
		world(h, () => [group([])]);
		h.resources.set('security-group:sg-0123', {type: 'security-group', id: 'sg-0123', ownedByHoist: true});
		const inUse = () => awsError('DependencyViolation', 400, 'resource sg-0123 has a dependent object');
		h.ec2.on(DeleteSecurityGroupCommand).rejectsOnce(inUse()).rejectsOnce(inUse()).resolves({});

		await securityGroup.undo!(h.undoContext(securityGroup, {previous: {groupId: 'sg-0123', vpcId: 'vpc-0123'}}));

		expect(h.ec2.commandCalls(DeleteSecurityGroupCommand).map((call) => call.args[0].input.GroupId)).toEqual(['sg-0123', 'sg-0123', 'sg-0123']);
		expect(h.sleeps).toEqual([5_000, 5_000]);
		expect(h.progress).toContain('sg-0123 is still in use by a shutting-down instance; waiting');
		expect(h.resources.has('security-group:sg-0123')).toBe(false);
	});

	it('gives up after its deadline with AWS\'s DependencyViolation and keeps the record', async () => {
		const h = setup();
		world(h, () => [group([])]);
		h.resources.set('security-group:sg-0123', {type: 'security-group', id: 'sg-0123', ownedByHoist: true});
		h.ec2.on(DeleteSecurityGroupCommand).rejects(awsError('DependencyViolation', 400, 'resource sg-0123 has a dependent object'));
		const started = h.now;

		const error = await securityGroup.undo!(h.undoContext(securityGroup)).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(AwsCallError);
		expect(error).toMatchObject({awsCode: 'DependencyViolation', command: 'ec2:DeleteSecurityGroup'});
		expect(h.now - started).toBeGreaterThanOrEqual(10 * 60_000);
		expect(h.now - started).toBeLessThan(11 * 60_000);
		expect(h.resources.has('security-group:sg-0123')).toBe(true);
	});

	it('counts InvalidGroup.NotFound on delete as done', async () => {
		const h = setup();
		world(h, () => [], () => []);
		h.resources.set('security-group:sg-0gone', {type: 'security-group', id: 'sg-0gone', ownedByHoist: true});
		h.ec2.on(DeleteSecurityGroupCommand).rejects(awsError('InvalidGroup.NotFound', 400, "The security group 'sg-0gone' does not exist"));

		await securityGroup.undo!(h.undoContext(securityGroup, {previous: {groupId: 'sg-0gone', vpcId: 'vpc-0123'}}));

		expect(h.ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(1);
		expect(h.resources.has('security-group:sg-0gone')).toBe(false);
	});

	it('deletes only groups tagged for the stack or recorded by it', async () => {
		const h = setup();
		world(h, () => [], () => [group([], {GroupId: 'sg-0tagged'})]);
		h.ec2.on(DeleteSecurityGroupCommand).resolves({});

		await securityGroup.undo!(h.undoContext(securityGroup));

		expect(h.ec2.commandCalls(DeleteSecurityGroupCommand).map((call) => call.args[0].input.GroupId)).toEqual(['sg-0tagged']);
		const describe = h.ec2.commandCalls(DescribeSecurityGroupsCommand)[0]!.args[0].input;
		expect(describe.Filters).toEqual([{Name: 'tag:hoist:stack', Values: ['demo']}]);
	});
});
