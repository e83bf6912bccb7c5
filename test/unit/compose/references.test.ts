import {describe, expect, it} from 'vitest';
import {load, problems, webWith} from './project-dir.js';

// Names a service uses must be declared; Compose would refuse the file, but only on the server.
describe('references', () => {
	it('depends_on a service that does not exist, or on itself', () => {
		expect(problems(webWith('depends_on: [dbb]').replace('services:', 'services:\n  db: {image: postgres:16}'))).toEqual([
			'docker-compose.yml:6:18: services.web.depends_on[0]: web depends on "dbb", which is not a service in this file (did you mean "db"?)',
		]);
		expect(problems(webWith('depends_on:', '  web: {condition: service_started}'))).toEqual([
			'docker-compose.yml:6:7: services.web.depends_on.web: web depends on itself; remove this entry',
		]);
	});

	it('a network or a named volume that is not declared', () => {
		const text = `${webWith('networks: [front, backend]', 'volumes: ["appdat:/data", "./local:/local"]')}networks:\n  front: {}\nvolumes:\n  appdata: {}\n`;
		expect(problems(text, {files: {'local/a': 'x'}})).toEqual([
			'docker-compose.yml:5:23: services.web.networks[1]: "backend" is not declared under the top-level networks:; declare it there or fix the name',
			'docker-compose.yml:6:15: services.web.volumes[0]: "appdat" is not declared under the top-level volumes: (did you mean "appdata"?); declare it there, or write ./appdat for a folder beside the compose file',
		]);
	});

	it('declared names, the default network and anonymous volumes are fine', () => {
		const text = `${webWith('networks: {front: {aliases: [site]}, default: null}', 'volumes: ["appdata:/data", "/cache", {type: tmpfs, target: /tmp}]')}networks:\n  front: {}\nvolumes:\n  appdata: {}\n`;
		expect(load(text).services['web']?.networks).toEqual(['front', 'default']);
	});

	it('a secret or config a service uses that is not declared at the top level (issue 17)', () => {
		const text = `${webWith('secrets: [db_password, {source: api_key}]', 'configs: [app_conf]')}secrets:\n  db_pasword: {file: ./pw.txt}\n`;
		expect(problems(text, {files: {'pw.txt': 'x'}})).toEqual([
			'docker-compose.yml:5:15: services.web.secrets[0]: "db_password" is not declared under the top-level secrets: (did you mean "db_pasword"?); declare it there (e.g. db_password: {file: ./db_password.txt}) or fix the name',
			'docker-compose.yml:5:37: services.web.secrets[1].source: "api_key" is not declared under the top-level secrets:; declare it there (e.g. api_key: {file: ./api_key.txt}) or fix the name',
			'docker-compose.yml:6:15: services.web.configs[0]: "app_conf" is not declared under the top-level configs:; declare it there (e.g. app_conf: {file: ./app_conf.txt}) or fix the name',
		]);
	});

	it('depends_on that goes round in a circle, reported once where it closes (issue 17)', () => {
		const text = [
			'services:',
			'  web: {image: ghcr.io/acme/web:1, expose: ["8080"], depends_on: [api]}',
			'  api: {image: ghcr.io/acme/api:1, depends_on: {db: {condition: service_healthy}}}',
			'  db: {image: postgres:16, depends_on: [web]}',
			'  cache: {image: redis:7, depends_on: [cache2]}',
			'  cache2: {image: redis:7, depends_on: [cache]}',
			'',
		].join('\n');
		expect(problems(text)).toEqual([
			'docker-compose.yml:4:41: services.db.depends_on[0]: depends_on goes round in a circle: web → api → db → web, so Compose cannot start any of them; remove one of these dependencies',
			'docker-compose.yml:6:41: services.cache2.depends_on[0]: depends_on goes round in a circle: cache → cache2 → cache, so Compose cannot start any of them; remove one of these dependencies',
		]);
	});

	it('a circle through thousands of services is found without overflowing the stack, its names shortened', () => {
		const count = 5000;
		const lines = ['services:', '  web: {image: ghcr.io/acme/web:1, expose: ["8080"], depends_on: [s0]}'];
		for (let index = 0; index < count; index++) lines.push(`  s${index}: {image: busybox, depends_on: [${index + 1 < count ? `s${index + 1}` : 'web'}]}`);
		const found = problems(`${lines.join('\n')}\n`);
		expect(found).toEqual([
			`docker-compose.yml:${count + 2}:40: services.s${count - 1}.depends_on[0]: depends_on goes round in a circle: web → s0 → s1 → s2 → s3 → s4 → …${count - 5} more → web, so Compose cannot start any of them; remove one of these dependencies`,
		]);
	});

	it('a chain without a circle, and the same service waited for by many, are fine', () => {
		const text = ['services:', '  web: {image: ghcr.io/acme/web:1, expose: ["8080"], depends_on: [api, db]}', '  api: {image: ghcr.io/acme/api:1, depends_on: [db]}', '  db: {image: postgres:16}', ''].join('\n');
		expect(Object.keys(load(text).services)).toEqual(['web', 'api', 'db']);
	});
});
