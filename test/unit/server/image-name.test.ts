import {describe, expect, it} from 'vitest';
import type {Release} from '../../../source/engine/journal.js';
import {qualifiedImage} from '../../../source/server/image-name.js';
import {pinnedImages} from '../../../source/server/pins.js';

describe('qualifiedImage (Docker\'s reading of a reference)', () => {
	it.each([
		['postgres:16', 'docker.io/library/postgres:16'],
		['redis:7-alpine', 'docker.io/library/redis:7-alpine'],
		['nginx', 'docker.io/library/nginx:latest'],
		['bitnami/redis:7.4', 'docker.io/bitnami/redis:7.4'],
		['docker.io/postgres:16', 'docker.io/library/postgres:16'],
		['index.docker.io/library/nginx:1', 'docker.io/library/nginx:1'],
		['docker.io/library/caddy:2', 'docker.io/library/caddy:2'],
		['ghcr.io/acme/web:1.2', 'ghcr.io/acme/web:1.2'],
		['10.77.0.1:5000/hoist/web:v1', '10.77.0.1:5000/hoist/web:v1'],
		['localhost/app', 'localhost/app:latest'],
		['Registry/app:1', 'Registry/app:1'],
		['quay.io/org/team/app', 'quay.io/org/team/app:latest'],
		['postgres@sha256:' + 'a'.repeat(64), 'docker.io/library/postgres@sha256:' + 'a'.repeat(64)],
		['acme/web:1@sha256:' + 'b'.repeat(64), 'docker.io/acme/web:1@sha256:' + 'b'.repeat(64)],
	])('%s → %s', (written, qualified) => {
		expect(qualifiedImage(written)).toBe(qualified);
	});
});

describe('pinnedImages', () => {
	const digest = `sha256:${'c'.repeat(64)}`;
	const release = (image: string): Release => ({number: 3, services: {web: {image, digest}}}) as unknown as Release;

	it('pins a release recorded with a short name (an older journal) to the qualified repository', () => {
		expect(pinnedImages([release('hoistdemo/web:v1')], 3)).toEqual({web: `docker.io/hoistdemo/web@${digest}`});
	});

	it('keeps a qualified repository as it is', () => {
		expect(pinnedImages([release('ghcr.io/acme/web:2')], 3)).toEqual({web: `ghcr.io/acme/web@${digest}`});
	});
});
