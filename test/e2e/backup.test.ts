// hoist backup and restore on the sandbox (AWS flow, one stack for the file): a value changed after the first deploy
// survives backup → destroy → up → restore, in a plain volume and through a service's own dump and restore commands;
// a damaged backup is refused before anything stops.
import {copyFileSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import {CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {instancePodman, readSandboxEnv, resetMoto, type SandboxEnv} from '../sandbox/sandbox.js';

let sandbox: SandboxEnv;
let stack: E2eStack;
let s3: S3Client;
const fileStarted = Date.now();
const bucket = 'hoist-e2e-backups';

/** hoist with moto's S3 as AWS_ENDPOINT_URL_S3 (the same moto server as EC2). */
const hoist = (args: string[]) => stack.run(args, {AWS_ENDPOINT_URL_S3: sandbox.AWS_ENDPOINT_URL_S3 ?? sandbox.HOIST_SANDBOX_MOTO_URL});

beforeAll(async () => {
	await resetMoto();
	sandbox = readSandboxEnv();
	s3 = new S3Client({region: sandbox.AWS_REGION, endpoint: sandbox.AWS_ENDPOINT_URL_S3 ?? sandbox.HOIST_SANDBOX_MOTO_URL, forcePathStyle: true, credentials: {accessKeyId: sandbox.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.AWS_SECRET_ACCESS_KEY}});
	await s3.send(new CreateBucketCommand({Bucket: bucket}));
	stack = e2eStack(sandbox, {stack: 'keep', extra: ['backup:', `  s3: s3://${bucket}/nightly`]});
	copyFileSync(join(import.meta.dirname, '../fixtures/backup/docker-compose.yml'), join(stack.dir, 'docker-compose.yml'));
	const up = await stack.run(['up', '--json']);
	expect(up.code, up.stdout + up.stderr).toBe(0);
});

afterAll(async () => {
	await stack?.run(['destroy', '--yes']);
	stack?.cleanup();
	console.info(`backup e2e: ${((Date.now() - fileStarted) / 1000).toFixed(1)} s for the file`);
});

const note = 'kept-after-first-deploy';
const record = 'row-1 alice';

async function read(service: string, path: string): Promise<{code: number | null; text: string}> {
	const result = await hoist(['exec', service, '--', 'sh', '-c', `cat ${path} 2>/dev/null || echo absent`]);
	return {code: result.code, text: result.stdout.trim()};
}

/** When the stack's web container last started (Podman's word), to prove nothing stopped it. */
async function webStartedAt(): Promise<string> {
	const ps = await instancePodman(sandbox, ['ps', '--filter', 'label=com.docker.compose.project=keep', '--filter', 'label=com.docker.compose.service=web', '--format', '{{.ID}} {{.StartedAt}}']);
	return ps.stdout.trim();
}

function backupDirs(): string[] {
	const root = join(stack.dir, 'backups', 'keep');
	return existsSync(root) ? readdirSync(root).sort() : [];
}

describe('hoist backup → destroy → up → restore', () => {
	let backup: string;

	it('backup: asks before stopping web (exit 2 without a terminal), then with --yes streams every item and writes the manifest last', async () => {
		expect((await hoist(['exec', 'web', '--', 'sh', '-c', `echo ${note} > /data/note`])).code).toBe(0);
		expect((await hoist(['exec', 'db', '--', 'sh', '-c', `echo '${record}' > /var/lib/db/records`])).code).toBe(0);

		const refused = await hoist(['backup']);
		expect(refused.code, refused.stdout + refused.stderr).toBe(2);
		expect(refused.stderr).toContain('stops web for about');
		expect(refused.stderr).toContain('hoist backup --yes');
		expect(backupDirs()).toEqual([]);

		const started = Date.now();
		const done = await hoist(['backup', '--yes', '--json']);
		const took = Date.now() - started;
		expect(done.code, done.stdout + done.stderr).toBe(0);
		const events = done.stdout.trim().split('\n').map((line) => JSON.parse(line) as {type: string; stepId?: string; summary?: string; durationMs?: number; lines?: string[]});
		console.info(events.filter((event) => event.type === 'step-done').map((event) => `${event.stepId} ${event.durationMs} ms`).join(', '));
		expect(events.filter((event) => event.type === 'step-done').map((event) => event.stepId)).toEqual(['db.dump', 'stop', 'appdata.tar', 'start', 'hoist_caddy_data.tar', 's3']);
		expect(events.find((event) => event.stepId === 'appdata.tar' && event.type === 'step-done')?.summary).toMatch(/ B|kB|MB.* in .* s \(.*\/s\), sha256 [0-9a-f]{12}/);
		const message = events.find((event) => event.type === 'message')?.lines?.join('\n') ?? '';
		expect(message).toMatch(/web was stopped for \d+\.\d s while appdata was copied/);
		expect(message).toContain('Not copied: dbdata (db\'s data, in its dump)');

		backup = backupDirs()[0] ?? '';
		const dir = join(stack.dir, 'backups', 'keep', backup);
		expect(backup).toMatch(/^\d{8}T\d{6}Z$/);
		const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {release: number; items: Array<{file: string; method: string; service?: string; volume?: string; bytes: number; sha256: string; stopped?: {services: string[]}}>};
		expect(manifest.release).toBe(1);
		expect(manifest.items.map((item) => [item.file, item.method, item.service, item.volume])).toEqual([
			['db.dump', 'dump', 'db', undefined],
			['appdata.tar', 'tar', undefined, 'appdata'],
			['hoist_caddy_data.tar', 'tar', 'hoist-caddy', 'hoist_caddy_data'],
		]);
		for (const item of manifest.items) {
			const content = readFileSync(join(dir, item.file));
			expect(content.length).toBe(item.bytes);
			expect(createHash('sha256').update(content).digest('hex')).toBe(item.sha256);
		}
		expect(readFileSync(join(dir, 'db.dump'), 'utf8')).toBe(`${record}\n`);
		expect(manifest.items[1]!.stopped?.services).toEqual(['web']);
		expect((await read('web', '/data/note')).text).toBe(note);
		console.info(`backup --yes: ${took} ms`);

		// The same files in S3, each with server-side encryption, and `--list` shows both places.
		const listed = await s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix: 'nightly/keep/'}));
		expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual(
			['appdata.tar', 'db.dump', 'hoist_caddy_data.tar', 'manifest.json'].map((file) => `nightly/keep/${backup}/${file}`),
		);
		const head = await s3.send(new HeadObjectCommand({Bucket: bucket, Key: `nightly/keep/${backup}/db.dump`}));
		expect(head.ServerSideEncryption).toBe('AES256');
		const list = await hoist(['backup', '--list']);
		expect(list.code, list.stderr).toBe(0);
		expect(list.stdout).toMatch(new RegExp(`^${backup} +\\S+ kB +1 +hoist \\S+ +db, appdata, hoist_caddy_data$`, 'm'));
		expect(list.stdout).toContain('Backups in s3://hoist-e2e-backups/nightly/keep/:');
		expect(list.stdout).toMatch(new RegExp(`^${backup}  \\S+ kB$`, 'm'));
	});

	it('restore of a damaged copy: exit 2 before anything stops (web keeps running, untouched)', async () => {
		const damaged = join(stack.dir, 'damaged');
		cpSync(join(stack.dir, 'backups', 'keep', backup), damaged, {recursive: true});
		const tar = readFileSync(join(damaged, 'appdata.tar'));
		tar[600] = tar[600]! ^ 0xff;
		writeFileSync(join(damaged, 'appdata.tar'), tar);
		const before = await webStartedAt();
		const refused = await hoist(['restore', damaged, '--yes']);
		expect(refused.code, refused.stdout + refused.stderr).toBe(2);
		expect(refused.stderr).toContain('appdata.tar does not match its SHA-256 in the manifest');
		expect(refused.stderr).toContain('Nothing was changed on the server');
		expect(await webStartedAt()).toBe(before);
	});

	it('destroy, up: the values are gone; restore latest brings both back and the stack runs', async () => {
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
		const up = await stack.run(['up', '--json']);
		expect(up.code, up.stdout + up.stderr).toBe(0);
		expect((await read('web', '/data/note')).text).toBe('absent');
		expect((await read('db', '/var/lib/db/records')).text).toBe('absent');

		const asked = await hoist(['restore', 'latest']);
		expect(asked.code, asked.stdout + asked.stderr).toBe(2);
		expect(asked.stderr).toContain('there is no terminal to ask on');

		const started = Date.now();
		const restored = await hoist(['restore', 'latest', '--yes']);
		const took = Date.now() - started;
		expect(restored.code, restored.stdout + restored.stderr).toBe(0);
		expect(restored.stdout).toContain(`Restored ${backup}`);
		expect(restored.stdout).toMatch(/hoist-caddy, web were stopped for \d+\.\d s and run again/);
		expect((await read('web', '/data/note')).text).toBe(note);
		expect((await read('db', '/var/lib/db/records')).text).toBe(record);
		const ps = await instancePodman(sandbox, ['ps', '--filter', 'label=com.docker.compose.project=keep', '--format', '{{index .Labels "com.docker.compose.service"}} {{.State}}']);
		// Podman 4's ps says "Up 5 seconds ago" for a running container.
		expect(ps.stdout.split('\n').filter((line) => /^(db|web|hoist-caddy) /.test(line)).map((line) => line.replace(/ Up .*/, ' running')).sort()).toEqual(['db running', 'hoist-caddy running', 'web running']);
		console.info(`restore --yes: ${took} ms`);
	});
});
