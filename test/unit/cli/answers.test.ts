import {describe, expect, it} from 'vitest';
import {missingAnswers, missingAnswersError} from '../../../source/commands/up/answers.js';
import {configSchema} from '../../../source/config/schema.js';
import {generateEd25519} from '../../../source/remote/openssh-key.js';

const base = {stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}};
const registry = {server: 'ghcr.io', username: 'me'};

describe('the answers `hoist up` needs when nobody can be asked', () => {
	it('a registry section without HOIST_REGISTRY_TOKEN blocks; with it, nothing is missing', () => {
		const config = configSchema.parse({...base, aws: {sshCidr: '10.77.0.1/32'}, registry});
		const missing = missingAnswers(config, {env: {}, serverKeyPinned: false});
		expect(missing).toEqual([{field: 'HOIST_REGISTRY_TOKEN', asker: 'registry.server', blocking: true, message: 'registry section present (ghcr.io, user me) but HOIST_REGISTRY_TOKEN is not set'}]);
		expect(missingAnswers(config, {env: {HOIST_REGISTRY_TOKEN: 'ghp_x'}, serverKeyPinned: false})).toEqual([]);
		// An empty variable is no token.
		expect(missingAnswers(config, {env: {HOIST_REGISTRY_TOKEN: ''}, serverKeyPinned: false})).toHaveLength(1);
	});

	it('a registry list: each registry\'s own token variable, and only the missing one is named', () => {
		const config = configSchema.parse({...base, aws: {sshCidr: '10.77.0.1/32'}, registry: [registry, {server: 'docker.io', username: 'hub'}]});
		const missing = missingAnswers(config, {env: {HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_x', HOIST_REGISTRY_TOKEN: 'not for a list'}, serverKeyPinned: false});
		expect(missing).toEqual([{field: 'HOIST_REGISTRY_TOKEN_DOCKER_IO', asker: 'registry.1.server', blocking: true, message: 'registry section present (docker.io, user hub) but HOIST_REGISTRY_TOKEN_DOCKER_IO is not set'}]);
		const error = missingAnswersError(missing, '`hoist up --yes` asks nothing');
		expect(error?.exitCode).toBe(2);
		expect(error?.message).toBe('`hoist up --yes` asks nothing, and an answer is missing: HOIST_REGISTRY_TOKEN_DOCKER_IO (for registry.1.server).');
		expect(error?.nextSteps).toEqual([{text: expect.stringContaining('Set HOIST_REGISTRY_TOKEN_DOCKER_IO in the environment')}]);
		expect(missingAnswers(config, {env: {HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_x', HOIST_REGISTRY_TOKEN_DOCKER_IO: 'dckr_y'}, serverKeyPinned: false})).toEqual([]);
	});

	it('with where hoist.yml writes it: each missing token names its registry entry and file:line', () => {
		const config = configSchema.parse({...base, aws: {sshCidr: '10.77.0.1/32'}, registry: [registry, {server: 'docker.io', username: 'hub'}]});
		const asked: Array<Array<string | number>> = [];
		const locate = (field: Array<string | number>) => (asked.push(field), `hoist.yml:${12 + asked.length}:13`);
		const missing = missingAnswers(config, {env: {}, serverKeyPinned: false, locate});
		expect(asked).toEqual([['registry', 0, 'server'], ['registry', 1, 'server']]);
		expect(missing.map((answer) => answer.message)).toEqual([
			'hoist.yml:13:13: registry section present (ghcr.io, user me) but HOIST_REGISTRY_TOKEN_GHCR_IO is not set',
			'hoist.yml:14:13: registry section present (docker.io, user hub) but HOIST_REGISTRY_TOKEN_DOCKER_IO is not set',
		]);
		expect(missingAnswersError(missing, 'x')?.message).toBe(
			'x, and 2 answers are missing: HOIST_REGISTRY_TOKEN_GHCR_IO (for registry.0.server at hoist.yml:13:13), HOIST_REGISTRY_TOKEN_DOCKER_IO (for registry.1.server at hoist.yml:14:13).',
		);
	});

	it('an existing server without server.hostKey and nothing pinned is named, but does not block on its own', () => {
		const config = configSchema.parse({...base, server: {host: '10.77.0.2'}});
		const missing = missingAnswers(config, {env: {}, serverKeyPinned: false});
		expect(missing.map((answer) => [answer.field, answer.blocking])).toEqual([['server.hostKey', false]]);
		expect(missingAnswersError(missing, 'x')).toBeUndefined();
		expect(missingAnswers(config, {env: {}, serverKeyPinned: true})).toEqual([]);
		const named = configSchema.parse({...base, server: {host: '10.77.0.2', hostKey: generateEd25519('host').publicKey}});
		expect(missingAnswers(named, {env: {}, serverKeyPinned: false})).toEqual([]);
	});

	it('one error names every missing answer at once, each with its way to answer', () => {
		const config = configSchema.parse({...base, server: {host: '10.77.0.2'}, registry});
		const error = missingAnswersError(missingAnswers(config, {env: {}, serverKeyPinned: false}), '`hoist up --yes` asks nothing');
		expect(error?.exitCode).toBe(2);
		expect(error?.code).toBe('ANSWERS_MISSING');
		expect(error?.message).toBe('`hoist up --yes` asks nothing, and 2 answers are missing: HOIST_REGISTRY_TOKEN (for registry.server), server.hostKey.');
		expect(error?.hint).toContain('registry section present (ghcr.io, user me) but HOIST_REGISTRY_TOKEN is not set');
		expect(error?.hint).toContain('server.hostKey is not set and no key of 10.77.0.2 is pinned yet');
		expect(error?.nextSteps).toHaveLength(2);
	});
});
