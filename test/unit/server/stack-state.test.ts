import {describe, expect, it} from 'vitest';
import {stateSections} from '../../../source/server/commands/compose.js';
import {judgeService, parseStackState} from '../../../source/server/stack-state.js';

const hash = (char: string) => char.repeat(64);

function answer(containers: object[], details: string[], hashes: Record<string, string>): string {
	return [
		stateSections.hashes,
		...Object.entries(hashes).map(([service, value]) => `${service} ${value}`),
		stateSections.containers,
		JSON.stringify(containers),
		stateSections.details,
		...details,
		'',
	].join('\n');
}

function container(id: string, service: string, state: string, exitCode: number, configHash: string) {
	return {Id: id, Names: [`shop_${service}_1`], State: state, ExitCode: exitCode, Image: `ghcr.io/acme/${service}:1`, Labels: {'com.docker.compose.service': service, 'com.docker.compose.config-hash': configHash, 'com.docker.compose.oneoff': 'False'}};
}

describe('the state of the stack', () => {
	const state = parseStackState(
		answer(
			[container('a1', 'migrate', 'exited', 0, hash('a')), container('b1', 'web', 'running', 0, hash('b')), container('c1', 'db', 'running', 0, hash('c')), container('d1', 'worker', 'exited', 137, hash('d'))],
			['a1 - sha256:' + '1'.repeat(64), 'b1 - sha256:' + '2'.repeat(64), 'c1 starting sha256:' + '3'.repeat(64), 'd1 - sha256:' + '4'.repeat(64)],
			{migrate: hash('a'), web: hash('b'), db: hash('c'), worker: hash('d'), cache: hash('e')},
		),
	);

	it('reads hashes, containers, health and digests from one answer', () => {
		expect(state.hashes.get('web')).toBe(hash('b'));
		expect(state.containers.find((c) => c.service === 'db')).toMatchObject({health: 'starting', digest: `sha256:${'3'.repeat(64)}`});
	});

	it('judges each service against what compose says now', () => {
		expect(judgeService(state, {name: 'migrate', oneShot: true, healthcheck: false}).status).toBe('ok');
		expect(judgeService(state, {name: 'web', oneShot: false, healthcheck: false}).status).toBe('ok');
		expect(judgeService(state, {name: 'db', oneShot: false, healthcheck: true})).toMatchObject({status: 'waiting', why: 'to become healthy'});
		expect(judgeService(state, {name: 'worker', oneShot: false, healthcheck: false})).toMatchObject({status: 'failed', why: 'stopped with exit code 137'});
		expect(judgeService(state, {name: 'cache', oneShot: false, healthcheck: false})).toMatchObject({status: 'waiting', why: 'to be created'});
	});

	it('treats a container from another configuration as one to be recreated', () => {
		const changed = parseStackState(answer([container('b1', 'web', 'running', 0, hash('b'))], [], {web: hash('f')}));
		expect(judgeService(changed, {name: 'web', oneShot: false, healthcheck: false})).toMatchObject({status: 'waiting', why: 'to be recreated from the new configuration'});
	});

	it('a failed one-shot says its exit code', () => {
		const failed = parseStackState(answer([container('a1', 'migrate', 'exited', 1, hash('a'))], [], {migrate: hash('a')}));
		expect(judgeService(failed, {name: 'migrate', oneShot: true, healthcheck: false})).toMatchObject({status: 'failed', why: 'exited with code 1'});
	});
});
