import {afterEach, describe, expect, it} from 'vitest';
import {HoistError, UserError} from '../../source/errors.js';
import {classifyConnectError} from '../../source/remote/connect.js';
import {HostKeyChangedError, SshConnectError, type SshFailure} from '../../source/remote/errors.js';
import type {RemoteSession} from '../../source/remote/session.js';
import type {Target} from '../../source/remote/target.js';
import {sshReady} from '../../steps/ssh-ready.js';
import {FakeSession} from '../helpers/fake-session.js';
import {createHarness, type Harness, type HarnessOptions} from '../helpers/step-context.js';

let harness: Harness | undefined;
afterEach(() => harness?.cleanup());

const awsTarget: Target = {
	kind: 'aws',
	host: '198.51.100.7',
	port: 22,
	user: 'alpine',
	privateKeyPath: '/keys/id_ed25519',
	identity: 'i-0abc',
	publicAddress: '198.51.100.7',
};
const serverTarget: Target = {...awsTarget, kind: 'server', host: 'vm.local', publicAddress: 'vm.local', identity: 'server', user: 'deploy', port: 2222};

const facts = {escalation: 'doas', user: 'alpine', osId: 'alpine', osVersion: '3.20.3', osName: 'Alpine Linux v3.20'} as const;

function session(): RemoteSession {
	return new FakeSession({hostKeyFingerprint: 'SHA256:abc', facts});
}

/** Connection attempts answer in turn with these failures, then succeed (unless `never`). */
function setup(failures: Array<SshFailure | Error>, options: HarnessOptions & {never?: boolean} = {}) {
	const attempts: Array<{trustNewHost: boolean | undefined}> = [];
	harness = createHarness({
		...options,
		remote: async (_target, open) => {
			attempts.push({trustNewHost: open?.trustNewHost});
			const next = failures.shift() ?? (options.never ? attempts.length : undefined);
			if (next === undefined) return session();
			if (next instanceof Error) throw next;
			throw new SshConnectError(typeof next === 'number' ? 'timeout' : next, typeof next === 'number' ? 'no answer in time' : `failed: ${next}`);
		},
	});
	return {h: harness, attempts, ctx: (target = awsTarget) => harness!.context(sshReady, {outputs: {target}})};
}

const loggedIn = {
	host: '198.51.100.7',
	user: 'alpine',
	hostKeyFingerprint: 'SHA256:abc',
	os: 'Alpine Linux v3.20',
	osId: 'alpine',
	osVersion: '3.20.3',
	escalation: 'doas',
};

