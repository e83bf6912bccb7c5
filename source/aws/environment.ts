import {homedir} from 'node:os';
import {join} from 'node:path';
import {awsRegionPattern, type AwsSettings} from '../config/schema.js';
import {UserError} from '../errors.js';
import {readTextFile} from '../files/read-file.js';
import {printable} from '../text/printable.js';

/**
 * The AWS settings hoist takes from the environment, checked before any AWS call: a bad value is named with its
 * variable (exit 2), instead of surfacing later as "no region", a raw TypeError or an unnamed profile.
 */
export function checkAwsEnvironment(env: NodeJS.ProcessEnv, aws: AwsSettings): void {
	const region = env['AWS_REGION'];
	if (aws.region === undefined && region !== undefined && region !== '' && !awsRegionPattern.test(region)) {
		throw badVariable('AWS_REGION', region, 'a region like "eu-west-1"', 'or set aws.region in hoist.yml');
	}
	for (const [name, value] of Object.entries(env)) {
		if (!name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_ENDPOINT_URL_IGNORE' || value === undefined || value === '') continue;
		if (!isHttpUrl(value)) throw badVariable(name, value, 'an http:// or https:// URL', 'or unset it to use AWS itself');
	}
	for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
		const value = env[name];
		if (value !== undefined && value !== '' && value !== 'true' && value !== 'false') throw badVariable(name, value, '"true" or "false"', 'or unset it');
	}
	const files = awsFiles(env);
	const profile = aws.profile ?? env['AWS_PROFILE'];
	if (profile !== undefined && profile !== '') checkProfile(files, profile, aws.profile === undefined ? 'AWS_PROFILE' : 'aws.profile in hoist.yml');
}

interface AwsFile {
	path: string;
	/** The text; empty for a missing or unreadable file (the SDK reads it the same way). */
	text: string;
}

/**
 * The AWS config and credentials files, read here through the guarded reader before the SDK reads them itself:
 * a FIFO there would hold the SDK's read (and hoist with it) past Ctrl-C, a device or a folder would confuse it.
 * Anything but a regular file is refused with its variable named; /dev/null is the usual way to say "none".
 */
function awsFiles(env: NodeJS.ProcessEnv): {config: AwsFile; credentials: AwsFile} {
	return {
		config: awsFile(env['AWS_CONFIG_FILE'] || join(homedir(), '.aws', 'config'), 'AWS_CONFIG_FILE'),
		credentials: awsFile(env['AWS_SHARED_CREDENTIALS_FILE'] || join(homedir(), '.aws', 'credentials'), 'AWS_SHARED_CREDENTIALS_FILE'),
	};
}

function awsFile(path: string, variable: string): AwsFile {
	if (path === '/dev/null') return {path, text: ''};
	const what = variable === 'AWS_CONFIG_FILE' ? 'The AWS config file' : 'The AWS credentials file';
	try {
		return {path, text: readTextFile(path, {what, maxBytes: 1 << 20, nextSteps: [printable(`Point ${variable} at a regular file (or at /dev/null for none), then run the command again.`)]})};
	} catch (error) {
		if (error instanceof UserError) throw error;
		return {path, text: ''};
	}
}

function checkProfile(files: {config: AwsFile; credentials: AwsFile}, profile: string, source: string): void {
	const sections = [...sectionNames(files.config.text), ...sectionNames(files.credentials.text)];
	const wanted = new Set([`profile ${profile}`, profile]);
	if (sections.some((section) => wanted.has(section))) return;
	throw new UserError(printable(`The AWS profile "${profile}" (from ${source}) is not in ${files.config.path} or ${files.credentials.path}.`), {
		code: 'AWS_NO_PROFILE',
		hint: 'hoist finds AWS profiles where the AWS CLI does.',
		nextSteps: [
			'`aws configure list-profiles` lists the profiles you have.',
			`Create it (\`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\`), or name another one in ${source}.`,
		].map(printable),
	});
}

/** The [section] names of an AWS ini file. */
function sectionNames(text: string): string[] {
	return [...text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]/gm)].map((match) => match[1]!.replace(/\s+/g, ' '));
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

function badVariable(name: string, value: string, expected: string, alternative: string): UserError {
	return new UserError(printable(`${name} is set to "${value}", which is not ${expected}.`), {
		code: 'AWS_ENVIRONMENT',
		nextSteps: [printable(`Fix ${name} (expected ${expected}), ${alternative}, then run the command again.`)],
	});
}
