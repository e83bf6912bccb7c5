import {expect, it} from 'vitest';
import {checkAwsEnvironment} from '../../../source/aws/environment.js';
import {UserError} from '../../../source/errors.js';

const aws = {sshCidr: '10.77.0.1/32', instanceType: 't3.micro', volumeGiB: 10};
const refusal = (env: NodeJS.ProcessEnv, settings: object = aws): UserError => {
	try {
		checkAwsEnvironment({AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env}, settings as never);
	} catch (error) {
		return error as UserError;
	}
	throw new Error('accepted');
};

it.each([
	[{AWS_ENDPOINT_URL: 'not a url'}, /^AWS_ENDPOINT_URL is set to "not a url", which is not an http:\/\/ or https:\/\/ URL\.$/],
	[{AWS_REGION: 'us east 1'}, /^AWS_REGION is set to "us east 1"/],
	[{AWS_PROFILE: 'nope'}, /^The AWS profile "nope" \(from AWS_PROFILE\) is not in \/dev\/null or \/dev\/null\.$/],
	[{AWS_USE_DUALSTACK_ENDPOINT: 'yes'}, /^AWS_USE_DUALSTACK_ENDPOINT is set to "yes"/],
])('%o is refused with its variable named, as a user error', (env, message) => {
	const error = refusal(env);
	expect(error).toBeInstanceOf(UserError);
	expect(error.exitCode).toBe(2);
	expect(error.message).toMatch(message);
});

it('accepts a sound environment, and leaves AWS_REGION to the SDK when hoist.yml names the region', () => {
	expect(() => checkAwsEnvironment({AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9'}, aws as never)).not.toThrow();
	expect(() => checkAwsEnvironment({AWS_REGION: 'nonsense'}, {...aws, region: 'eu-west-1'} as never)).not.toThrow();
});
