import {copyFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {loadComposeProject, longRunningServices, oneShotServices} from '../../../source/compose/project.js';
import {projectDir} from './project-dir.js';

const fixture = fileURLToPath(new URL('../../fixtures/app/docker-compose.yml', import.meta.url));
const web = [{service: 'web', port: 8080}];

/** The fixture's compose file, copied beside an optional .env. */
function copyWith(files: Record<string, string>): string {
	const dir = projectDir(files);
	copyFileSync(fixture, join(dir, 'docker-compose.yml'));
	return join(dir, 'docker-compose.yml');
}

describe('the fixture app (test/fixtures/app)', () => {
	it('loads with web, migrate and seed; migrate and seed are one-shot; it is fine for either engine', () => {
		for (const engine of ['v1', 'v2'] as const) {
			const project = loadComposeProject({file: fixture, env: {}, web, engine});
			expect(Object.keys(project.services)).toEqual(['migrate', 'seed', 'web']);
			expect(oneShotServices(project)).toEqual(['migrate', 'seed']);
			expect(longRunningServices(project)).toEqual(['web']);
			expect(project.services['web']).toMatchObject({image: '10.77.0.1:5000/hoist/web:v1', exposedPorts: [8080], restart: 'unless-stopped'});
			expect(project.namedVolumes).toEqual(['appdata']);
			expect(project.webNetworks).toEqual(['default']);
			expect(project.files).toEqual([{local: fixture, remote: 'docker-compose.yml', mode: 0o644, secret: false}]);
			expect(project.warnings).toEqual([]);
			expect(project.v2Only).toEqual([]);
		}
	});

	it('WEB_TAG: the default, then .env, then the environment', () => {
		const image = (file: string, env: Record<string, string>) => {
			const project = loadComposeProject({file, env, web});
			return [project.services['web']?.image, project.fromEnvironment];
		};
		expect(image(copyWith({}), {})).toEqual(['10.77.0.1:5000/hoist/web:v1', {}]);
		const withDotenv = copyWith({'.env': 'WEB_TAG=v2\n'});
		expect(image(withDotenv, {})).toEqual(['10.77.0.1:5000/hoist/web:v2', {}]);
		expect(image(withDotenv, {WEB_TAG: 'v3'})).toEqual(['10.77.0.1:5000/hoist/web:v3', {WEB_TAG: 'v3'}]);
		expect(loadComposeProject({file: withDotenv, env: {}, web}).files.map((file) => [file.remote, file.mode, file.secret])).toEqual([
			['docker-compose.yml', 0o644, false],
			['.env', 0o600, true],
		]);
	});
});
