// The deploy step on a simulated stack (FakeStack through a FakeSession): what it records, when it counts as done,
// and how a service that failed under compose up is explained.
import {describe, expect, it} from 'vitest';
import type {Target} from '../../../source/remote/target.js';
import type {BootstrapOutputs} from '../../../steps/bootstrap.js';
import type {ComposeOutputs} from '../../../steps/compose.js';
import {deploy} from '../../../steps/deploy.js';
import {FakeSession} from '../../helpers/fake-session.js';
import {FakeStack, hash, recordedBefore} from '../../helpers/fake-stack.js';
import {harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();
const target: Target = {kind: 'server', host: '192.168.64.5', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'server', publicAddress: '192.168.64.5'};
const services: ComposeOutputs['services'] = {
	migrate: {image: 'registry.test/migrate:v1', oneShot: true, healthcheck: false, healthGate: false},
	web: {image: 'registry.test/web:v1', oneShot: false, healthcheck: false, healthGate: false},
};

/** A server where nothing of the stack runs yet. */
function freshStack(): FakeStack {
	const stack = FakeStack.empty();
	stack.hashes.clear();
	for (const [service, letter] of [['migrate', 'e'], ['web', 'f'], ['hoist-caddy', 'c']] as const) stack.hashes.set(service, hash(letter));
	stack.oneShots.add('migrate');
	return stack;
}

function deployOn(stack: FakeStack, options: {manager?: BootstrapOutputs['manager']; scheduler?: string; services?: ComposeOutputs['services']} = {}) {
	const session = new FakeSession({answer: (command) => (command.title === 'start the health scheduler' ? options.scheduler ?? '' : stack.answer(command))});
	const h = setup({remote: async () => session});
	const ctx = h.context(deploy, {outputs: recordedBefore(target, options.services ?? services, options.manager)});
	return {h, session, ctx};
}

describe('deploy', () => {
	it('pulls, runs compose up, waits for every service, and records what runs by digest; on a server, destroy is told about the project', async () => {
		const stack = freshStack();
		const {h, session, ctx} = deployOn(stack);
		const out = await deploy.run(ctx);
		expect(session.script.filter((line) => line !== 'read the state of the stack')).toEqual(['pull 3 images', 'read the Caddy version of docker.io/library/caddy:2', 'pin the address of the stack network\'s bridge', 'compose up']);
		expect(Object.keys(out.release.services).sort()).toEqual(['hoist-caddy', 'migrate', 'web']);
		expect(out.release.services['web']).toEqual({image: 'registry.test/web:v1', digest: expect.stringMatching(/^sha256:/)});
		expect([...h.resources.values()]).toEqual([{type: 'compose-project', id: 'demo@192.168.64.5', ownedByHoist: true}]);
	});

	it('is done when every service runs as configured: the same release keeps its time; anything out of date is not done', async () => {
		const stack = freshStack();
		const first = deployOn(stack);
		const previous = await deploy.run(first.ctx);
		const again = deployOn(stack);
		expect(await deploy.check({...again.ctx, previous})).toBe(previous);
		stack.hashes.set('web', hash('d'));
		expect(await deploy.check({...deployOn(stack).ctx, previous})).toBeUndefined();
	});

	it('on a host without a service manager, the health scheduler is started before compose up (podman runs healthchecks only through one)', async () => {
		const {h, session, ctx} = deployOn(freshStack(), {manager: 'none', scheduler: 'hoist-health started\n'});
		await deploy.run(ctx);
		expect(session.script.filter((line) => line !== 'read the state of the stack')).toEqual(['pull 3 images', 'read the Caddy version of docker.io/library/caddy:2', 'start the health scheduler', 'pin the address of the stack network\'s bridge', 'compose up']);
		expect(h.logs).toContain('started the health scheduler (this host has no service manager to run it)');
	});

	it('a scheduler that cannot start stops the deploy when a service waits for another to be healthy: it would wait forever', async () => {
		const gated = {...services, migrate: {...services['migrate']!, healthGate: true}};
		const {session, ctx} = deployOn(freshStack(), {manager: 'none', scheduler: '', services: gated});
		await expect(deploy.run(ctx)).rejects.toMatchObject({code: 'HEALTHCHECKS_CANNOT_RUN', message: expect.stringContaining('migrate must be healthy')});
		expect(session.script).not.toContain('compose up');
	});

	it('when Podman loses track of a one-shot that exited at once, compose up runs once more and the rest starts', async () => {
		const stack = freshStack();
		stack.lostOnUp.add('migrate');
		const {h, session, ctx} = deployOn(stack);
		const out = await deploy.run(ctx);
		expect(session.script.filter((line) => line === 'compose up')).toHaveLength(2);
		expect(Object.keys(out.release.services).sort()).toEqual(['hoist-caddy', 'migrate', 'web']);
		expect(h.logs).toContainEqual(expect.stringContaining('Podman lost track of a container that had already exited'));
	});

	it('a one-shot that Podman lost track of and that failed is still named with its exit code: the second compose up hides nothing', async () => {
		const stack = freshStack();
		stack.lostOnUp.add('migrate');
		stack.failsOnUp.set('migrate', 3);
		const {session, ctx} = deployOn(stack);
		await expect(deploy.run(ctx)).rejects.toMatchObject({code: 'ONE_SHOT_FAILED', message: 'The one-shot service "migrate" exited with code 3.'});
		expect(session.script.filter((line) => line === 'compose up')).toHaveLength(2);
	});

	it('a one-shot service that fails under compose up is named, with its exit code and its logs', async () => {
		const stack = freshStack();
		stack.failsOnUp.set('migrate', 3);
		stack.logs.set('migrate', 'ERROR: relation "users" does not exist\n');
		const {ctx} = deployOn(stack);
		await expect(deploy.run(ctx)).rejects.toMatchObject({
			code: 'ONE_SHOT_FAILED',
			message: 'The one-shot service "migrate" exited with code 3.',
			output: 'ERROR: relation "users" does not exist',
		});
	});
});
