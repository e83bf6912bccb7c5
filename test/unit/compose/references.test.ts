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
});
