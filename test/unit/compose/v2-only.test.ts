import {describe, expect, it} from 'vitest';
import {load, problems} from './project-dir.js';

// Rule 9: features only docker compose v2 knows are collected always, and refused when the server has 1.29.
const compose = [
	'name: shop',
	'services:',
	'  web:',
	'    image: ghcr.io/acme/web:1',
	'    expose: ["8080"]',
	'    env_file:',
	'      - path: web.env',
	'        required: false',
	'    depends_on:',
	'      db: {condition: service_started, required: true, restart: true}',
	'    develop:',
	'      watch: [{path: ./src, action: sync, target: /app}]',
	'    configs: [motd]',
	'    secrets: [token]',
	'  db:',
	'    image: postgres:16',
	'configs:',
	'  motd: {content: "hello"}',
	'secrets:',
	'  token: {environment: API_TOKEN}',
	'',
].join('\n');

describe('v2-only features', () => {
	it('are listed, with their place, when the engine is v2 or not known yet', () => {
		for (const engine of [undefined, 'v2'] as const) {
			const project = load(compose, {env: {API_TOKEN: 't0k3n'}, ...(engine ? {engine} : {})});
			expect(project.v2Only).toEqual([
				{feature: 'the top-level name:', where: 'docker-compose.yml:1:1'},
				{feature: 'configs.motd.content:', where: 'docker-compose.yml:18:10'},
				{feature: 'secrets.token.environment:', where: 'docker-compose.yml:20:11'},
				{feature: 'develop:', where: 'docker-compose.yml:11:5'},
				{feature: 'depends_on required:', where: 'docker-compose.yml:10:40'},
				{feature: 'depends_on restart:', where: 'docker-compose.yml:10:56'},
				{feature: 'the long syntax of env_file (path:, required:)', where: 'docker-compose.yml:7:9'},
			]);
			expect(project.fromEnvironment).toEqual({API_TOKEN: 't0k3n'});
		}
	});

	it('are problems, each with a fix, when the server has docker-compose 1.29', () => {
		expect(problems(compose, {engine: 'v1', env: {API_TOKEN: 't0k3n'}})).toEqual([
			'docker-compose.yml:1:1: name: the server has docker-compose 1.29, which does not know the top-level name:; remove it (1.29 names the project after the folder or -p)',
			'docker-compose.yml:7:9: services.web.env_file[0]: the server has docker-compose 1.29, which does not know the long syntax of env_file (path:, required:); write the path alone (- web.env) and make sure the file exists',
			'docker-compose.yml:10:40: services.web.depends_on.db.required: the server has docker-compose 1.29, which does not know depends_on required:; remove required: and keep condition:',
			'docker-compose.yml:10:56: services.web.depends_on.db.restart: the server has docker-compose 1.29, which does not know depends_on restart:; remove restart: and keep condition:',
			'docker-compose.yml:11:5: services.web.develop: the server has docker-compose 1.29, which does not know develop:; remove it (it is for docker compose watch on your machine)',
			'…and 2 more',
		]);
	});

	it('a file without them has none, and loads for v1', () => {
		const plain = ['services:', '  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', '    env_file: [web.env]', ''].join('\n');
		expect(load(plain, {engine: 'v1', files: {'web.env': 'A=1\n'}}).v2Only).toEqual([]);
	});

	it('include: is refused for every engine: hoist would neither check nor copy the included files', () => {
		const text = ['include: [./db.yml]', 'services:', '  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', ''].join('\n');
		const expected = [
			'docker-compose.yml:1:1: include: hoist does not read included files yet, so it could neither check them nor copy them to the server; move their services into this file',
		];
		expect(problems(text)).toEqual(expected);
		expect(problems(text, {engine: 'v1'})).toEqual(expected);
	});
});
