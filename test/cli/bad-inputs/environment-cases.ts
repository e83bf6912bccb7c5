import {chmodSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {generateEd25519} from '../../../source/remote/openssh-key.js';
import {deployedJournal, mkfifo, put, stateFile, withConfig, type BadInput} from './case.js';

const variable = (name: string, env: NodeJS.ProcessEnv, names: RegExp, args = ['up']): BadInput => ({name, args, exit: 2, names, env: () => env});
/** A registry token that is also an ordinary word: hoist warns, works, and its output and journal stay intact. */
const weakToken = (token: string): BadInput => ({
	name: `HOIST_REGISTRY_TOKEN=${token} works, with a warning`,
	args: ['up', '--json'],
	exit: 0,
	names: /Warning: HOIST_REGISTRY_TOKEN is short or a plain word/,
	env: () => ({HOIST_REGISTRY_TOKEN: token}),
	after: (dir, result) => {
		const types = result.events.map((event) => event['type']);
		expect(types).toContain('run-finished');
		expect(result.events.filter((event) => event['type'] === 'step-done').map((event) => event['stepId'])).toEqual(['alpha', 'beta', 'gamma', 'delta']);
		expect(JSON.parse(readFileSync(join(dir, stateFile), 'utf8'))).toMatchObject({steps: {alpha: {status: 'done'}, delta: {status: 'done'}}});
	},
});

/** The AWS and hoist variables: each bad value named with its variable before any AWS call. */
export const environmentCases: BadInput[] = [
	variable('AWS_REGION with spaces', {AWS_REGION: 'us east 1'}, /AWS_REGION is set to "us east 1", which is not a region like "eu-west-1"/),
	variable('AWS_REGION in capitals', {AWS_REGION: 'EU-WEST-1'}, /AWS_REGION is set to "EU-WEST-1"/),
	variable('AWS_REGION with an escape sequence', {AWS_REGION: 'eu\u001b[2J'}, /AWS_REGION is set to "eu\\x1b\[2J"/),
	variable('AWS_PROFILE naming no profile', {AWS_PROFILE: 'nope'}, /The AWS profile "nope" \(from AWS_PROFILE\) is not in \/dev\/null/),
	variable('destroy with AWS_PROFILE naming no profile', {AWS_PROFILE: 'nope'}, /The AWS profile "nope"/, ['destroy', '--yes']),
	{...variable('aws.profile naming no profile', {}, /The AWS profile "ghost" \(from aws\.profile in hoist\.yml\)/), config: withConfig({append: '  profile: ghost\n'})},
	{
		...variable('AWS_PROFILE found in the config file passes', {AWS_PROFILE: 'work'}, /All steps done/),
		exit: 0,
		env: (dir) => ({AWS_PROFILE: 'work', AWS_CONFIG_FILE: join(dir, 'aws-config')}),
		setup: (dir) => put(dir, 'aws-config', '[profile work]\nregion = eu-west-1\n'),
	},
	// (A value that is no URL at all is refused by the tests' own guard before hoist starts: test/unit/aws/environment.test.ts.)
	variable('AWS_ENDPOINT_URL with a websocket scheme', {AWS_ENDPOINT_URL: 'ws://127.0.0.1:9'}, /AWS_ENDPOINT_URL is set to "ws:\/\/127\.0\.0\.1:9", which is not an http:\/\/ or https:\/\/ URL/),
	variable('AWS_ENDPOINT_URL_EC2 with another scheme', {AWS_ENDPOINT_URL_EC2: 'ftp://127.0.0.1:9'}, /AWS_ENDPOINT_URL_EC2 is set to "ftp:\/\/127\.0\.0\.1:9"/),
	variable('AWS_ENDPOINT_URL_STS naming a file', {AWS_ENDPOINT_URL_STS: 'file://127.0.0.1/sts'}, /AWS_ENDPOINT_URL_STS is set to "file:\/\/127\.0\.0\.1\/sts"/),
	variable('AWS_USE_FIPS_ENDPOINT that is not true or false', {AWS_USE_FIPS_ENDPOINT: 'maybe'}, /AWS_USE_FIPS_ENDPOINT is set to "maybe", which is not "true" or "false"/),
	{...variable('a bad AWS_REGION is ignored when hoist.yml names the region', {AWS_REGION: 'us east 1'}, /All steps done/), exit: 0, config: withConfig({append: '  region: eu-west-1\n'})},
	weakToken('status'),
	weakToken('done'),
	weakToken('alpha'),
	weakToken('up'),
	weakToken('step'),
	{
		...variable('AWS_CONFIG_FILE is a FIFO (no hang)', {}, /The AWS config file .*aws-config is a named pipe \(FIFO\), not a regular file[\s\S]*Point AWS_CONFIG_FILE at a regular file/),
		env: (dir) => ({AWS_CONFIG_FILE: join(dir, 'aws-config')}),
		setup: (dir) => mkfifo(join(dir, 'aws-config')),
	},
	{
		...variable('the AWS credentials file is a FIFO (no hang)', {}, /The AWS credentials file .*credentials is a named pipe \(FIFO\)[\s\S]*AWS_SHARED_CREDENTIALS_FILE/),
		env: (dir) => ({AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')}),
		setup: (dir) => mkfifo(join(dir, 'credentials')),
	},
	{
		name: 'status of a stack on AWS with AWS_CONFIG_FILE a FIFO says so (no hang)',
		args: ['status'],
		exit: 1,
		names: /instance unknown \(The AWS config file .*aws-config is a named pipe \(FIFO\)/,
		env: (dir) => ({AWS_CONFIG_FILE: join(dir, 'aws-config')}),
		setup: (dir) => {
			put(dir, stateFile, deployedJournal(dir, {target: {kind: 'aws', host: '127.0.0.1', port: 9, user: 'alpine', privateKeyPath: join(dir, '.hoist', 'id_ed25519'), identity: 'i-0abc', publicAddress: '127.0.0.1'}}));
			mkfifo(join(dir, 'aws-config'));
		},
	},
	{
		name: 'HOIST_SSH_TRACE on a full disk warns once and the command goes on',
		args: ['logs'],
		exit: 1,
		names: /Warning: HOIST_SSH_TRACE: cannot write to \/dev\/full \(the disk is full\); the run goes on without a trace\.\nError: the port is closed/,
		env: () => ({HOIST_SSH_TRACE: '/dev/full'}),
		setup: (dir) => {
			put(dir, stateFile, deployedJournal(dir));
			put(dir, '.hoist/id_ed25519', generateEd25519('hoist@demo').privateKey);
			chmodSync(join(dir, '.hoist', 'id_ed25519'), 0o600);
		},
		after: (_dir, result) => expect(result.stderr.match(/HOIST_SSH_TRACE/g)).toHaveLength(1),
	},
];
