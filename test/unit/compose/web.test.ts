import {describe, expect, it} from 'vitest';
import {load, problems} from './project-dir.js';

// Rule 4: the service named by compose.service exists, keeps running, and listens on compose.port.
const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('the web service', () => {
	it('must exist; the message lists the services there are', () => {
		const text = lines('services:', '  api:', '    image: ghcr.io/acme/api:1', '  worker:', '    image: ghcr.io/acme/worker:1');
		expect(problems(text)).toEqual(['docker-compose.yml:1:1: services: there is no service "web" (compose.service in hoist.yml); the services are api, worker']);
		expect(load(text, {web: {service: 'api', port: 8080}}).warnings).toHaveLength(1);
	});

	it('names the hoist.yml setting the way the caller says', () => {
		const text = lines('services:', '  api:', '    image: ghcr.io/acme/api:1');
		expect(problems(text, {settings: {service: 'compose.service (hoist.yml:4:12)', port: 'compose.port (hoist.yml:5:9)'}})).toEqual([
			'docker-compose.yml:1:1: services: there is no service "web" (compose.service (hoist.yml:4:12)); the services are api',
		]);
	});

	it('with no services at all', () => {
		expect(problems('services: {}\n')).toEqual(['docker-compose.yml:1:1: services: there are no services; hoist needs the service "web" (compose.service in hoist.yml)']);
	});

	it('must not be a one-shot job', () => {
		const text = lines(
			'services:',
			'  web:',
			'    image: ghcr.io/acme/web:1',
			'    expose: ["8080"]',
			'  smoke:',
			'    image: ghcr.io/acme/smoke:1',
			'    depends_on:',
			'      web: {condition: service_completed_successfully}',
		);
		expect(problems(text)).toEqual([
			'docker-compose.yml:8:24: services.smoke.depends_on.web.condition: smoke waits for web to finish, which makes web a one-shot job, but web is the service that answers your domain (compose.service in hoist.yml) and must keep running; use condition: service_started or service_healthy',
		]);
		expect(load(text.replace('service_completed_successfully', 'service_started')).services['web']?.oneShot).toBe(false);
	});

	it('listens on the port: in expose, or as a container port in ports', () => {
		const base = lines('services:', '  web:', '    image: ghcr.io/acme/web:1');
		expect(load(`${base}    expose: ["8080/tcp"]\n`).warnings).toEqual([]);
		expect(load(`${base}    expose: [8000-8090]\n`).warnings).toEqual([]);
		expect(load(`${base}    ports: ["127.0.0.1:9000:8080"]\n`).warnings).toEqual([]);
		expect(load(`${base}    ports: [{target: 8080}]\n`).warnings).toEqual([]);
	});

	it('without expose or ports hoist cannot tell: a warning, not a problem', () => {
		const project = load(lines('services:', '  web:', '    image: ghcr.io/acme/web:1'));
		expect(project.warnings).toEqual([
			'docker-compose.yml:2:3: services.web: cannot tell whether web listens on 8080 (compose.port in hoist.yml): it has no expose: or ports:; add expose: ["8080"] to say so',
		]);
	});

	it('when it names other ports only, that is a problem', () => {
		const base = lines('services:', '  web:', '    image: ghcr.io/acme/web:1');
		expect(problems(`${base}    expose: ["3000"]\n`)).toEqual([
			'docker-compose.yml:4:13: services.web.expose: web should listen on 8080 (compose.port in hoist.yml), but its expose: and ports: name 3000; add "8080" to expose:, or set compose.port in hoist.yml to 3000',
		]);
		expect(problems(`${base}    ports: ["3000", "3001"]\n`)).toEqual([
			'docker-compose.yml:4:12: services.web.ports: web should listen on 8080 (compose.port in hoist.yml), but its expose: and ports: name 3000, 3001; add "8080" to expose:',
		]);
		expect(problems(`${base}    expose: ["8080/udp"]\n`)).toEqual([
			'docker-compose.yml:4:13: services.web.expose: web should listen on 8080 (compose.port in hoist.yml), but its expose: and ports: name no TCP port; add "8080" to expose:',
		]);
	});

	it('with routes: every routed service exists, keeps running and listens on its port, each named by its route', () => {
		const text = lines(
			'services:',
			'  web:',
			'    image: ghcr.io/acme/web:1',
			'    expose: ["8080"]',
			'  admin:',
			'    image: ghcr.io/acme/admin:1',
			'    expose: ["9000"]',
			'  smoke:',
			'    image: ghcr.io/acme/smoke:1',
			'    depends_on:',
			'      admin: {condition: service_completed_successfully}',
		);
		const routed = (port: number) => ({web: [
			{service: 'web', port: 8080, settings: {service: 'routes.0.service in hoist.yml', port: 'routes.0.port in hoist.yml'}},
			{service: 'admin', port, settings: {service: 'routes.1.service in hoist.yml', port: 'routes.1.port in hoist.yml'}},
		]});
		expect(problems(text, routed(9000))).toEqual([
			'docker-compose.yml:11:26: services.smoke.depends_on.admin.condition: smoke waits for admin to finish, which makes admin a one-shot job, but admin is the service that answers your domain (routes.1.service in hoist.yml) and must keep running; use condition: service_started or service_healthy',
		]);
		const running = text.replace('service_completed_successfully', 'service_started');
		expect(problems(running, routed(9001))).toEqual([
			'docker-compose.yml:7:13: services.admin.expose: admin should listen on 9001 (routes.1.port in hoist.yml), but its expose: and ports: name 9000; add "9001" to expose:, or set routes.1.port in hoist.yml to 9000',
		]);
		expect(load(running, routed(9000)).webNetworks).toEqual(['default']);
	});
});
