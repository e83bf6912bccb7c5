import {describe, expect, it} from 'vitest';
import {longRunningServices, oneShotServices} from '../../../source/compose/project.js';
import {load} from './project-dir.js';

const compose = [
	'services:',
	'  db:',
	'    image: postgres:16',
	'    healthcheck: {test: ["CMD", "pg_isready"], interval: 5s}',
	'    networks: [back]',
	'    logging: {driver: local}',
	'  migrate:',
	'    image: ghcr.io/acme/migrate:1',
	'    depends_on: {db: {condition: service_healthy}}',
	'    networks: [back]',
	'  web:',
	'    image: ghcr.io/acme/web:1',
	'    expose: ["8080", "9000-9001"]',
	'    ports: ["127.0.0.1:8081:8080", "5000-5001:6000-6001/udp"]',
	'    restart: always',
	'    healthcheck: {disable: true}',
	'    depends_on:',
	'      migrate: {condition: service_completed_successfully}',
	'      cache: {condition: service_started}',
	'    networks: {front: {}, back: {}}',
	'  cache:',
	'    image: redis:7',
	'    healthcheck: {test: ["NONE"]}',
	'networks:',
	'  front: {}',
	'  back: {}',
	'volumes:',
	'  pgdata: {}',
	'  uploads: {external: true}',
	'',
].join('\n');

describe('the project summary', () => {
	it('describes each service as the deploy needs it', () => {
		const project = load(compose);
		expect(project.services).toEqual({
			db: {
				name: 'db',
				image: 'postgres:16',
				oneShot: false,
				healthcheck: true,
				healthGate: true,
				dependsOn: {},
				publishedPorts: [],
				exposedPorts: [],
				networks: ['back'],
				hasLogging: true,
			},
			migrate: {
				name: 'migrate',
				image: 'ghcr.io/acme/migrate:1',
				oneShot: true,
				healthcheck: false,
				healthGate: false,
				dependsOn: {db: 'service_healthy'},
				publishedPorts: [],
				exposedPorts: [],
				networks: ['back'],
				hasLogging: false,
			},
			web: {
				name: 'web',
				image: 'ghcr.io/acme/web:1',
				oneShot: false,
				healthcheck: false,
				healthGate: false,
				dependsOn: {migrate: 'service_completed_successfully', cache: 'service_started'},
				publishedPorts: [
					{host: 8081, container: 8080, protocol: 'tcp', hostIp: '127.0.0.1'},
					{host: 5000, container: 6000, protocol: 'udp'},
					{host: 5001, container: 6001, protocol: 'udp'},
				],
				exposedPorts: [8080, 9000, 9001],
				networks: ['front', 'back'],
				restart: 'always',
				hasLogging: false,
			},
			cache: {
				name: 'cache',
				image: 'redis:7',
				oneShot: false,
				healthcheck: false,
				healthGate: false,
				dependsOn: {},
				publishedPorts: [],
				exposedPorts: [],
				networks: ['default'],
				hasLogging: false,
			},
		});
		expect(project.namedVolumes).toEqual(['pgdata', 'uploads']);
		expect(project.webNetworks).toEqual(['front', 'back']);
	});

	it('splits one-shot jobs from long-running services, in file order', () => {
		const project = load(compose);
		expect(oneShotServices(project)).toEqual(['migrate']);
		expect(longRunningServices(project)).toEqual(['db', 'web', 'cache']);
	});
});
