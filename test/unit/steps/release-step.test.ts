// The release's decisions on a simulated stack (a FakeSession answering like compose and Podman would): which
// service gets a new container, and the order of the web service's swap — start beside, wait until it answers,
// point Caddy at it, drain, retire the old one, point Caddy back.
import {describe, expect, it} from 'vitest';
import {configSchema, type Config} from '../../../source/config/schema.js';
import {stackPaths} from '../../../source/server/layout.js';
import type {Target} from '../../../source/remote/target.js';
import {deployStep} from '../../../steps/deploy.js';
import {FakeSession} from '../../helpers/fake-session.js';
import {FakeStack, hash, recordedBefore} from '../../helpers/fake-stack.js';
import {harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();
const target: Target = {kind: 'aws', host: '198.51.100.7', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-0abc', publicAddress: '198.51.100.7'};
const outputs = recordedBefore(target, {
	web: {image: 'registry.test/web:v2', oneShot: false, healthcheck: false, healthGate: false},
	db: {image: 'postgres:16', oneShot: false, healthcheck: false, healthGate: false},
});

function release(stack = new FakeStack(), options: {service?: string} = {}, config?: Config) {
	const session = new FakeSession({answer: stack.answer});
	const h = setup({remote: async () => session, onSleep: (ms) => session.script.push(`sleep ${ms}`), ...(config ? {config} : {})});
	const step = {...deployStep({withJobs: false, ...options}), title: 'Release'};
	const ctx = h.context(step, {outputs});
	return {h, stack, session, run: () => step.run(ctx)};
}

/**
 * What the release did, without the looks at the stack in between (and without the sleeps, unless the test is about
 * them: showing the services while compose works sleeps too).
 */
function changes(script: string[], options: {sleeps?: boolean} = {}): string[] {
	const looks = ['read the state of the stack', 'read image ids', 'read the Caddy version of '];
	return script.filter((line) => !looks.some((look) => line.startsWith(look)) && !line.startsWith('pull ') && (options.sleeps || !line.startsWith('sleep ')));
}

/** Where the release pointed Caddy, in order (each a rewrite of upstream files, see pointUpstreams). */
function pointings(script: string[]): string[] {
	return script.filter((line) => line.startsWith('point Caddy '));
}

describe('release: which service gets a new container', () => {
	it('nothing changed: no compose up at all, the web service left as it is', async () => {
		const {h, session, run} = release();
		const out = await run();
		expect(out.replaced).toEqual([]);
		expect(changes(session.script)).toEqual(['remove images no recent release uses']);
		expect(h.logs).toContain('web runs this image and configuration already: left as it is');
	});

	it('a service whose configuration hash changed is recreated by compose, alone; the web service keeps its container', async () => {
		const stack = new FakeStack();
		stack.hashes.set('db', hash('d'));
		const {session, run} = release(stack);
		const out = await run();
		expect(out.replaced).toEqual(['db']);
		expect(changes(session.script)).toEqual([
			// db leaves and joins the network: its bridge keeps its address, and Caddy meanwhile reaches web by its
			// address (see the next describe), through web's upstream file: Caddy is never reloaded.
			'pin the address of the stack network\'s bridge',
			'find the address of web-old',
			'point Caddy at 10.89.0.5 for web',
			'compose up db',
			'point Caddy back at web',
			'remove images no recent release uses',
		]);
		expect(stack.containers.find((c) => c.service === 'web')?.id).toBe('web-old');
	});

	it('a tag that names another image now (pulled since) counts as a change, even with the same configuration', async () => {
		const stack = new FakeStack();
		stack.imageIds.set('caddy:2', 'sha256:caddy2');
		const {run} = release(stack);
		expect((await run()).replaced).toEqual(['hoist-caddy']);
	});

	it('--service web looks at web alone: a newer Caddy image waits for a release of its own', async () => {
		const stack = new FakeStack();
		stack.imageIds.set('caddy:2', 'sha256:caddy2');
		const {run} = release(stack, {service: 'web'});
		expect((await run()).replaced).toEqual([]);
	});

	it('a service with two containers (a swap cut short) is put right', async () => {
		const stack = new FakeStack();
		stack.containers.push({...stack.containers[0]!, id: 'web-9'});
		const {session, run} = release(stack);
		expect((await run()).replaced).toEqual(['web']);
		expect(session.script).toContain('retire 2 old containers');
	});
});

describe('release: the web service swapped without a failed request', () => {
	it('starts the new container beside the old, waits until it answers, points Caddy at it, drains, retires the old, points Caddy back', async () => {
		const stack = new FakeStack();
		stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
		stack.failingProbes = 2;
		const {session, run} = release(stack);
		const out = await run();
		expect(out.replaced).toEqual(['web']);
		expect(changes(session.script, {sleeps: true})).toEqual([
			'pin the address of the stack network\'s bridge',
			'find the address of web-old',
			'point Caddy at 10.89.0.5 for web',
			'compose up web',
			'find the address of web-1',
			'ask http://10.89.0.7:8080/',
			'sleep 500',
			'ask http://10.89.0.7:8080/',
			'sleep 500',
			'ask http://10.89.0.7:8080/',
			// A reused address: Caddy's network must not send to the MAC of the container that had it before.
			'clear hoist-caddy\'s cached link-layer address of 10.89.0.7',
			'point Caddy at 10.89.0.7 for web',
			'sleep 2000',
			'retire 1 old container',
			'point Caddy back at web',
			'remove images no recent release uses',
		]);
		// Nothing reloads Caddy or rewrites its Caddyfile: the upstream file moves, by a rename.
		expect(session.uploaded).toEqual([]);
		expect(session.script.filter((line) => /reload|restart/i.test(line))).toEqual([]);
		const [start] = session.ran.filter((command) => command.title === 'compose up web');
		expect(start!.line).toMatch(/ up -d --no-deps --no-recreate --scale web\\=2 web\)\nexit \$\?$/);
		const retire = session.ran.find((command) => command.title === 'retire 1 old container')!;
		expect(retire.line).toBe('podman stop --time 10 web-old >/dev/null && podman rm web-old >/dev/null');
		const [pinned, towardNew, back] = session.ran.filter((command) => command.title?.startsWith('point Caddy')).map((command) => command.line);
		const upstreams = stackPaths('demo').caddyUpstreams;
		expect(pinned).toBe(`mkdir -p ${upstreams} && printf '%s\\n' 10.89.0.5 >${upstreams}/.web.next && mv -f ${upstreams}/.web.next ${upstreams}/web`);
		expect(towardNew).toContain("printf '%s\\n' 10.89.0.7 >");
		expect(back).toContain("printf '%s\\n' web >");
		expect(stack.containers.filter((c) => c.service === 'web').map((c) => c.id)).toEqual(['web-1']);
	});

	it('a new container that never answers is taken away after two minutes; Caddy was never pointed at it, the old one still serves', async () => {
		const stack = new FakeStack();
		stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
		stack.failingProbes = Infinity;
		const {session, run} = release(stack);
		await expect(run()).rejects.toMatchObject({code: 'RELEASE_NOT_ANSWERING', message: expect.stringContaining('the old one keeps serving')});
		expect(pointings(session.script)).toEqual(['point Caddy at 10.89.0.5 for web', 'point Caddy back at web']);
		expect(session.ran.find((command) => command.title === 'retire 1 old container')).toMatchObject({title: 'retire 1 old container', line: 'podman stop --time 0 web-1 >/dev/null && podman rm web-1 >/dev/null'});
		expect(stack.containers.filter((c) => c.service === 'web').map((c) => c.id)).toEqual(['web-old']);
	});

	it('keeps Caddy off the name while migrations run and containers come and go: the network\'s DNS reloads then', async () => {
		const stack = new FakeStack();
		stack.oneShots.add('migrate');
		stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
		const session = new FakeSession({answer: stack.answer});
		const h = setup({remote: async () => session, onSleep: () => undefined});
		const step = {...deployStep({withJobs: true}), title: 'Release'};
		await step.run(h.context(step, {outputs: {...outputs, compose: {...outputs.compose, services: {...outputs.compose.services, migrate: {image: 'registry.test/web:v2', oneShot: true, healthcheck: false, healthGate: false}}}}}));
		const order = changes(session.script).filter((line) => line.startsWith('compose up') || line.startsWith('retire') || line.startsWith('point Caddy'));
		// Pinned to the serving container before the migration, moved to the new one, back to the name at the end.
		expect(order).toEqual(['point Caddy at 10.89.0.5 for web', 'compose up migrate', 'compose up web', 'point Caddy at 10.89.0.7 for web', 'retire 1 old container', 'point Caddy back at web']);
	});

	it('a migration that Podman lost track of after it exited is judged by its exit code, and the release goes on', async () => {
		const stack = new FakeStack();
		stack.oneShots.add('migrate');
		stack.lostOnUp.add('migrate');
		stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
		const session = new FakeSession({answer: stack.answer});
		const h = setup({remote: async () => session, onSleep: () => undefined});
		const step = {...deployStep({withJobs: true}), title: 'Release'};
		const out = await step.run(h.context(step, {outputs: {...outputs, compose: {...outputs.compose, services: {...outputs.compose.services, migrate: {image: 'registry.test/web:v2', oneShot: true, healthcheck: false, healthGate: false}}}}}));
		expect(out.replaced).toEqual(['web']);
		expect(h.logs).toContainEqual(expect.stringContaining('Podman lost track of a container that had already exited'));
	});

	it('a migration that fails leaves Caddy on the name again, with the old container serving', async () => {
		const stack = new FakeStack();
		stack.oneShots.add('migrate');
		stack.failsOnUp.set('migrate', 3);
		const session = new FakeSession({answer: stack.answer});
		const h = setup({remote: async () => session, onSleep: () => undefined});
		const step = {...deployStep({withJobs: true}), title: 'Release'};
		await expect(step.run(h.context(step, {outputs: {...outputs, compose: {...outputs.compose, services: {...outputs.compose.services, migrate: {image: 'registry.test/web:v2', oneShot: true, healthcheck: false, healthGate: false}}}}}))).rejects.toThrow();
		expect(pointings(session.script)).toEqual(['point Caddy at 10.89.0.5 for web', 'point Caddy back at web']);
	});
});

describe('release: the Caddy image', () => {
	it('a Caddy older than 2.8 (no {file.*} placeholders) is refused before anything changes, with the way out', async () => {
		const stack = new FakeStack();
		stack.caddyVersion = 'v2.6.2';
		stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
		const {session, run} = release(stack);
		await expect(run()).rejects.toMatchObject({
			code: 'CADDY_TOO_OLD',
			message: 'docker.io/library/caddy:2 is Caddy v2.6.2; hoist needs Caddy 2.8 or later.',
			nextSteps: [{text: expect.stringContaining('Set caddy.image in hoist.yml to docker.io/library/caddy:2')}],
		});
		expect(changes(session.script)).toEqual([]);
	});

	it('2.8.0 is served; a version that cannot be read is taken as it is, with a line in the log', async () => {
		for (const [version, logged] of [['v2.8.0', false], ['', true]] as const) {
			const stack = new FakeStack();
			stack.caddyVersion = version;
			stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
			const {h, run} = release(stack);
			expect((await run()).replaced).toEqual(['web']);
			expect(h.logs.some((line) => line.includes('could not read the Caddy version of docker.io/library/caddy:2; hoist needs Caddy 2.8 or later'))).toBe(logged);
		}
	});
});

describe('release: routes', () => {
	it('swaps every routed service that changed, one at a time: Caddy pinned to the serving containers, moved per service, back on the names at the end', async () => {
		const routed = configSchema.parse({stack: 'demo', aws: {sshCidr: '203.0.113.7/32'}, routes: [
			{service: 'web', port: 8080, domains: ['app.example.test']},
			{service: 'db', port: 5432, domains: ['app.example.test'], path: '/db', healthPath: '/ready'},
		]});
		const stack = new FakeStack();
		stack.imageIds.set('registry.test/web:v2', 'sha256:web2');
		stack.hashes.set('db', hash('d'));
		const {session, run} = release(stack, {}, routed);
		expect((await run()).replaced).toEqual(['web', 'db']);
		const swaps = changes(session.script).filter((line) => line.startsWith('compose up') || line.startsWith('ask ') || line.startsWith('retire'));
		expect(swaps).toEqual(['compose up web', 'ask http://10.89.0.7:8080/', 'retire 1 old container', 'compose up db', 'ask http://10.89.0.7:5432/ready', 'retire 1 old container']);
		// Both pinned to their serving containers first (no name lookups while containers change), each moved to its new
		// container in turn, then both back on their names.
		expect(pointings(session.script)).toEqual([
			'point Caddy at 10.89.0.5 for web, 10.89.0.7 for db',
			'point Caddy at 10.89.0.7 for web',
			'point Caddy at 10.89.0.7 for db',
			'point Caddy back at web, db',
		]);
		expect(session.uploaded).toEqual([]);
	});
});
