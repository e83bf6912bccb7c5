import {describe, expect, it} from 'vitest';
import {composeSchema, composeValidator} from '../../../source/compose/schema.js';
import {load, problems, webWith} from './project-dir.js';

// Rule 3: the Compose specification's schema, with ajv, in words at the node's place.
describe('schema check', () => {
	it('compiles the packaged schema (draft 2019-09) in strict mode', () => {
		expect(composeSchema()['$schema']).toBe('https://json-schema.org/draft/2019-09/schema');
		expect(composeValidator().validate({services: {web: {image: 'busybox'}}})).toBe(true);
	});

	it('an unknown key, with a suggestion', () => {
		expect(problems(webWith('enviroment: {A: "1"}'))).toEqual(['docker-compose.yml:5:5: services.web.enviroment: unknown key (did you mean "environment"?)']);
		expect(problems(`servces:\n  web: {}\n`)).toEqual(['docker-compose.yml:1:1: servces: unknown key (did you mean "services"?)']);
	});

	it('an unknown key without a close match says what fits', () => {
		expect(problems(`${webWith()}colour: blue\n`)).toEqual([
			'docker-compose.yml:5:1: colour: unknown key (expected one of version, services, networks, volumes, secrets, configs, name, include; your own keys must start with "x-")',
		]);
		expect(problems(webWith('frobnicate: true'))).toEqual(['docker-compose.yml:5:5: services.web.frobnicate: unknown key (your own keys must start with "x-")']);
	});

	it('extension keys (x-…) are allowed at the top and in a service', () => {
		expect(Object.keys(load(`x-notes: anything\n${webWith('x-team: payments')}`).services)).toEqual(['web']);
	});

	it('a service name with characters Compose does not allow', () => {
		expect(problems('services:\n  "my web":\n    image: busybox\n')).toEqual([
			'docker-compose.yml:2:3: services.my web: "my web" is not a valid name; use letters, digits, ".", "_" and "-"',
		]);
	});

	it('wrong types, in words', () => {
		expect(problems(webWith('restart: [always]'))).toEqual(['docker-compose.yml:5:14: services.web.restart: expected a string, got a list']);
		expect(problems(webWith('command: {run: server}'))).toEqual(['docker-compose.yml:5:14: services.web.command: expected a string or a list, got a mapping']);
		expect(problems(webWith('environment: production'))).toEqual([
			'docker-compose.yml:5:18: services.web.environment: expected a mapping (key: value) or a list, got "production"',
		]);
		expect(problems('services: [web]\n')).toEqual(['docker-compose.yml:1:11: services: expected a mapping (key: value), got a list']);
	});

	it('only the branch of a oneOf that fits the value is explained', () => {
		expect(problems(webWith('ports:', '  - target: http', '    published: 8080'))).toEqual([
			'docker-compose.yml:6:17: services.web.ports[0].target: expected a whole number, got "http"',
		]);
		expect(problems(webWith('depends_on:', '  db:', '    condition: service_health', 'x-db: 1'))).toEqual([
			'docker-compose.yml:7:20: services.web.depends_on.db.condition: expected one of service_started, service_healthy, service_completed_successfully, got "service_health" (did you mean "service_healthy"?)',
		]);
	});

	it('port, expose and duration formats', () => {
		expect(problems(webWith('ports: ["8080:http"]'))).toEqual([
			'docker-compose.yml:5:13: services.web.ports[0]: "8080:http" is not a port mapping: "http" is not a port number or range (e.g. "8080", "8080:80" or "127.0.0.1:8080:80/tcp")',
		]);
		expect(problems(webWith('ports: [70000]'))).toEqual(['docker-compose.yml:5:13: services.web.ports[0]: 70000 is not a port number (1–65535)']);
		expect(problems(webWith('healthcheck:', '  test: ["CMD", "true"]', '  interval: 5 seconds'))).toEqual([
			'docker-compose.yml:7:17: services.web.healthcheck.interval: "5 seconds" is not a duration; write it like "30s", "1m30s" or "2h"',
		]);
		expect(problems('services:\n  web:\n    image: ghcr.io/acme/web:1\n    expose: ["8080/http"]\n')).toEqual([
			'docker-compose.yml:4:14: services.web.expose[0]: "8080/http" is not a port to expose: "http" is not a protocol (tcp, udp or sctp)',
		]);
	});

	it('a missing required key and a repeated list item', () => {
		expect(problems(webWith('ulimits:', '  nofile: {soft: 1024}'))).toEqual(['docker-compose.yml:6:15: services.web.ulimits.nofile: "hard" is missing here']);
		expect(problems(webWith('cap_add: [NET_ADMIN, NET_ADMIN]'))).toEqual(['docker-compose.yml:5:26: services.web.cap_add[1]: "NET_ADMIN" is listed twice']);
	});

	it('interpolated numbers and booleans are converted before the check, as Compose does', () => {
		const text = webWith('ports:', '  - target: ${PORT}', '    published: "9090"', 'read_only: ${RO:-yes}');
		const project = load(text, {env: {PORT: '8080'}});
		expect(project.services['web']?.publishedPorts).toEqual([{host: 9090, container: 8080, protocol: 'tcp'}]);
		expect(problems(text, {env: {PORT: 'eighty'}})).toEqual(['docker-compose.yml:6:17: services.web.ports[0].target: expected a whole number, got "eighty"']);
	});

	it('shows the first five problems in order and counts the rest', () => {
		const text = ['services:', ...Array.from({length: 7}, (_, index) => `  s${index}: {image: busybox, restart: [no]}`), ''].join('\n');
		expect(problems(text, {web: {service: 's0', port: 80}})).toEqual([
			'docker-compose.yml:2:33: services.s0.restart: expected a string, got a list',
			'docker-compose.yml:3:33: services.s1.restart: expected a string, got a list',
			'docker-compose.yml:4:33: services.s2.restart: expected a string, got a list',
			'docker-compose.yml:5:33: services.s3.restart: expected a string, got a list',
			'docker-compose.yml:6:33: services.s4.restart: expected a string, got a list',
			'…and 2 more',
		]);
	});
});