describe('ssh-ready run', () => {
	it('retries visibly until the login works, trusting a new instance\'s key on first contact', async () => {
		const {h, attempts, ctx} = setup(['refused', 'closed']);
		const result = await sshReady.run(ctx());
		expect(result).toEqual(loggedIn);
		expect(attempts).toEqual([{trustNewHost: true}, {trustNewHost: true}, {trustNewHost: true}]);
		expect(h.progress).toEqual([
			expect.stringMatching(/^attempt 1: failed: refused; trying again \(300s left\)$/),
			expect.stringMatching(/^attempt 2: failed: closed; trying again \(299s left\)$/),
		]);
		expect(h.sleeps).toEqual([1000, 2000]);
		expect(h.logs).toEqual(['logged in as alpine@198.51.100.7 (Alpine Linux v3.20); host key SHA256:abc pinned']);
	});

	it('never trusts an existing server\'s unknown host key: it stops at once instead of retrying', async () => {
		const {attempts, ctx} = setup(['host-key']);
		const error = await sshReady.run(ctx(serverTarget)).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(SshConnectError);
		expect(attempts).toEqual([{trustNewHost: false}]);
	});

	it('an existing server that refuses the key: stops at once (its answer is final), saying where the public key goes', async () => {
		const {attempts, ctx} = setup(['auth', 'auth']);
		const error = (await sshReady.run(ctx(serverTarget)).catch((thrown: unknown) => thrown)) as UserError;
		expect(error).toBeInstanceOf(UserError);
		expect(error.code).toBe('SSH_KEY_REFUSED');
		expect(error.message).toBe('SSH to deploy@vm.local:2222: failed: auth.');
		expect(error.hint).toMatch(/vm\.local refused the key \/keys\/id_ed25519 for deploy/);
		expect(error.nextSteps[0]?.text).toMatch(/add hoist's public key \(\/keys\/id_ed25519\.pub\) to ~deploy\/\.ssh\/authorized_keys/);
		expect(attempts).toHaveLength(1);
	});

	it('a server.host that does not resolve: stops at once, saying so and what to check, without waiting out waitSeconds', async () => {
		const {h, attempts, ctx} = setup([classifyConnectError(Object.assign(new Error('getaddrinfo ENOTFOUND vm.local'), {code: 'ENOTFOUND'}), 'vm.local')]);
		const error = (await sshReady.run(ctx(serverTarget)).catch((thrown: unknown) => thrown)) as UserError;
		expect(error).toBeInstanceOf(UserError);
		expect(error.exitCode).toBe(2);
		expect(error.code).toBe('SSH_HOST_NOT_FOUND');
		expect(error.message).toBe('SSH to deploy@vm.local:2222: the name vm.local does not resolve (no DNS record has it).');
		expect(error.hint).toBe('No DNS server knows the name vm.local: it is misspelt, or its record is not there (yet).');
		expect(error.nextSteps[0]?.text).toMatch(/Check server\.host in hoist\.yml: `getent hosts vm\.local`.*or write the server's IP address instead/);
		expect(attempts).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

	it('a lookup the resolver did not answer (EAI_AGAIN) is tried again', async () => {
		const lookup = () => classifyConnectError(Object.assign(new Error('getaddrinfo EAI_AGAIN vm.local'), {code: 'EAI_AGAIN'}), 'vm.local');
		const {h, attempts, ctx} = setup([lookup(), lookup()]);
		await expect(sshReady.run(ctx(serverTarget))).resolves.toMatchObject({host: 'vm.local'});
		expect(attempts).toHaveLength(3);
		expect(h.progress[0]).toMatch(/^attempt 1: looking up the name vm\.local failed for now \(the DNS resolver did not answer\); trying again/);
	});

	it('a resolver that never answers: after the bounded wait, the diagnosis names DNS', async () => {
		const lookup = () => classifyConnectError(Object.assign(new Error('getaddrinfo EAI_AGAIN vm.local'), {code: 'EAI_AGAIN'}), 'vm.local');
		const {ctx} = setup(Array.from({length: 500}, lookup), {ssh: {waitSeconds: 20}});
		const error = (await sshReady.run(ctx(serverTarget)).catch((thrown: unknown) => thrown)) as UserError;
		expect(error.code).toBe('SSH_NOT_READY');
		expect(error.hint).toBe('This machine\'s DNS resolver did not answer for vm.local while hoist waited.');
		expect(error.nextSteps[0]?.text).toMatch(/Check your network connection and DNS/);
	});

	it('stops at once on a changed host key, without retrying', async () => {
		const changed = new HostKeyChangedError('The SSH host key of 198.51.100.7 has changed; hoist did not connect.', {code: 'SSH_HOST_KEY_CHANGED'});
		const {attempts, ctx} = setup([changed]);
		await expect(sshReady.run(ctx())).rejects.toBe(changed);
		expect(attempts).toHaveLength(1);
	});

	it.each([
		['timeout', awsTarget, /lets SSH in only from \S+\/\d+; if your address changed/, /update aws\.sshCidr/],
		['refused', awsTarget, /nothing listens on port 22 yet/, /aws ec2 get-console-output --instance-id i-0abc --latest/],
		['auth', awsTarget, /refused hoist's key\. It accepts the key pair it was launched with/, /hoist destroy/],
		['unreachable', awsTarget, /no route to 198\.51\.100\.7/, /Check your own connection/],
		['timeout', serverTarget, /Nothing answered on port 2222 of vm\.local/, /ssh -p 2222 deploy@vm\.local/],
	] as const)('after the bounded wait, a last failure of kind %s gets its own diagnosis (%o)', async (kind, target, hint, nextStep) => {
		const {h, ctx} = setup(Array.from({length: 500}, () => kind), {ssh: {waitSeconds: 20}});
		const started = h.now;
		const error = (await sshReady.run(ctx(target)).catch((thrown: unknown) => thrown)) as HoistError;
		expect(error).toBeInstanceOf(HoistError);
		// As for logs, exec and status: a server that does not answer is an outside condition, a refused key the user's.
		expect(error.exitCode).toBe(kind === 'auth' ? 2 : 1);
		expect(error.code).toBe('SSH_NOT_READY');
		expect(error.message).toBe(`SSH to ${target.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`} did not work within 20s (last: failed: ${kind}).`);
		expect(error.hint).toMatch(hint);
		expect(error.nextSteps.map((step) => step.text).join('\n')).toMatch(nextStep);
		expect(h.now - started).toBe(20_000);
	});
});

describe('ssh-ready check', () => {
	it('is done when the pinned host still answers, without trusting a new key', async () => {
		const {attempts, h} = setup([]);
		await expect(sshReady.check(h.context(sshReady, {outputs: {target: awsTarget}, previous: loggedIn}))).resolves.toEqual(loggedIn);
		expect(attempts).toEqual([{trustNewHost: false}]);
	});

	it('is not done when the address changed or the host does not answer', async () => {
		const {h} = setup(['timeout']);
		await expect(sshReady.check(h.context(sshReady, {outputs: {target: awsTarget}, previous: loggedIn}))).resolves.toBeUndefined();
		await expect(sshReady.check(h.context(sshReady, {outputs: {target: awsTarget}, previous: {...loggedIn, host: '203.0.113.1'}}))).resolves.toBeUndefined();
	});
});
