import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {readAwsProfiles} from '../../../source/setup/aws-profiles.js';

let home: string;
beforeEach(() => {
	home = mkdtempSync(join(tmpdir(), 'hoist-aws-'));
	mkdirSync(join(home, '.aws'));
});
afterEach(() => rmSync(home, {recursive: true, force: true}));

const config = `[default]
region = us-east-1

[profile work]
region=eu-west-1 ; the office
s3 =
  max_concurrent_requests = 20
  region = ap-south-1

# [profile commented]
[sso-session corp]
sso_region = us-east-2

[profile ci]
output = json
`;
const credentials = `[default]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[legacy]
aws_access_key_id = AKIAEXAMPLE2
region = sa-east-1

[work]
region = us-west-2
`;

describe('the AWS profiles the setup offers', () => {
	it('reads profiles and regions from ~/.aws/config and ~/.aws/credentials (config wins), never their keys', () => {
		writeFileSync(join(home, '.aws', 'config'), config);
		writeFileSync(join(home, '.aws', 'credentials'), credentials);
		const found = readAwsProfiles({}, home);
		expect(found.profiles).toEqual([
			{name: 'default', region: 'us-east-1'},
			{name: 'work', region: 'eu-west-1'},
			{name: 'ci'},
			{name: 'legacy', region: 'sa-east-1'},
		]);
		expect(found.current).toBe('default');
		expect(found.environmentRegion).toBeUndefined();
		expect(JSON.stringify(found)).not.toContain('AKIA');
	});

	it('AWS_PROFILE and AWS_REGION decide what is current, as in the SDK', () => {
		writeFileSync(join(home, '.aws', 'config'), config);
		expect(readAwsProfiles({AWS_PROFILE: 'work'}, home)).toMatchObject({current: 'work'});
		expect(readAwsProfiles({AWS_PROFILE: 'work'}, home).environmentRegion).toBeUndefined();
		expect(readAwsProfiles({AWS_PROFILE: 'work', AWS_REGION: 'ca-central-1'}, home)).toMatchObject({current: 'work', environmentRegion: 'ca-central-1'});
		expect(readAwsProfiles({AWS_DEFAULT_REGION: 'ap-south-1'}, home).environmentRegion).toBe('ap-south-1');
	});

	it('follows AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE; missing files mean no profiles', () => {
		const elsewhere = join(home, 'elsewhere.ini');
		writeFileSync(elsewhere, '[profile other]\nregion = eu-north-1\n');
		const found = readAwsProfiles({AWS_CONFIG_FILE: elsewhere, AWS_SHARED_CREDENTIALS_FILE: join(home, 'none')}, home);
		expect(found.profiles).toEqual([{name: 'other', region: 'eu-north-1'}]);
		expect(found.configFile).toBe(elsewhere);
		expect(readAwsProfiles({}, join(home, 'nobody')).profiles).toEqual([]);
	});
});
