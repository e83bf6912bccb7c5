// `hoist destroy` on a `server:` target whose journal is gone (a lost .hoist/, a fresh checkout): nothing records
// what hoist put on the server, so destroy must look there (the compose project's label, /srv/hoist/<stack>) or say
// it cannot, never report success without connecting while the stack keeps running.
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {authorizeKey, clearAuthorizedKeys, instancePodman, readSandboxEnv, resetMoto, wipeInstance, type SandboxEnv} from '../sandbox/sandbox.js';

let sandbox: SandboxEnv;
let stack: E2eStack;
const noAws = {AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'};

beforeAll(async () => {
	await resetMoto();
	await wipeInstance();
	await clearAuthorizedKeys();
	sandbox = readSandboxEnv();
});

afterAll(async () => {
	await stack?.run(['destroy', '--volumes', '--yes'], noAws);
	await clearAuthorizedKeys();
	stack?.cleanup();
});

/** The stack's containers (by compose's project label) and whether its folder is on the host. */
async function onHost(name: string) {
	const containers = (await instancePodman(sandbox, ['ps', '--all', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}'])).stdout;
	const volumes = (await instancePodman(sandbox, ['volume', 'ls', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Name}}'])).stdout;
	return {
		containers: containers.split('\n').filter(Boolean).length,
		volumes: volumes.split('\n').filter(Boolean).sort(),
		dir: existsSync(`/srv/hoist/${name}`),
		srvHoist: existsSync('/srv/hoist') ? readdirSync('/srv/hoist').sort() : 'absent',
	};
}

const hostKey = () => readFileSync(sandbox.HOIST_SANDBOX_HOST_KEY, 'utf8').trim().split(' ').slice(0, 2).join(' ');

it('without a journal, destroy looks on the server and removes the stack; without a key to log in, it says it cannot (exit 2)', async () => {
	const server = [`host: ${sandbox.HOIST_SANDBOX_HOST}`, 'user: alpine', `hostKey: ${hostKey()}`];
	stack = e2eStack(sandbox, {stack: 'lostj', server});
	// The user's own key, beside hoist.yml: it survives the lost .hoist/ (hoist's own key would not).
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(stack.dir, 'deploy_key')]);
	await authorizeKey(join(stack.dir, 'deploy_key.pub'));
	const config = join(stack.dir, 'hoist.yml');
	const ownKey = readFileSync(config, 'utf8');
	const userKey = ownKey.replace(/^ssh:\n/m, 'ssh:\n  publicKey: deploy_key.pub\n');
	expect(userKey).not.toBe(ownKey);
	writeFileSync(config, userKey);

	const up = await stack.run(['up', '--json'], noAws);
	expect(up.code, JSON.stringify(up.events.find((event) => event['type'] === 'step-failed') ?? up.stderr)).toBe(0);
	const running = await onHost('lostj');
	expect(running.containers).toBeGreaterThan(0);
	expect(running.dir).toBe(true);

	// A fresh checkout with hoist's own key: it was in the lost .hoist/, so there is no way in. Refused, and said so.
	rmSync(join(stack.dir, '.hoist'), {recursive: true});
	writeFileSync(config, ownKey);
	const cannot = await stack.run(['destroy', '--yes', '--json'], noAws);
	expect(cannot.code, cannot.stdout + cannot.stderr).toBe(2);
	const failed = cannot.events.find((event) => event['type'] === 'step-failed') as {error: {code: string; message: string}};
	expect(failed.error.code).toBe('SSH_KEY_MISSING');
	expect(cannot.stdout).not.toContain('"destroyedAt"');
	expect(JSON.parse(readFileSync(stack.journal, 'utf8'))).not.toHaveProperty('destroyedAt');
	expect(await onHost('lostj')).toEqual(running);

	// With a key the server accepts, destroy finds the stack there by its name and removes it; the volumes stay.
	rmSync(join(stack.dir, '.hoist'), {recursive: true});
	writeFileSync(config, userKey);
	const destroyed = await stack.run(['destroy', '--yes'], noAws);
	expect(destroyed.code, destroyed.stdout + destroyed.stderr).toBe(0);
	expect(destroyed.stdout).toMatch(/removed \d+ containers? and \d+ networks? of lostj/);
	expect(await onHost('lostj')).toEqual({containers: 0, volumes: running.volumes, dir: false, srvHoist: 'absent'});
	const status = await stack.run(['status'], noAws);
	expect(status.stdout).toMatch(/^ {2}volume +lostj_appdata@10\.77\.0\.2 {2}\(yours: destroy leaves it\)$/m);
});
