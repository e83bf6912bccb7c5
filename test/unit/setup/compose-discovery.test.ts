import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {discoverServices, findComposeFile, guessRegistry, guessWebService, serviceProblem} from '../../../source/setup/compose-discovery.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'hoist-discover-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('the compose file the setup finds', () => {
	it('is the one Compose would pick: compose.yaml before docker-compose.yml', () => {
		expect(findComposeFile(dir)).toBeUndefined();
		writeFileSync(join(dir, 'docker-compose.yml'), 'services: {}\n');
		expect(findComposeFile(dir)).toBe('docker-compose.yml');
		writeFileSync(join(dir, 'compose.yaml'), 'services: {}\n');
		expect(findComposeFile(dir)).toBe('compose.yaml');
	});

	it('lists the fixture app\'s services, with the port from expose:, and guesses web', () => {
		copyFileSync(join(import.meta.dirname, '../../fixtures/app/docker-compose.yml'), join(dir, 'docker-compose.yml'));
		const found = discoverServices(join(dir, 'docker-compose.yml'), {});
		expect(found).toEqual({
			ok: true,
			services: [
				{name: 'migrate', image: '10.77.0.1:5000/hoist/migrate:v1', ports: [], oneShot: true},
				{name: 'seed', image: '10.77.0.1:5000/hoist/migrate:v1', ports: [], oneShot: true},
				{name: 'web', image: '10.77.0.1:5000/hoist/web:v1', ports: [8080], oneShot: false},
			],
		});
		if (found.ok) expect(guessWebService(found.services)?.name).toBe('web');
	});

	it('suggests the port from ports: (the container side) when there is no expose:, and the service that has one', () => {
		writeFileSync(join(dir, 'compose.yaml'), 'services:\n  db:\n    image: postgres:16\n  api:\n    image: ghcr.io/octocat/api:1\n    ports: ["127.0.0.1:3000:3000", "9229:9229/udp"]\n');
		const found = discoverServices(join(dir, 'compose.yaml'), {});
		expect(found.ok && found.services.find((service) => service.name === 'api')?.ports).toEqual([3000]);
		expect(found.ok && guessWebService(found.services)?.name).toBe('api');
		expect(found.ok && guessRegistry(found.services)).toEqual({server: 'ghcr.io', username: 'octocat'});
	});

	it('guesses a long-running service, never a job others wait for, even one that listens', () => {
		writeFileSync(join(dir, 'compose.yaml'), 'services:\n  setup:\n    image: ghcr.io/octocat/setup:1\n    expose: ["9000"]\n  api:\n    image: ghcr.io/octocat/api:1\n    depends_on:\n      setup:\n        condition: service_completed_successfully\n');
		const found = discoverServices(join(dir, 'compose.yaml'), {});
		expect(found.ok && found.services.map((service) => [service.name, service.oneShot])).toEqual([['setup', true], ['api', false]]);
		expect(found.ok && guessWebService(found.services)?.name).toBe('api');
	});

	it('says what is wrong with a file it cannot use', () => {
		expect(discoverServices(join(dir, 'nope.yml'), {})).toEqual({ok: false, problem: `there is no file ${join(dir, 'nope.yml')} here`});
		writeFileSync(join(dir, 'empty.yml'), 'volumes: {}\n');
		expect(discoverServices(join(dir, 'empty.yml'), {})).toEqual({ok: false, problem: `${join(dir, 'empty.yml')} has no services`});
		writeFileSync(join(dir, 'broken.yml'), 'services:\n\tweb: {}\n');
		const broken = discoverServices(join(dir, 'broken.yml'), {});
		expect(broken.ok).toBe(false);
		expect(!broken.ok && broken.problem).toMatch(/:2:\d+: a tab is used for indentation/);
	});

	it('a service name the file does not have is refused with the ones it has', () => {
		const services = [{name: 'web', image: 'x', ports: [], oneShot: false}, {name: 'db', image: 'y', ports: [], oneShot: false}];
		expect(serviceProblem('web', 'compose.yaml', services)).toBeUndefined();
		expect(serviceProblem('wbe', 'compose.yaml', services)).toBe('compose.yaml has no service "wbe"; it has web, db');
	});

	it('Docker Hub images suggest no registry', () => {
		expect(guessRegistry([{name: 'a', image: 'nginx:1', ports: [], oneShot: false}, {name: 'b', image: 'docker.io/library/redis', ports: [], oneShot: false}, {name: 'c', image: 'octocat/app', ports: [], oneShot: false}])).toBeUndefined();
	});
});
