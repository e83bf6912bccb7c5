import {expect, it} from 'vitest';
import {assertLocalAws, cleanEnv, runCli} from '../helpers/run-cli.js';

it('tests give hoist a closed loopback endpoint by default, never AWS', () => {
	expect(cleanEnv()['AWS_ENDPOINT_URL']).toBe('http://127.0.0.1:9');
	expect(() => assertLocalAws(cleanEnv())).not.toThrow();
	expect(() => assertLocalAws(cleanEnv({AWS_ENDPOINT_URL_EC2: 'http://10.77.0.1:4566'}))).not.toThrow();
});

it.each([
	['no endpoint at all', {AWS_ENDPOINT_URL: undefined}],
	['a real AWS endpoint', {AWS_ENDPOINT_URL_EC2: 'https://ec2.us-east-1.api.aws'}],
	['a public address', {AWS_ENDPOINT_URL: 'http://203.0.113.9:80'}],
	['the switch that makes the SDK ignore endpoints', {AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true'}],
])('refuses to run hoist with %s', async (_name, env) => {
	expect(() => assertLocalAws(cleanEnv(env))).toThrow();
	await expect(runCli(['--version'], {cwd: '/', env})).rejects.toThrow();
});
