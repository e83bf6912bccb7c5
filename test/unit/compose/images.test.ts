import {describe, expect, it} from 'vitest';
import {load, problems} from './project-dir.js';

// Rule 6: every service runs a pulled image; nothing is built on the server.
const withService = (...lines: string[]) => ['services:', '  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', '  api:', ...lines.map((line) => `    ${line}`), ''].join('\n');

describe('images', () => {
	it('a build:-only service is told how to push an image', () => {
		expect(problems(withService('build: ./api'))).toEqual([
			'docker-compose.yml:6:5: services.api.build: api has build: but no image:, and hoist does not build images on the server. Build and push it from your machine, e.g. docker build -t ghcr.io/you/api:1 ./api && docker push ghcr.io/you/api:1, then add image: ghcr.io/you/api:1',
		]);
		expect(problems(withService('build: {dockerfile: Dockerfile}'))).toEqual([
			'docker-compose.yml:6:5: services.api.build: api has build: but no image:, and hoist does not build images on the server. Build and push it from your machine, e.g. docker build -t ghcr.io/you/api:1 . && docker push ghcr.io/you/api:1, then add image: ghcr.io/you/api:1',
		]);
	});

	it('a service with neither image nor build', () => {
		expect(problems(withService('command: ["serve"]'))).toEqual(['docker-compose.yml:5:3: services.api: api has no image:; add the image it runs, e.g. image: ghcr.io/you/api:1']);
	});

	it('build: beside image: is a warning: the image is pulled', () => {
		const project = load(withService('image: ghcr.io/acme/api:7', 'build: ./api'));
		expect(project.services['api']?.image).toBe('ghcr.io/acme/api:7');
		expect(project.warnings).toEqual(['docker-compose.yml:7:5: services.api.build: hoist pulls ghcr.io/acme/api:7 for api and ignores build:; push that image before you deploy']);
	});

	it('an image that is not a reference (often a variable that was not set)', () => {
		expect(problems(withService('image: ghcr.io/acme/api:${TAG}'))).toEqual([
			'docker-compose.yml:6:12: services.api.image: "ghcr.io/acme/api:" is not an image reference: the tag is empty',
		]);
		expect(problems(withService('image: ghcr.io/Acme/API'))).toEqual([
			'docker-compose.yml:6:12: services.api.image: "ghcr.io/Acme/API" is not an image reference: repository names are lowercase',
		]);
		expect(problems(withService('image: 10.77.0.1:5000/hoist/Web:v1'))).toEqual([
			'docker-compose.yml:6:12: services.api.image: "10.77.0.1:5000/hoist/Web:v1" is not an image reference: repository names are lowercase',
		]);
		expect(problems(withService('image: "ghcr.io/acme/api:tag with space"'))).toEqual([
			'docker-compose.yml:6:12: services.api.image: "ghcr.io/acme/api:tag with space" is not an image reference: it does not follow [registry/]name[:tag]',
		]);
		expect(problems(withService('image: ""'))).toEqual(['docker-compose.yml:6:12: services.api.image: "" is not an image reference: it is empty']);
	});

	it.each(['busybox', 'library/busybox:1.36', '10.77.0.1:5000/hoist/web:v1', 'localhost:5000/a/b/c', `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, 'registry.example.com/team/app:1.2.3-rc.1', 'Registry.Example.com/team/app'])(
		'%s is a reference',
		(image) => {
			expect(load(withService(`image: "${image}"`)).services['api']?.image).toBe(image);
		},
	);

	describe('the registry token in an image name is a config error, its value never shown (issue 17)', () => {
		const token = 'canary-9f3b27d1c4e8';
		const refused = 'services.api.image: the image name holds HOIST_REGISTRY_TOKEN, a secret: hoist shows and records image names, so it would leak; write the image name out (hoist logs in to the registry with the registry: section of hoist.yml and HOIST_REGISTRY_TOKEN)';

		it.each(['ghcr.io/acme/api:${HOIST_REGISTRY_TOKEN}', 'ghcr.io/acme/$HOIST_REGISTRY_TOKEN', 'ghcr.io/acme/api:${HOIST_REGISTRY_TOKEN:-1}'])('%s', (image) => {
			const found = problems(withService(`image: "${image}"`), {env: {HOIST_REGISTRY_TOKEN: token}});
			expect(found).toEqual([`docker-compose.yml:6:12: ${refused}`]);
		});

		it('also when the token is not set, or comes through another variable; masked wherever a message quotes it', () => {
			expect(problems(withService('image: "ghcr.io/acme/api:${HOIST_REGISTRY_TOKEN}"'))).toEqual([`docker-compose.yml:6:12: ${refused}`]);
			const through = problems(withService('image: "ghcr.io/acme/api:${TAG}"'), {env: {HOIST_REGISTRY_TOKEN: token}, files: {'.env': 'TAG=${HOIST_REGISTRY_TOKEN}\n'}});
			expect(through).toEqual([`docker-compose.yml:6:12: ${refused}`]);
			const mixed = problems(withService(`image: "ghcr.io/acme/api:${token}"\n    ports: ["${token}"]`), {env: {HOIST_REGISTRY_TOKEN: token}});
			expect(mixed.join('\n')).not.toContain(token);
			expect(mixed.join('\n')).toContain('***');
		});
	});
});
