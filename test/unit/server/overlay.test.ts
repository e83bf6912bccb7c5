import {parse} from 'yaml';
import {describe, expect, it} from 'vitest';
import type {ServiceSummary} from '../../../source/compose/project.js';
import {renderHoistEnv} from '../../../source/server/hoist-env.js';
import {renderOverlay} from '../../../source/server/overlay.js';

function service(name: string, extra: Partial<ServiceSummary> = {}): ServiceSummary {
	return {name, image: `ghcr.io/acme/${name}:1`, oneShot: false, healthcheck: false, healthGate: false, dependsOn: {}, publishedPorts: [], exposedPorts: [], networks: ['default'], hasLogging: false, ...extra};
}

describe('renderOverlay', () => {
	it('adds Caddy on 80, 443 and 443/udp with its data in named volumes, and caps every service\'s logs', () => {
		const overlay = parse(renderOverlay({services: {web: service('web'), db: service('db', {hasLogging: true})}, webNetworks: ['default']}, 'docker.io/library/caddy:2'));
		expect(overlay.services['hoist-caddy']).toEqual({
			image: 'docker.io/library/caddy:2',
			restart: 'unless-stopped',
			ports: ['80:80', '443:443', '443:443/udp'],
			volumes: ['hoist_caddy_data:/data', 'hoist_caddy_config:/config', './hoist-caddy:/etc/caddy:ro'],
			dns_opt: ['timeout:1', 'attempts:3'],
			logging: {options: {'max-size': '10m'}},
		});
		expect(overlay.services.web).toEqual({image: 'ghcr.io/acme/web:1', logging: {options: {'max-size': '10m'}}});
		expect(overlay.services.db).toEqual({image: 'ghcr.io/acme/db:1'});
		expect(overlay.volumes).toEqual({hoist_caddy_data: {}, hoist_caddy_config: {}});
	});

	it('gives compose every image by the name Docker reads a short one as', () => {
		const overlay = parse(renderOverlay({services: {db: service('db', {image: 'postgres:16'}), cache: service('cache', {image: 'bitnami/redis'})}, webNetworks: ['default']}, 'docker.io/library/caddy:2'));
		expect(overlay.services.db.image).toBe('docker.io/library/postgres:16');
		expect(overlay.services.cache.image).toBe('docker.io/bitnami/redis:latest');
	});

	it('joins Caddy to the web service\'s own networks', () => {
		const overlay = parse(renderOverlay({services: {web: service('web', {networks: ['front', 'back']})}, webNetworks: ['front', 'back']}, 'caddy.example/caddy:2'));
		expect(overlay.services['hoist-caddy'].networks).toEqual(['front', 'back']);
	});
});

describe('renderHoistEnv', () => {
	it('writes each variable as a shell assignment that sources back to the same value', async () => {
		const {execFileSync} = await import('node:child_process');
		const values = {WEB_TAG: 'v2', DB_PASSWORD: "p@ss 'word' $HOME\nline2"};
		const text = renderHoistEnv(values);
		const printed = execFileSync('sh', ['-c', `set -a; eval "$1"; printf '%s\\0%s' "$WEB_TAG" "$DB_PASSWORD"`, 'sh', text], {encoding: 'utf8'});
		expect(printed).toBe(`v2\0${values.DB_PASSWORD}`);
	});

	it('lets the kernel hand connections waiting on a closing listener to Caddy\'s new one where it can (reloads reset them otherwise)', () => {
		const project = {services: {web: service('web')}, webNetworks: ['default']};
		expect(parse(renderOverlay(project, 'caddy:2', {migratesQueuedConnections: true})).services['hoist-caddy'].sysctls).toEqual({'net.ipv4.tcp_migrate_req': 1});
		// An older kernel has no such setting, and a container asking for one would not start.
		expect(parse(renderOverlay(project, 'caddy:2', {migratesQueuedConnections: false})).services['hoist-caddy'].sysctls).toBeUndefined();
	});
});
