import {rmSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseConfig} from '../../../source/config/load.js';
import type {SetupAnswers} from '../../../source/setup/answers.js';
import {keepSections, renderConfig, scalar} from '../../../source/setup/render-config.js';
import {folderWithFixtureCompose, shopApiAnswers} from '../../helpers/setup-answers.js';

let dir: string;
beforeAll(() => {
	dir = folderWithFixtureCompose('hoist-render-');
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const aws = shopApiAnswers({target: {kind: 'aws', profile: 'work', region: 'eu-west-1', instanceType: 't4g.small', sshCidr: '203.0.113.7/32', elasticIp: 'eipalloc-0123456789abcdef0'}});
const bare: SetupAnswers = {
	stack: 'ab',
	composeFile: 'docker-compose.yml',
	service: 'web',
	port: 80,
	domain: 'x.example.org',
	staging: false,
	target: {kind: 'aws', region: 'us-east-1', instanceType: 'c7g.large', sshCidr: '2001:db8::/48'},
};
const base = (staging: boolean) => ({stack: 'on', composeFile: 'docker-compose.yml', service: 'true', port: 1, domain: 'xn--bcher-kva.example', staging});
const server: SetupAnswers = {
	stack: 'home-lab',
	composeFile: 'docker-compose.yml',
	service: 'web',
	port: 3000,
	domain: 'lab.example.net',
	staging: true,
	target: {kind: 'server', host: '192.168.64.5', user: 'deploy', port: 2222},
	registry: {server: 'registry.example.com:5000', username: 'ci-bot'},
};

describe('the hoist.yml the setup writes', () => {
	it.each([['AWS with everything', aws], ['AWS with nothing optional', bare], ['an existing server', server]])('%s: hoist.yml\'s loader reads back every answer', (_, answers) => {
		const text = renderConfig(answers, '2026-11-30');
		const config = parseConfig(text, 'hoist.yml', dir);
		expect(config.stack).toBe(answers.stack);
		expect(config.domain).toBe(answers.domain);
		expect(config.compose.file).toBe(answers.composeFile);
		expect(config.routes).toMatchObject([{service: answers.service, port: answers.port}]);
		expect(config.acme.email).toBe(answers.email);
		expect(config.acme.staging).toBe(answers.staging);
		expect(config.registry).toEqual(answers.registry && [{...answers.registry, tokenVariable: 'HOIST_REGISTRY_TOKEN'}]);
		if (answers.target.kind === 'aws') {
			const {kind: _kind, ...expected} = answers.target;
			expect(config.server).toBeUndefined();
			expect(config.aws).toEqual({...expected, volumeGiB: 10});
		} else {
			const {kind: _kind, ...expected} = answers.target;
			expect(config.aws).toBeUndefined();
			expect(config.server).toEqual(expected);
		}
	});

	it('every combination of the optional answers round-trips, values YAML would misread included', () => {
		let checked = 0;
		for (const target of [aws.target, bare.target, server.target, {...server.target, user: 'null', host: 'yes'}]) {
			for (const email of [undefined, 'me@example.com']) {
				for (const registry of [undefined, {server: 'ghcr.io', username: '1234'}]) {
					for (const staging of [true, false]) {
						const answers: SetupAnswers = {...base(staging), target, ...(email ? {email} : {}), ...(registry ? {registry} : {})};
						const config = parseConfig(renderConfig(answers, '2026-11-30'), 'hoist.yml', dir);
						expect(config.routes[0]!.service).toBe('true');
						expect(config.acme.email).toBe(email);
						expect(config.registry).toEqual(registry && [{...registry, tokenVariable: 'HOIST_REGISTRY_TOKEN'}]);
						expect(config.acme.staging).toBe(staging);
						const {kind, ...where} = target;
						expect(kind === 'aws' ? config.aws : config.server).toMatchObject(where);
						checked++;
					}
				}
			}
		}
		expect(checked).toBe(32);
	});

	it('with more services answering HTTP: routes, read back as the loader reads them', () => {
		const answers = shopApiAnswers({moreRoutes: [{service: 'admin', port: 9000, domain: 'admin.example.com'}, {service: 'web', port: 8080, path: '/api', stripPrefix: true}]});
		const text = renderConfig(answers, '2026-12-07');
		expect(text).toContain('routes:\n  - {service: web, port: 8080, domains: [api.example.com]}\n  - {service: admin, port: 9000, domains: [admin.example.com]}\n');
		expect(text).not.toMatch(/^domain:/m);
		const config = parseConfig(text, 'hoist.yml', dir);
		expect(config.routes).toEqual([
			{service: 'web', port: 8080, domains: ['api.example.com'], stripPrefix: false, healthPath: '/'},
			{service: 'admin', port: 9000, domains: ['admin.example.com'], stripPrefix: false, healthPath: '/'},
			{service: 'web', port: 8080, domains: ['api.example.com'], path: '/api', stripPrefix: true, healthPath: '/'},
		]);
	});

	it('is commented, dated, and says where the token comes from without holding one', () => {
		const text = renderConfig(aws, '2026-11-30');
		expect(text).toMatch(/^# hoist\.yml, written by `hoist init` on 2026-11-30\./);
		expect(text).toContain('export HOIST_REGISTRY_TOKEN=…');
		expect(text).toContain('# Your own Elastic IP: hoist attaches it and never releases it.');
		expect(text).toContain('# 2 vCPUs, 2 GiB, arm64, ARM: your images need an arm64 build.');
		expect(text).not.toMatch(/\{\{|@[A-Z_]+@/);
		expect(text).not.toMatch(/^\s*(token|password):/m);
		expect(renderConfig(bare, '2026-11-30')).toContain('# Without elasticIp hoist allocates a new Elastic IP');
		expect(renderConfig(bare, '2026-11-30')).not.toContain('HOIST_REGISTRY_TOKEN');
	});

	it('quotes a value only when YAML would read it as something else', () => {
		expect(scalar('web')).toBe('web');
		expect(scalar('registry.example.com:5000')).toBe('registry.example.com:5000');
		expect(scalar('true')).toBe('"true"');
		expect(scalar('8080')).toBe('"8080"');
		expect(scalar('a #b')).toBe('"a #b"');
		expect(scalar('- x')).toBe('"- x"');
	});

	it('sections that do not match their template fail loudly, not on the user\'s disk', () => {
		expect(keepSections('a\n{{#on}}\nb\n{{/on}}\n{{#off}}\nc\n{{/off}}', {on: true, off: false})).toBe('a\nb');
		expect(() => keepSections('{{#unknown}}\n{{/unknown}}', {})).toThrow('template section {{#unknown}} has no value');
		expect(() => keepSections('{{#on}}\nb', {on: true})).toThrow('never closed');
	});
});
