import {writeFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {HostKeyChangedError, SshConnectError, type SshFailure, type SshSession} from '../../source/remote/ssh.js';
import {sshReady} from '../../steps/ssh-ready.js';
import {createHarness, type Harness, type HarnessOptions} from '../helpers/step-context.js';

let harness: Harness | undefined;
afterEach(() => harness?.cleanup());

const privateKey = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';

function session(): SshSession {
	return {
		hostKeyFingerprint: 'SHA256:abc',
		exec: async () => ({code: 0, signal: null, stdout: '3.20.3\n', stderr: ''}),
		close: () => undefined,
	} as unknown as SshSession;
}

/** Connection attempts answer in turn with these failures, then succeed (unless `never`). */
function setup(failures: Array<SshFailure | Error>, options: HarnessOptions & {never?: boolean} = {}) {
	const attempts: Array<{trustNewHost: boolean}> = [];
	harness = createHarness({
		...options,
		connectSsh: async (target) => {
			attempts.push({trustNewHost: target.trustNewHost});
			const next = failures.shift() ?? (options.never ? attempts.length : undefined);
			if (next === undefined) return session();
			if (next instanceof Error) throw next;
			throw new SshConnectError(typeof next === 'number' ? 'timeout' : next, typeof next === 'number' ? 'no answer in time' : `failed: ${next}`);
		},
	});
	writeFileSync(harness.files.privateKey, privateKey, {mode: 0o600});
	const outputs = {
		'launch-instance': {instanceId: 'i-0abc', availabilityZone: 'us-east-1a', privateIp: '172.31.0.5'},
		'elastic-ip': {allocationId: 'eipalloc-1', publicIp: '198.51.100.7', ownedByHoist: true},
		'key-pair': {keyName: 'hoist-demo', keyPairId: 'key-1', privateKeyPath: harness.files.privateKey, generated: true},
	};
	return {h: harness, attempts, ctx: () => harness!.context(sshReady, {outputs})};
}

describe('ssh-ready run', () => {
	it('retries visibly until the login works, pins on first contact, and masks the private key', async () => {
		const {h, attempts, ctx} = setup(['refused', 'closed']);
		const result = await sshReady.run(ctx());
		expect(result).toEqual({host: '198.51.100.7', user: 'alpine', hostKeyFingerprint: 'SHA256:abc', alpineRelease: '3.20.3'});
		expect(attempts).toEqual([{trustNewHost: true}, {trustNewHost: true}, {trustNewHost: true}]);
		expect(h.progress).toEqual([
			expect.stringMatching(/^attempt 1: failed: refused; trying again \(300s left\)$/),
			expect.stringMatching(/^attempt 2: failed: closed; trying again \(299s left\)$/),
		]);
		expect(h.sleeps).toEqual([1000, 2000]);
		expect(h.services.redactor.redact(`key: ${privateKey}`)).toBe('key: ***\n');
	});

	it('stops at once on a changed host key, without retrying', async () => {
		const changed = new HostKeyChangedError('The SSH host key of 198.51.100.7 has changed; hoist did not connect.', {code: 'SSH_HOST_KEY_CHANGED'});
		const {attempts, ctx} = setup([changed]);
		await expect(sshReady.run(ctx())).rejects.toBe(changed);
		expect(attempts).toHaveLength(1);
	});

	it.each([
		['timeout', /lets SSH in only from \S+\/\d+; if your address changed/, /update aws\.sshCidr/],
		['refused', /nothing listens on port 22 yet/, /aws ec2 get-console-output --instance-id i-0abc --latest/],
		['auth', /refused hoist's key\. It accepts the key pair it was launched with \(hoist-demo\)/, /hoist destroy/],
		['unreachable', /no route to 198\.51\.100\.7/, /Check your own connection/],
	] as const)('after the bounded wait, a last failure of kind %s gets its own diagnosis', async (kind, hint, nextStep) => {
		const {h, ctx} = setup(Array.from({length: 500}, () => kind), {ssh: {waitSeconds: 20}});
		const started = h.now;
		const error = (await sshReady.run(ctx()).catch((thrown: unknown) => thrown)) as UserError;
		expect(error).toBeInstanceOf(UserError);
		expect(error.code).toBe('SSH_NOT_READY');
		expect(error.message).toBe(`SSH to alpine@198.51.100.7 did not work within 20s (last: failed: ${kind}).`);
		expect(error.hint).toMatch(hint);
		expect(error.nextSteps.join('\n')).toMatch(nextStep);
		expect(h.now - started).toBeGreaterThanOrEqual(20_000);
		expect(h.now - started).toBeLessThan(26_000);
	});
});

describe('ssh-ready check', () => {
	const previous = {host: '198.51.100.7', user: 'alpine', hostKeyFingerprint: 'SHA256:abc', alpineRelease: '3.20.3'};

	it('is done when the pinned host still answers, without trusting a new key', async () => {
		const {attempts, h} = setup([]);
		const outputs = {
			'launch-instance': {instanceId: 'i-0abc', availabilityZone: 'us-east-1a', privateIp: '172.31.0.5'},
			'elastic-ip': {allocationId: 'eipalloc-1', publicIp: '198.51.100.7', ownedByHoist: true},
			'key-pair': {keyName: 'hoist-demo', keyPairId: 'key-1', privateKeyPath: h.files.privateKey, generated: true},
		};
		await expect(sshReady.check(h.context(sshReady, {outputs, previous}))).resolves.toEqual(previous);
		expect(attempts).toEqual([{trustNewHost: false}]);
	});

	it('is not done when the address changed or the host does not answer', async () => {
		const {h} = setup(['timeout']);
		const outputs = {
			'launch-instance': {instanceId: 'i-0abc', availabilityZone: 'us-east-1a', privateIp: '172.31.0.5'},
			'elastic-ip': {allocationId: 'eipalloc-1', publicIp: '198.51.100.7', ownedByHoist: true},
			'key-pair': {keyName: 'hoist-demo', keyPairId: 'key-1', privateKeyPath: h.files.privateKey, generated: true},
		};
		await expect(sshReady.check(h.context(sshReady, {outputs, previous}))).resolves.toBeUndefined();
		await expect(sshReady.check(h.context(sshReady, {outputs, previous: {...previous, host: '203.0.113.1'}}))).resolves.toBeUndefined();
	});
});
