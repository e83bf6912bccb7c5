import {homedir} from 'node:os';
import {join} from 'node:path';
import {readTextFile} from '../files/read-file.js';

export interface AwsProfile {
	name: string;
	/** The profile's `region` in the config file (or the credentials file), when it has one. */
	region?: string;
}

export interface AwsProfiles {
	/** Every profile of both files, each once, in the order the files name them ("default" first when present). */
	profiles: AwsProfile[];
	/** The profile the SDK would use now: AWS_PROFILE, else "default". */
	current: string;
	/** AWS_REGION (or AWS_DEFAULT_REGION): the SDK takes it before any profile's region. */
	environmentRegion?: string;
	configFile: string;
	credentialsFile: string;
}

/**
 * The profiles of the user's AWS config and credentials files, found where the AWS CLI finds them (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/). Only names and regions are read: keys stay where they are.
 */
export function readAwsProfiles(env: NodeJS.ProcessEnv, home: string = homedir()): AwsProfiles {
	const configFile = env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config');
	const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials');
	const byName = new Map<string, AwsProfile>();
	const add = (name: string, region: string | undefined) => {
		const known = byName.get(name) ?? {name};
		// The config file is read first and wins, as in the SDK.
		if (known.region === undefined && region !== undefined && region !== '') known.region = region;
		byName.set(name, known);
	};
	for (const section of iniSections(readOptional(configFile))) {
		// In the config file a profile is [profile NAME] (and [default]); [sso-session …] and [services …] are not profiles.
		const name = section.name === 'default' ? 'default' : /^profile\s+(.+)$/.exec(section.name)?.[1];
		if (name !== undefined) add(name.trim(), section.values.get('region'));
	}
	for (const section of iniSections(readOptional(credentialsFile))) add(section.name, section.values.get('region'));
	const profiles = [...byName.values()].sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : 0));
	const current = env['AWS_PROFILE'] || 'default';
	const environmentRegion = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
	return {profiles, current, ...(environmentRegion ? {environmentRegion} : {}), configFile, credentialsFile};
}

interface IniSection {
	name: string;
	values: Map<string, string>;
}

/** The sections of an AWS ini file with their top-level `key = value` pairs (nested sub-settings are skipped). */
export function iniSections(text: string): IniSection[] {
	const sections: IniSection[] = [];
	let current: IniSection | undefined;
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.replace(/\s[#;].*$/, '');
		if (/^\s*[#;]/.test(line) || line.trim() === '') continue;
		const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
		if (header) {
			current = {name: header[1]!.replace(/\s+/g, ' '), values: new Map()};
			sections.push(current);
			continue;
		}
		// An indented line belongs to the setting above it (s3 = \n  max_concurrent_requests = 20).
		if (/^\s/.test(line)) continue;
		const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
		if (pair && current) current.values.set(pair[1]!.trim(), pair[2]!.trim());
	}
	return sections;
}

function readOptional(path: string): string {
	try {
		return readTextFile(path, {what: 'The AWS config file', maxBytes: 1 << 20});
	} catch {
		return '';
	}
}
