// Proves each part of the sandbox for real: EC2 emulator, instance host (SSH + doas + podman), registry,
// fixture app, DNS, ACME, and Caddy getting a Pebble certificate for a name the sandbox DNS points at the host.
import {X509Certificate} from 'node:crypto';
import {Resolver} from 'node:dns/promises';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import {
	AssociateAddressCommand, DescribeAddressesCommand, DescribeImagesCommand, EC2Client, ImportKeyPairCommand,
	RunInstancesCommand, TerminateInstancesCommand, type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import {CreateUserCommand, IAMClient, ListUsersCommand} from '@aws-sdk/client-iam';
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {
	deleteDnsRecord, dig, fillDnsRecords, flushResolvers, hostPodmanEnv, instancePodman, isSandboxAddress, motoApi, queriesSince,
	queryLogMark, readSandboxEnv, resetMoto, rotateHostKey, run, runScript, setDnsRecord, setNegativeTtl, ssh, syncQueryLogs,
	type SandboxEnv,
} from './sandbox.js';

const env: SandboxEnv = inject('sandbox');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hoist-smoke-'));
const [ns1 = '', ns2 = ''] = env.HOIST_SANDBOX_DNS_AUTHORITATIVE.split(',');
const [r1 = '', r2 = '', r3 = ''] = env.HOIST_SANDBOX_DNS_RESOLVERS.split(',');

// The SDK finds moto the way hoist will: through the standard endpoint variables, no endpoint in code.
const awsKeys = ['AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM', 'AWS_REGION',
	'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const savedAwsEnv = awsKeys.map((key) => [key, process.env[key]] as const);
function useSandboxAwsEnv(): void {
	for (const key of awsKeys) process.env[key] = env[key];
}

async function generateKey(name: string): Promise<{file: string; publicKey: string}> {
	const file = path.join(tmp, name);
	const result = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
	expect(result.code, result.stderr).toBe(0);
	return {file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim()};
}

/** What hoist's provisioning does, reduced: import the key, launch an Alpine instance, attach the Elastic IP. */
async function launchWithKey(ec2: EC2Client, keyName: string, publicKey: string): Promise<string> {
	await ec2.send(new ImportKeyPairCommand({KeyName: keyName, PublicKeyMaterial: Buffer.from(publicKey)}));
	const images = await ec2.send(new DescribeImagesCommand({
		Owners: ['538276064493'],
		Filters: [{Name: 'name', Values: ['alpine-3.20.*-x86_64-uefi-tiny-r*']}, {Name: 'state', Values: ['available']}],
	}));
	const imageId = images.Images?.[0]?.ImageId;
	expect(imageId).toBeDefined();
	const launched = await ec2.send(new RunInstancesCommand({
		ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, KeyName: keyName,
	}));
	const instanceId = launched.Instances?.[0]?.InstanceId ?? '';
	await ec2.send(new AssociateAddressCommand({InstanceId: instanceId, AllocationId: readSandboxEnv().HOIST_SANDBOX_EIP_ALLOCATION_ID}));
	return instanceId;
}

afterAll(() => {
	rmSync(tmp, {recursive: true, force: true});
	for (const [key, value] of savedAwsEnv) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
});

describe('EC2 emulator (moto)', () => {
	beforeAll(async () => {
		useSandboxAwsEnv();
		await resetMoto();
	});

	it('describes the Alpine AMIs through the standard endpoint variables', async () => {
		const ec2 = new EC2Client({maxAttempts: 1});
		const all = await ec2.send(new DescribeImagesCommand({Owners: ['538276064493']}));
		const names = (all.Images ?? []).map((image) => image.Name ?? '').sort();
		expect(names).toContain('alpine-3.19.4-x86_64-uefi-tiny-r0');
		expect(names).toContain('alpine-3.20.3-aarch64-uefi-tiny-r1');
		expect(names).toContain('alpine-3.20.3-x86_64-bios-tiny-r1');
		expect(names.some((name) => name.includes('-cloudinit-'))).toBe(true);

		const arm = await ec2.send(new DescribeImagesCommand({
			Owners: ['538276064493'],
			Filters: [{Name: 'name', Values: ['alpine-3.20.3-aarch64-uefi-tiny-r1']}, {Name: 'architecture', Values: ['arm64']}],
		}));
		expect(arm.Images?.map((image) => [image.Architecture, image.BootMode])).toEqual([['arm64', 'uefi']]);
		const bios = await ec2.send(new DescribeImagesCommand({
			Owners: ['538276064493'], Filters: [{Name: 'name', Values: ['alpine-3.20.3-x86_64-bios-tiny-r1']}],
		}));
		expect(bios.Images?.[0]?.BootMode).toBe('legacy-bios');
	});

	it('answers STS GetCallerIdentity and IAM with the fake credentials', async () => {
		const identity = await new STSClient({maxAttempts: 1}).send(new GetCallerIdentityCommand({}));
		expect(identity.Account).toMatch(/^\d{12}$/);
		const iam = new IAMClient({maxAttempts: 1});
		await iam.send(new CreateUserCommand({UserName: 'smoke'}));
		expect((await iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['smoke']);
	});

	it('validates AMI, instance type and key pair on RunInstances', async () => {
		const ec2 = new EC2Client({maxAttempts: 1});
		const attempt = (ImageId: string, InstanceType: string, KeyName?: string) =>
			ec2.send(new RunInstancesCommand({
				ImageId, InstanceType: InstanceType as RunInstancesCommandInput['InstanceType'], MinCount: 1, MaxCount: 1,
				...(KeyName === undefined ? {} : {KeyName}),
			})).then(() => 'ok', (error: Error) => error.name);
		expect(await attempt('ami-00000000000000000', 't3.micro')).toBe('InvalidAMIID.NotFound');
		expect(await attempt('ami-0a1b2c3d4e5f00004', 't9.bogus')).toBe('InvalidInstanceType.NotFound');
		expect(await attempt('ami-0a1b2c3d4e5f00004', 't3.micro', 'nope')).toBe('InvalidKeyPair.NotFound');
		expect(await attempt('ami-0a1b2c3d4e5f00004', 't3.micro')).toBe('ok');
	});

	it('holds the pre-allocated Elastic IP 10.77.0.2, with the same allocation id after a reset', async () => {
		const ec2 = new EC2Client({maxAttempts: 1});
		const before = readSandboxEnv().HOIST_SANDBOX_EIP_ALLOCATION_ID;
		expect(await resetMoto()).toBe(before);
		const addresses = await ec2.send(new DescribeAddressesCommand({AllocationIds: [before]}));
		expect(addresses.Addresses?.map((address) => address.PublicIp)).toEqual([env.HOIST_SANDBOX_EIP_ADDRESS]);
	});
});

describe('instance host (10.77.0.2)', () => {
	let key: {file: string; publicKey: string};
	let ec2: EC2Client;
	let instanceId = '';

	beforeAll(async () => {
		useSandboxAwsEnv();
		await resetMoto();
		ec2 = new EC2Client({maxAttempts: 1});
		key = await generateKey('smoke-key');
	});

	it('authorises only the key pair of the running instance that holds the Elastic IP', async () => {
		await ec2.send(new ImportKeyPairCommand({KeyName: 'unrelated', PublicKeyMaterial: Buffer.from(key.publicKey)}));
		expect((await ssh(env, key.file, 'true')).code).not.toBe(0); // imported, but no instance launched with it

		instanceId = await launchWithKey(ec2, 'smoke', key.publicKey);
		const login = await ssh(env, key.file, 'id -un; ip -4 -o addr show');
		expect(login.stderr).toBe('');
		expect(login.stdout).toMatch(/^alpine\n/);
		expect(login.stdout).toContain('10.77.0.2/25');

		const other = await generateKey('other-key');
		expect((await ssh(env, other.file, 'true')).code).not.toBe(0);
	});

	it('keeps authorising logins while moto emulates auth (as fault-injection tests switch it on)', async () => {
		await motoApi('reset-auth', '0', env);
		try {
			const refused = await ec2.send(new DescribeAddressesCommand({})).then(() => 'ok', (error: Error) => error.name);
			expect(refused).toBe('AuthFailure'); // the fake credentials are refused now…
			expect((await ssh(env, key.file, 'true')).code).toBe(0); // …but the instance still knows its key pair
		} finally {
			await motoApi('reset-auth', 'inf', env);
		}
	});

	it('runs podman through doas with runc and cgroupfs', async () => {
		const info = await ssh(env, key.file, 'doas podman info --format json');
		expect(info.code, info.stderr).toBe(0);
		const parsed = JSON.parse(info.stdout) as {host: {ociRuntime: {name: string}; cgroupManager: string}; store: {graphRoot: string}};
		expect(parsed.host.ociRuntime.name).toBe('runc');
		expect(parsed.host.cgroupManager).toBe('cgroupfs');
		expect(parsed.store.graphRoot.startsWith(env.HOIST_SANDBOX_DIR)).toBe(true);
		expect((await ssh(env, key.file, 'doas -n true')).code).toBe(0); // no password prompt, as on Alpine's cloud images
	});

	it('pulls from the registry with the sandbox CA trusted and runs the fixture image', async () => {
		const login = await ssh(env, key.file,
			`doas podman login -u ${env.HOIST_SANDBOX_REGISTRY_USER} --password-stdin ${env.HOIST_SANDBOX_REGISTRY}`,
			env.HOIST_SANDBOX_REGISTRY_PASSWORD);
		expect(login.code, login.stderr).toBe(0);
		const ran = await ssh(env, key.file, `doas podman run --rm ${env.HOIST_SANDBOX_IMAGE_WEB_V1} echo ok`);
		expect(ran.code, ran.stderr).toBe(0);
		expect(ran.stdout.trim()).toBe('ok');
		const denied = await ssh(env, key.file, `doas podman logout ${env.HOIST_SANDBOX_REGISTRY} && doas podman pull ${env.HOIST_SANDBOX_IMAGE_WEB_V2}`);
		expect(denied.code).not.toBe(0);
		expect(denied.stderr).toMatch(/authentication required|unauthorized/i);
	});

	it('deploys the fixture app with doas docker-compose against the podman socket (migrate, seed, then web; v1 then v2)', async () => {
		const auth = Buffer.from(`${env.HOIST_SANDBOX_REGISTRY_USER}:${env.HOIST_SANDBOX_REGISTRY_PASSWORD}`).toString('base64');
		const config = JSON.stringify({auths: {[env.HOIST_SANDBOX_REGISTRY]: {auth}}});
		const copied = await ssh(env, key.file, 'mkdir -p app && cat > app/docker-compose.yml', readFileSync(env.HOIST_SANDBOX_COMPOSE_FILE, 'utf8'));
		expect(copied.code, copied.stderr).toBe(0);
		const docker = await ssh(env, key.file, 'doas sh -c \'mkdir -p "$HOME/.docker" && cat > "$HOME/.docker/config.json"\'', config);
		expect(docker.code, docker.stderr).toBe(0);

		const compose = (envVars: string, args: string) => ssh(env, key.file, `cd app && doas env ${envVars} docker-compose -p fixture ${args}`);
		try {
			const up = await compose('WEB_TAG=v1', 'up -d');
			expect(up.code, up.stderr).toBe(0);
			const health = await compose('WEB_TAG=v1', 'exec -T web wget -qO- http://127.0.0.1:8080/health');
			expect(JSON.parse(health.stdout)).toMatchObject({migrated: true, seeded: true, version: 'v1'});
			const page = await compose('WEB_TAG=v1', 'exec -T web wget -qO- http://127.0.0.1:8080/');
			expect(page.stdout).toContain('hoist fixture app v1');

			const redeploy = await compose('WEB_TAG=v2', 'up -d');
			expect(redeploy.code, redeploy.stderr).toBe(0);
			const page2 = await compose('WEB_TAG=v2', 'exec -T web wget -qO- http://127.0.0.1:8080/');
			expect(page2.stdout).toContain('hoist fixture app v2');
		} finally {
			await compose('WEB_TAG=v2', 'down -v');
		}
		// Without the migration, web refuses to start.
		const bare = await ssh(env, key.file, `doas podman run --rm ${env.HOIST_SANDBOX_IMAGE_WEB_V1}`);
		expect(bare.code).toBe(1);
		expect(bare.stderr).toContain('not migrated');
	});

	it('serves a new host key after rotate-host-key, which strict host key checking rejects', async () => {
		const oldKnownHosts = path.join(tmp, 'known_hosts.old');
		writeFileSync(oldKnownHosts, readFileSync(env.HOIST_SANDBOX_KNOWN_HOSTS));
		const newKey = await rotateHostKey();
		expect(readFileSync(env.HOIST_SANDBOX_HOST_KEY, 'utf8')).toContain(newKey);
		const stale = await run('ssh', ['-F', '/dev/null', '-i', key.file, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes',
			'-o', `UserKnownHostsFile=${oldKnownHosts}`, '-o', 'StrictHostKeyChecking=yes', `alpine@${env.HOIST_SANDBOX_HOST}`, 'true']);
		expect(stale.code).not.toBe(0);
		expect(stale.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
		expect((await ssh(env, key.file, 'true')).code).toBe(0); // env's known_hosts holds the new key
	});

	it('stops authorising the key once the instance is terminated', async () => {
		await ec2.send(new TerminateInstancesCommand({InstanceIds: [instanceId]}));
		expect((await ssh(env, key.file, 'true')).code).not.toBe(0);
	});
});

describe('registry (10.77.0.1:5000)', () => {
	it('serves TLS from the sandbox CA and requires credentials', async () => {
		const status = await new Promise<number>((resolve, reject) => {
			https.get(`https://${env.HOIST_SANDBOX_REGISTRY}/v2/`, {ca: readFileSync(env.HOIST_SANDBOX_REGISTRY_CA)}, (response) => {
				response.resume();
				resolve(response.statusCode ?? 0);
			}).on('error', reject);
		});
		expect(status).toBe(401);
	});

	it('lets the host log in with podman and pull the fixture images; v1 and v2 differ', async () => {
		const authFile = path.join(tmp, 'auth.json');
		const podmanEnv = hostPodmanEnv(env, authFile);
		const anonymous = await run('podman', ['pull', '-q', env.HOIST_SANDBOX_IMAGE_MIGRATE], {env: podmanEnv});
		expect(anonymous.code).not.toBe(0);
		const wrong = await run('podman', ['login', '-u', env.HOIST_SANDBOX_REGISTRY_USER, '--password-stdin', env.HOIST_SANDBOX_REGISTRY],
			{env: podmanEnv, input: 'wrong-password'});
		expect(wrong.code).not.toBe(0);
		const login = await run('podman', ['login', '-u', env.HOIST_SANDBOX_REGISTRY_USER, '--password-stdin', env.HOIST_SANDBOX_REGISTRY],
			{env: podmanEnv, input: env.HOIST_SANDBOX_REGISTRY_PASSWORD});
		expect(login.code, login.stderr).toBe(0);
		const ids: string[] = [];
		for (const image of [env.HOIST_SANDBOX_IMAGE_WEB_V1, env.HOIST_SANDBOX_IMAGE_WEB_V2, env.HOIST_SANDBOX_IMAGE_MIGRATE, env.HOIST_SANDBOX_IMAGE_CADDY]) {
			const pulled = await run('podman', ['pull', '-q', image], {env: podmanEnv});
			expect(pulled.code, pulled.stderr).toBe(0);
			ids.push(pulled.stdout.trim());
		}
		expect(new Set(ids).size).toBe(4);
	});
});

describe('DNS', () => {
	const zone = env.HOIST_SANDBOX_DNS_ZONE;
	const name = `smoke-dns.${zone}`;
	afterAll(async () => {
		await deleteDnsRecord('all', name, 'A');
		await setNegativeTtl('all', 30);
	});

	it('has two authoritative servers that answer with AA and name each other', async () => {
		for (const server of [ns1, ns2, '10.77.0.1']) {
			const soa = await dig(server, zone, 'SOA');
			expect(soa.status).toBe('NOERROR');
			expect(soa.flags).toContain('aa');
			const ns = await dig(server, zone, 'NS');
			expect(ns.answer.map((record) => record.data).sort()).toEqual([`ns1.${zone}.`, `ns2.${zone}.`]);
		}
		expect((await dig(ns1, `ns1.${zone}`, 'A')).answer[0]?.data).toBe(ns1);
		expect((await dig(ns1, `ns2.${zone}`, 'A')).answer[0]?.data).toBe(ns2);
	});

	it('starts without the app record, and shows a runtime change on the next query', async () => {
		const app = await dig(ns1, env.HOIST_SANDBOX_DOMAIN, 'A');
		expect(app.status).toBe('NXDOMAIN');
		expect(app.authority[0]?.type).toBe('SOA');

		await setDnsRecord('ns1', name, 'A', '10.77.0.2', 120);
		const one = await dig(ns1, name, 'A');
		expect(one.flags).toContain('aa');
		expect(one.answer).toEqual([{name: `${name}.`, ttl: 120, type: 'A', data: '10.77.0.2'}]);
		expect((await dig(ns2, name, 'A')).status).toBe('NXDOMAIN'); // the servers disagree until both are set

		await setDnsRecord('auth', name, 'A', '10.77.0.3');
		for (const server of [ns1, ns2, '10.77.0.1']) expect((await dig(server, name, 'A')).answer[0]?.data).toBe('10.77.0.3');
	});

	it('has caching resolvers: answers keep their TTL counting down, a stale answer stays until it expires or is flushed', async () => {
		await setDnsRecord('auth', name, 'A', '10.77.0.9', 60);
		await flushResolvers('all');
		const first = await dig(r1, name, 'A', true);
		expect(first.flags).toEqual(expect.arrayContaining(['qr', 'rd', 'ra']));
		expect(first.flags).not.toContain('aa');
		expect(first.answer).toEqual([{name: `${name}.`, ttl: 60, type: 'A', data: '10.77.0.9'}]);

		await setDnsRecord('auth', name, 'A', '10.77.0.2', 60);
		await new Promise((resolve) => setTimeout(resolve, 2100));
		const cached = await dig(r1, name, 'A', true);
		expect(cached.answer[0]?.data).toBe('10.77.0.9'); // stale: the old answer until its TTL runs out
		expect(cached.answer[0]?.ttl).toBeLessThanOrEqual(58);
		expect((await dig(r2, name, 'A', true)).answer[0]).toMatchObject({data: '10.77.0.2', ttl: 60}); // never asked before: fresh

		const resolver = new Resolver({timeout: 2000, tries: 1});
		resolver.setServers([r3]);
		expect(await resolver.resolve4(name, {ttl: true})).toEqual([{address: '10.77.0.2', ttl: 60}]);
		await flushResolvers('r1', name);
		expect((await dig(r1, name, 'A', true)).answer[0]?.data).toBe('10.77.0.2');
	});

	it('caches negative answers for the SOA minimum, counting down', async () => {
		const missing = `smoke-negative.${zone}`;
		await setNegativeTtl('auth', 900);
		await deleteDnsRecord('auth', missing, 'A');
		await flushResolvers('r3');
		const negative = await dig(r3, missing, 'A', true);
		expect(negative.status).toBe('NXDOMAIN');
		expect(negative.authority[0]).toMatchObject({type: 'SOA', ttl: 900});
		await setDnsRecord('auth', missing, 'A', '10.77.0.2');
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const still = await dig(r3, missing, 'A', true);
		expect(still.status).toBe('NXDOMAIN'); // the absence is cached although the record exists now
		expect(still.authority[0]?.ttl).toBeLessThan(900);
		expect((await dig(ns1, missing, 'A')).answer[0]?.data).toBe('10.77.0.2');
		await deleteDnsRecord('all', missing, 'A');
		await setNegativeTtl('all', 30);
	});

	it('logs every query: knotd through dnstap, unbound in its own log; resolvers ask from their own address', async () => {
		const logged = `smoke-log.${zone}`;
		const mark = await queryLogMark();
		expect(await queriesSince(mark, 'ns1', {name: logged})).toEqual([]);
		await dig(ns1, logged, 'AAAA');
		await flushResolvers('r2');
		await dig(r2, logged, 'A', true);
		await syncQueryLogs();
		const ns1Log = await queriesSince(mark, 'ns1', {name: logged, sync: false});
		const ns2Log = await queriesSince(mark, 'ns2', {name: logged, sync: false});
		expect(ns1Log[0]).toMatchObject({server: 'ns1', protocol: 'udp', client: '127.0.0.1', name: `${logged}.`, type: 'AAAA'});
		expect(ns1Log[0]!.at).toBeGreaterThan(Date.now() - 30_000);
		// r2 asked one of the authoritative servers, from 127.0.0.5
		expect([...ns1Log, ...ns2Log].filter((entry) => entry.client === r2).map((entry) => entry.type)).toContain('A');
		expect(await queriesSince(mark, 'r2', {name: logged})).toEqual([expect.objectContaining({server: 'r2', client: '127.0.0.1', type: 'A'})]);
		expect(await queriesSince(mark, 'r1', {name: logged})).toEqual([]);
		const cli = await runScript('dns-record.sh', ['all', 'log', '--since', String(Date.now() - 60_000), logged]);
		expect(cli.stdout).toMatch(new RegExp(`^ns1 \\d+ udp 127\\.0\\.0\\.1 ${logged.replaceAll('.', '\\.')}\\. AAAA$`, 'm'));
		expect(cli.stdout).toMatch(new RegExp(`^r2 \\d+ - 127\\.0\\.0\\.1 ${logged.replaceAll('.', '\\.')}\\. A$`, 'm'));
	});

	it('has a bootstrap resolver that finds the zone of app.example.test and refuses everything outside the sandbox', async () => {
		const bootstrap = env.HOIST_SANDBOX_DNS_BOOTSTRAP;
		const app = await dig(bootstrap, env.HOIST_SANDBOX_DOMAIN, 'SOA', true);
		expect(['NOERROR', 'NXDOMAIN']).toContain(app.status);
		expect(app.authority[0]).toMatchObject({name: `${zone}.`, type: 'SOA'});
		const apex = await dig(bootstrap, zone, 'SOA', true);
		expect(apex.answer[0]).toMatchObject({name: `${zone}.`, type: 'SOA'});
		expect((await dig(bootstrap, zone, 'NS', true)).answer.map((record) => record.data).sort()).toEqual([`ns1.${zone}.`, `ns2.${zone}.`]);
		for (const server of [bootstrap, r1]) {
			expect((await dig(server, 'example.com', 'A', true)).status).toBe('REFUSED');
			expect((await dig(server, 'test', 'CAA', true)).status).toBe('REFUSED');
		}
	});

	it('answers SERVFAIL for every name in the servfail zone, on ns1/ns2 and through the resolvers', async () => {
		const broken = `app.${env.HOIST_SANDBOX_DNS_SERVFAIL_ZONE}`;
		for (const server of [ns1, ns2]) expect((await dig(server, broken, 'A')).status).toBe('SERVFAIL');
		expect((await dig(r1, broken, 'A', true)).status).toBe('SERVFAIL');
		expect((await dig(ns1, `app.${zone}`, 'A')).status).not.toBe('SERVFAIL');
	});

	it('serves answers over 4 KB: truncated over UDP, whole over TCP', async () => {
		const big = `smoke-big.${zone}`;
		await fillDnsRecords('auth', big, 300, 'A');
		try {
			const udp = await run('dig', [`@${ns1}`, big, 'A', '+norec', '+ignore', '+time=2', '+tries=1', '+bufsize=4096']);
			expect(udp.stdout).toMatch(/;; flags: qr aa tc;/);
			const tcp = await run('dig', [`@${ns2}`, big, 'A', '+norec', '+tcp', '+time=2', '+tries=1']);
			expect(tcp.stdout).toContain('ANSWER: 300');
			expect(Number(/MSG SIZE {2}rcvd: (\d+)/.exec(tcp.stdout)?.[1])).toBeGreaterThan(4096);
		} finally {
			await deleteDnsRecord('auth', big, 'A');
		}
	});
});

describe('ACME (Pebble)', () => {
	it('serves its directory over TLS trusted through the sandbox CA only', async () => {
		const get = (ca?: Buffer) => new Promise<string>((resolve, reject) => {
			https.get(env.HOIST_SANDBOX_ACME_DIRECTORY, ca ? {ca} : {}, (response) => {
				let body = '';
				response.on('data', (chunk: Buffer) => (body += chunk.toString()));
				response.on('end', () => resolve(body));
			}).on('error', reject);
		});
		const directory = JSON.parse(await get(readFileSync(env.HOIST_SANDBOX_ACME_CA))) as Record<string, unknown>;
		expect(Object.keys(directory)).toEqual(expect.arrayContaining(['newAccount', 'newNonce', 'newOrder']));
		await expect(get()).rejects.toThrow(/certificate/i);
	});

	it('publishes its current issuing root', () => {
		const root = new X509Certificate(readFileSync(env.HOIST_SANDBOX_ACME_ROOT));
		expect(root.ca).toBe(true);
		expect(root.subject).toContain('Pebble Root CA');
	});
});

describe('Caddy in a container on the host gets a Pebble certificate', () => {
	const site = `caddy-smoke.${env.HOIST_SANDBOX_DNS_ZONE}`;
	const container = 'hoist-smoke-caddy';
	const work = path.join(env.HOIST_SANDBOX_DIR, 'run', 'caddy-smoke');

	afterAll(async () => {
		await instancePodman(env, ['rm', '-f', '-t', '0', container]);
		await deleteDnsRecord('auth', site, 'A');
		rmSync(work, {recursive: true, force: true});
	});

	it('obtains and serves a certificate that chains to Pebble\'s issuing root', async () => {
		await setDnsRecord('auth', site, 'A', env.HOIST_SANDBOX_HOST);
		rmSync(work, {recursive: true, force: true});
		await run('mkdir', ['-p', work]);
		writeFileSync(path.join(work, 'acme-ca.pem'), readFileSync(env.HOIST_SANDBOX_ACME_CA));
		writeFileSync(path.join(work, 'Caddyfile'), [
			'{', `\tacme_ca ${env.HOIST_SANDBOX_ACME_DIRECTORY}`, '\tacme_ca_root /etc/caddy/acme-ca.pem', '}',
			`${site} {`, '\trespond "hello from the sandbox"', '}', '',
		].join('\n'));
		const creds = `${env.HOIST_SANDBOX_REGISTRY_USER}:${env.HOIST_SANDBOX_REGISTRY_PASSWORD}`;
		const pulled = await instancePodman(env, ['pull', '-q', '--creds', creds, env.HOIST_SANDBOX_IMAGE_CADDY]);
		expect(pulled.code, pulled.stderr).toBe(0);
		const started = await instancePodman(env, ['run', '-d', '--name', container, '-p', '80:80', '-p', '443:443',
			'-v', `${work}/Caddyfile:/etc/caddy/Caddyfile:ro`, '-v', `${work}/acme-ca.pem:/etc/caddy/acme-ca.pem:ro`,
			env.HOIST_SANDBOX_IMAGE_CADDY]);
		expect(started.code, started.stderr).toBe(0);

		const root = readFileSync(env.HOIST_SANDBOX_ACME_ROOT);
		const connect = () => new Promise<tls.PeerCertificate>((resolve, reject) => {
			const socket = tls.connect({host: env.HOIST_SANDBOX_HOST, port: 443, servername: site, ca: root}, () => {
				const cert = socket.getPeerCertificate(true);
				socket.end();
				resolve(cert);
			});
			socket.on('error', reject);
		});
		let cert: tls.PeerCertificate | undefined;
		let lastError: unknown;
		for (let attempt = 0; attempt < 100 && !cert; attempt++) {
			try {
				cert = await connect();
			} catch (error) {
				lastError = error;
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}
		if (!cert) {
			const logs = await instancePodman(env, ['logs', container]);
			throw new Error(`no trusted certificate after 20 s: ${String(lastError)}\n${logs.stderr}`);
		}
		expect(cert.subjectaltname).toContain(`DNS:${site}`);
		expect(cert.issuer.CN).toMatch(/^Pebble Intermediate CA/);
	});
});

describe('network confinement', () => {
	it('gives the instance no route outside the sandbox network', async () => {
		const routes = await run('ip', ['-n', env.HOIST_SANDBOX_NETNS, 'route', 'show']);
		expect(routes.code).toBe(0);
		expect(routes.stdout).not.toMatch(/^default/m);
	});

	it('points every URL and server address of the environment at loopback or 10.77.0.0/24', () => {
		const hosts = [env.AWS_ENDPOINT_URL_EC2, env.AWS_ENDPOINT_URL_STS, env.AWS_ENDPOINT_URL_IAM, env.HOIST_SANDBOX_MOTO_URL,
			env.HOIST_SANDBOX_ACME_DIRECTORY].map((url) => new URL(url).hostname);
		hosts.push(env.HOIST_SANDBOX_HOST, env.HOIST_SANDBOX_EIP_ADDRESS, env.HOIST_SANDBOX_REGISTRY.split(':')[0] ?? '',
			...env.HOIST_SANDBOX_DNS_AUTHORITATIVE.split(','), ...env.HOIST_SANDBOX_DNS_RESOLVERS.split(','), env.HOIST_SANDBOX_DNS_BOOTSTRAP);
		for (const host of hosts) expect(isSandboxAddress(host), host).toBe(true);
	});

	it('has the sandbox daemons listen only on loopback and 10.77.0.0/24', async () => {
		const sockets = await run('ss', ['-Htlunp']);
		const ours = sockets.stdout.split('\n').filter((line) => /"(knotd|unbound|pebble|docker-registry|moto_server)"/.test(line));
		expect(ours.length).toBeGreaterThan(5);
		for (const line of ours) {
			const local = line.split(/\s+/)[4] ?? '';
			expect(isSandboxAddress(local.slice(0, local.lastIndexOf(':'))), line).toBe(true);
		}
	});
});
