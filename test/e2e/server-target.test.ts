// `server:` in hoist.yml: the sandbox host as a machine the user already has (their own VM). No AWS at all: the EC2 and
// STS endpoints point at a closed port, while the shared emulator stays up for everyone else.
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {httpGet} from '../helpers/stack-host.js';
import {
	authorizeKey, clearAuthorizedKeys, deleteDnsRecord, flushResolvers, instancePodman, readSandboxEnv, resetMoto, setDnsRecord, wipeInstance, type SandboxEnv,
} from '../sandbox/sandbox.js';

let sandbox: SandboxEnv;
let stack: E2eStack;
const noAws = {AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'};

beforeAll(async () => {
	await resetMoto();
	// A server-target test starts from a wiped host, and no instance in the emulator owns it.
	await wipeInstance();
	await clearAuthorizedKeys();
	sandbox = readSandboxEnv();
});

afterAll(async () => {
	await stack?.run(['destroy', '--volumes', '--yes'], noAws);
	await clearAuthorizedKeys();
	stack?.cleanup();
});

/** What the host holds: /srv/hoist, every container, network and volume (not just the stack's). */
async function hostState() {
	const names = async (args: string[]) => (await instancePodman(sandbox, args)).stdout.split('\n').filter(Boolean).sort();
	return {
		srvHoist: existsSync('/srv/hoist') ? readdirSync('/srv/hoist').sort() : 'absent',
		containers: await names(['ps', '--all', '--format', '{{.Names}}']),
		networks: await names(['network', 'ls', '--format', '{{.Name}}']),
		volumes: await names(['volume', 'ls', '--format', '{{.Name}}']),
	};
}

const hostKey = () => readFileSync(sandbox.HOIST_SANDBOX_HOST_KEY, 'utf8').trim().split(' ').slice(0, 2).join(' ');

it('runs the whole flow without AWS; destroy leaves the host as it found it but the named volumes, which destroy --volumes removes', async () => {
	const before = await hostState();
	expect(before.srvHoist).toBe('absent');
	stack = e2eStack(sandbox, {stack: 'onvm', server: [`host: ${sandbox.HOIST_SANDBOX_HOST}`, 'user: alpine']});
	const knownHosts = join(stack.dir, '.hoist', 'known_hosts');

	// First contact without a terminal: the host key is not trusted, --yes or not, and nothing is pinned.
	for (const args of [['up', '--json'], ['up', '--yes', '--json']]) {
		const refused = await stack.run(args, noAws);
		expect(refused.code, refused.stdout + refused.stderr).toBe(2);
		const failed = refused.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {message: string; nextSteps: Array<{text: string; command?: string}>}};
		expect(failed.stepId).toBe('ssh-ready');
		expect(failed.error.message).toMatch(/^The SSH host key of 10\.77\.0\.2 \(ssh-ed25519 SHA256:\S+\) is not trusted yet; hoist did not connect\.$/);
		expect(failed.error.nextSteps.map((step) => step.text).join('\n')).toContain('server.hostKey');
		expect(existsSync(knownHosts) ? readFileSync(knownHosts, 'utf8') : '').toBe('');
	}

	// The key named in hoist.yml; hoist's own key is not on the server yet: a final answer, at once.
	stack.writeConfig({stack: 'onvm', server: [`host: ${sandbox.HOIST_SANDBOX_HOST}`, 'user: alpine', `hostKey: ${hostKey()}`]});
	const started = Date.now();
	const noKey = await stack.run(['up', '--json'], noAws);
	expect(Date.now() - started).toBeLessThan(10_000);
	expect(noKey.code).toBe(2);
	const refusedKey = noKey.events.find((event) => event['type'] === 'step-failed') as {error: {code: string; nextSteps: Array<{text: string; command?: string}>}};
	expect(refusedKey.error.code).toBe('SSH_KEY_REFUSED');
	const publicKey = readFileSync(join(stack.dir, '.hoist', 'id_ed25519.pub'), 'utf8').trim();
	expect(refusedKey.error.nextSteps[0]?.text).toContain(`~alpine/.ssh/authorized_keys: ${publicKey}`);

	// The user puts hoist's key on their server: the whole flow, without any AWS step.
	await authorizeKey(join(stack.dir, '.hoist', 'id_ed25519.pub'));
	const up = await stack.run(['up', '--json'], noAws);
	expect(up.code, JSON.stringify(up.events.find((event) => event['type'] === 'step-failed') ?? up.stderr)).toBe(0);
	const planned = (up.events.find((event) => event['type'] === 'run-started') as {steps: Array<{id: string}>}).steps.map((step) => step.id);
	expect(planned).toEqual(['compose', 'target', 'ssh-ready', 'bootstrap', 'registry-login', 'upload', 'deploy', 'dns', 'certificate']);
	// Plain HTTP on purpose (dns.skip: true, as every test of other things): the HTTPS path is the test below.
	const summaries = Object.fromEntries(up.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], String(event['summary'])]));
	expect(summaries['dns']).toMatch(/^skipped: dns\.skip is true in hoist\.yml/);
	expect(summaries['certificate']).toMatch(/^skipped: dns\.skip is true in hoist\.yml/);
	const finish = up.events.find((event) => event['type'] === 'finish');
	expect(finish).toMatchObject({https: false, url: 'http://10.77.0.2/', noHttps: {reason: expect.stringMatching(/^dns\.skip is true in hoist\.yml: .*\(remove dns\.skip for HTTPS\)$/)}});
	expect((await httpGet(sandbox, '/')).body).toContain('hoist fixture app v1');
	expect(readFileSync(knownHosts, 'utf8')).toContain(`10.77.0.2 ${hostKey()}`);
	const status = await stack.run(['status'], noAws);
	expect(status.code).toBe(0);
	expect(status.stdout).toContain('Server alpine@10.77.0.2\n');
	expect(status.stdout).toMatch(/^ {2}stack-dir +\/srv\/hoist\/onvm@10\.77\.0\.2$/m);
	const health = await stack.run(['exec', 'web', '--', 'cat', '/srv/www/health'], noAws);
	expect(JSON.parse(health.stdout)).toMatchObject({migrated: true, version: 'v1'});
	const deployed = await hostState();
	expect(deployed.srvHoist).toEqual(['onvm']);
	expect(deployed.volumes).toEqual([...before.volumes, 'onvm_appdata', 'onvm_hoist_caddy_config', 'onvm_hoist_caddy_data'].sort());

	// --snapshot is for AWS: refused before anything changes.
	const snapshot = await stack.run(['destroy', '--snapshot', '--yes'], noAws);
	expect(snapshot.code).toBe(2);
	expect(snapshot.stdout + snapshot.stderr).toContain('--snapshot keeps a copy of an EC2 instance\'s disk');

	const destroyed = await stack.run(['destroy', '--yes', '--json'], noAws);
	expect(destroyed.code, destroyed.stdout + destroyed.stderr).toBe(0);
	const afterDestroy = await hostState();
	expect(afterDestroy).toEqual({...before, volumes: [...before.volumes, 'onvm_appdata', 'onvm_hoist_caddy_config', 'onvm_hoist_caddy_data'].sort()});
	const kept = await stack.run(['status'], noAws);
	expect(kept.stdout).toContain('Destroyed at');
	expect(kept.stdout).toMatch(/^ {2}volume +onvm_appdata@10\.77\.0\.2 {2}\(yours: destroy leaves it\)$/m);
	expect(readFileSync(knownHosts, 'utf8')).toContain(`10.77.0.2 ${hostKey()}`);

	const removed = await stack.run(['destroy', '--volumes', '--yes'], noAws);
	expect(removed.code, removed.stdout + removed.stderr).toBe(0);
	expect(await hostState()).toEqual(before);
	expect((await stack.run(['status'], noAws)).stdout).not.toContain('volume ');
});

