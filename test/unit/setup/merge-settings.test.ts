import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parseConfig} from '../../../source/config/load.js';
import {UserError} from '../../../source/errors.js';
import type {SetupAnswers} from '../../../source/setup/answers.js';
import {mergedValue, mergeInto, readMergeSettings} from '../../../source/setup/merge-settings.js';
import {renderConfig} from '../../../source/setup/render-config.js';
import {folderWithFixtureCompose, shopApiAnswers} from '../../helpers/setup-answers.js';

let dir: string;
beforeEach(() => {
	dir = folderWithFixtureCompose('hoist-merge-');
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const {registry: _, ...withoutRegistry} = shopApiAnswers({staging: false, target: {kind: 'aws', region: 'us-east-1', instanceType: 't3.micro', sshCidr: '10.77.0.1/32'}});
const answers: SetupAnswers = withoutRegistry;

describe('hoist init --merge: settings the setup does not ask about', () => {
	it('are set in the written hoist.yml, which keeps its comments and loads with them', () => {
		const file = join(dir, 'extra.yml');
		writeFileSync(file, 'ssh:\n  waitSeconds: 30\nacme:\n  directory: https://10.77.0.1:14000/dir\n  caaIdentities: [pebble.letsencrypt.org]\ndns:\n  resolvers: [10.77.0.1]\n  publicResolvers: [10.77.0.1, 10.77.0.3]\ncaddy:\n  image: 10.77.0.1:5000/library/caddy:2\naws:\n  instanceType: t3.small\n');
		const settings = readMergeSettings(file);
		expect(mergedValue(settings, 'acme.directory')).toBe('https://10.77.0.1:14000/dir');
		const text = mergeInto(renderConfig(answers, '2026-11-30'), settings);
		expect(text).toContain('# The name your backend answers on.');
		expect(text).toContain('  resolvers: [ 10.77.0.1 ]');
		const config = parseConfig(text, 'hoist.yml', dir);
		expect(config.ssh.waitSeconds).toBe(30);
		expect(config.acme).toMatchObject({directory: 'https://10.77.0.1:14000/dir', caaIdentities: ['pebble.letsencrypt.org'], email: 'me@example.com', staging: false});
		expect(config.dns).toMatchObject({resolvers: ['10.77.0.1'], publicResolvers: ['10.77.0.1', '10.77.0.3']});
		expect(config.caddy.image).toBe('10.77.0.1:5000/library/caddy:2');
		// A merged value replaces the answer.
		expect(config.aws?.instanceType).toBe('t3.small');
		expect(config.aws?.sshCidr).toBe('10.77.0.1/32');
	});

	it('a file that is not settings is refused before any question', () => {
		const file = join(dir, 'bad.yml');
		writeFileSync(file, '- just\n- a list\n');
		expect(() => readMergeSettings(file)).toThrow(UserError);
		expect(() => readMergeSettings(join(dir, 'missing.yml'))).toThrow(/missing\.yml/);
	});
});
