import {readFileSync} from 'node:fs';
import {AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, DetachUserPolicyCommand, IAMClient, PutUserPolicyCommand} from '@aws-sdk/client-iam';
import {afterEach, expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {motoApi} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();
afterEach(async () => {
	await motoApi('reset-auth', 'inf'); // auth is global in moto: always switch it off again
});

function iam(credentials: {accessKeyId: string; secretAccessKey: string}): IAMClient {
	return new IAMClient({endpoint: emulator.sandbox().AWS_ENDPOINT_URL_IAM, region: emulator.sandbox().AWS_REGION, credentials, maxAttempts: 1});
}

it('a call the IAM policy denies mid-run: a clear error naming the call and permission, a valid journal, and a resume once it is allowed', async () => {
	const admin = iam({accessKeyId: emulator.sandbox().AWS_ACCESS_KEY_ID, secretAccessKey: emulator.sandbox().AWS_SECRET_ACCESS_KEY});
	await admin.send(new CreateUserCommand({UserName: 'deployer'}));
	const key = (await admin.send(new CreateAccessKeyCommand({UserName: 'deployer'}))).AccessKey!;
	const credentials = {accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!};
	const allowAll = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['ec2:*', 'iam:*', 'sts:*'], Resource: '*'}]};
	await admin.send(new PutUserPolicyCommand({UserName: 'deployer', PolicyName: 'allow-all', PolicyDocument: JSON.stringify(allowAll)}));
	const deny = {Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: 'ec2:AssociateAddress', Resource: '*'}]};
	const denyArn = (await admin.send(new CreatePolicyCommand({PolicyName: 'deny-associate', PolicyDocument: JSON.stringify(deny)}))).Policy!.Arn!;
	await admin.send(new AttachUserPolicyCommand({UserName: 'deployer', PolicyArn: denyArn}));
	await motoApi('reset-auth', '0'); // from now on every call is checked against IAM

	const stack = emulator.stack({stack: 'denied'});
	const asDeployer = {AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey};
	const first = await stack.run(['up'], asDeployer);
	expect(first.code, first.stdout + first.stderr).toBe(2);
	expect(first.stdout).toContain('✖ Attach a stable public address');
	expect(first.stdout).toContain('Error: AWS refused ec2:AssociateAddress: the credentials in use lack the permission ec2:AssociateAddress.');
	expect(first.stdout).toContain('not authorized to perform: ec2:AssociateAddress');
	expect(first.stdout).toContain('Run `hoist up` again: it resumes at step elastic-ip.');
	expect(first.stdout).not.toMatch(/^\s+at /m);
	const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {steps: Record<string, {status: string; error?: {code: string}}>};
	expect(journal.steps['launch-instance']?.status).toBe('done');
	expect(journal.steps['elastic-ip']).toMatchObject({status: 'failed', error: {code: 'AWS_ACCESS_DENIED'}});

	await iam(credentials).send(new DetachUserPolicyCommand({UserName: 'deployer', PolicyArn: denyArn}));
	const second = await stack.run(['up', '--json'], asDeployer);
	expect(second.code, second.stdout + second.stderr).toBe(0);
	const ran = second.events.filter((event) => event['type'] === 'step-done' && event['reused'] === false).map((event) => event['stepId']);
	expect(ran).toEqual(['compose', 'preflight', 'elastic-ip', 'target', 'ssh-ready', 'bootstrap', 'registry-login', 'upload', 'deploy', 'dns', 'certificate']);
	expect((await stack.run(['destroy', '--yes'], asDeployer)).code).toBe(0);
	await motoApi('reset-auth', 'inf'); // the inventory reads with the emulator's own credentials
	expect((await stack.inventory()).taggedCount).toBe(0);
});

it('no credentials anywhere: exit 2 at preflight, saying where hoist looked and what to run', async () => {
	const stack = emulator.stack({stack: 'nocreds'});
	const result = await stack.run(['up'], {AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined});
	expect(result.code).toBe(2);
	expect(result.stdout).toContain('✖ Check AWS account and region');
	expect(result.stdout).toContain('Error: No AWS credentials were found.');
	expect(result.stdout).toContain('Run `aws configure`');
});

it('credentials AWS does not accept (expired, revoked): exit 2 naming the call, nothing created', async () => {
	await motoApi('reset-auth', '0'); // the emulator now checks keys: the fake ones are unknown to it
	const stack = emulator.stack({stack: 'badcreds'});
	const result = await stack.run(['up']);
	expect(result.code).toBe(2);
	expect(result.stdout).toContain('Error: AWS did not accept the credentials (');
	expect(result.stdout).toContain('when hoist called sts:GetCallerIdentity');
	expect(result.stdout).toContain('aws sso login');
	await motoApi('reset-auth', 'inf');
	expect((await stack.inventory()).taggedCount).toBe(0);
});