it('a server given by a name only the sandbox\'s DNS knows, with Pebble on the private network and no dns.expectAddress: the name\'s address for SSH and DNS, then a certificate', async () => {
	const domain = `byname-${Date.now().toString(36)}.${sandbox.HOIST_SANDBOX_DNS_ZONE}`;
	const host = sandbox.HOIST_SANDBOX_HOST;
	const named = e2eStack(sandbox, {stack: 'byname', domain, https: true, server: ['host: instance.example.test', 'user: alpine', `hostKey: ${hostKey()}`]});
	try {
		// The first run makes hoist's key and stops at ssh-ready (the server does not know it yet); the person adds it.
		const first = await named.run(['up', '--json'], noAws);
		expect(first.code).toBe(2);
		const logLines = (result: typeof first) => result.events.filter((event) => event['type'] === 'step-log').map((event) => String(event['line']));
		expect(logLines(first)).toContain(`instance.example.test resolves to ${host} through dns.resolvers (${sandbox.HOIST_SANDBOX_DNS_BOOTSTRAP}): hoist connects to ${host} and watches DNS for it`);
		await authorizeKey(join(named.dir, '.hoist', 'id_ed25519.pub'));
		// The record does not exist yet: the watcher asks for the name's address, and the person creates it meanwhile.
		const running = named.start(['up', '--json'], noAws);
		const waiting = await running.waitForEvent((event) => event['type'] === 'step-detail' && (event['detail'] as {kind: string; data: {state?: string}}).kind === 'dns-summary' && (event['detail'] as {data: {state?: string}}).data.state === 'waiting');
		expect((waiting['detail'] as {data: {record: unknown}}).data.record).toMatchObject({type: 'A', name: domain, value: host});
		await setDnsRecord('auth', domain, 'A', host);
		const up = await running.done;
		expect(up.code, JSON.stringify(up.events.find((event) => event['type'] === 'step-failed') ?? up.stderr)).toBe(0);
		// The journal's target holds the address taken (later commands use it); the name stays beside it.
		expect(JSON.parse(readFileSync(named.journal, 'utf8')).steps.target.outputs).toMatchObject({host, publicAddress: host, hostName: 'instance.example.test'});
		const done = Object.fromEntries(up.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], String(event['summary'])]));
		expect(done['dns']).toBe(`${domain} → ${host} on every authoritative server (${sandbox.HOIST_SANDBOX_DNS_ZONE})`);
		expect(done['certificate']).toMatch(new RegExp(`^Pebble Intermediate CA [0-9a-f]+ for ${domain.replaceAll('.', '\\.')}, until `));
		expect(up.events.find((event) => event['type'] === 'finish')).toMatchObject({https: true, url: `https://${domain}/`});
	} finally {
		await named.run(['destroy', '--volumes', '--yes'], noAws);
		named.cleanup();
		await deleteDnsRecord('auth', domain, 'A');
		await flushResolvers('all', domain);
	}
});
