// The steps that prepare the server and put the stack there, on a FakeSession: bootstrap (its sub-steps, its
// failures, when it runs again), upload (what travels, when the boot service is enabled), the registry login (the
// token on stdin only) and the compose check.
import {createHash} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {RemoteCommand} from '../../../source/remote/commands/command.js';
import type {Target} from '../../../source/remote/target.js';
import {bootstrapDir, stackPaths} from '../../../source/server/layout.js';
import {bootstrap, type BootstrapOutputs} from '../../../steps/bootstrap.js';
import {compose} from '../../../steps/compose.js';
import {registryLoginOutputs, registryLoginStep} from '../../../steps/registry-login.js';
import {upload} from '../../../steps/upload.js';
import {FakeSession, type FakeAnswer} from '../../helpers/fake-session.js';
import {harnessPerTest, parseConfig, type HarnessOptions} from '../../helpers/step-context.js';

const setup = harnessPerTest();
const awsTarget: Target = {kind: 'aws', host: '198.51.100.7', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-0abc', publicAddress: '198.51.100.7'};
const serverTarget: Target = {...awsTarget, kind: 'server', host: '192.168.64.5', identity: 'server', publicAddress: '192.168.64.5'};

function onServer(answer: (command: RemoteCommand) => FakeAnswer | undefined = () => undefined, options: HarnessOptions = {}) {
	const session = new FakeSession({answer});
	const h = setup({...options, remote: async () => session});
	return {h, session};
}

describe('bootstrap', () => {
	const summaryLine = 'hoist-bootstrap os=alpine version=3.20.3 manager=openrc compose=v2 installed=podman,docker-cli-compose compose_cmd=docker,compose';
	// An instance bootstrapped before (by older scripts): bootstrap runs again, and does not upgrade its packages.
	const ran = (lines: string[], exitCode = 0) => (command: RemoteCommand) =>
		command.title === 'run bootstrap.sh' ? {lines, exitCode} : command.title === 'check the bootstrap' ? `${'0'.repeat(64)} ${summaryLine}\nhoist-socket-ok\n` : undefined;

	it('uploads its scripts, runs them showing each phase as a sub-step, and remembers what it did with a hash of the scripts', async () => {
		const {h, session} = onServer(ran(['hoist-step packages start', 'fetch https://dl-cdn.alpinelinux.org/…', 'hoist-step packages done installed podman', summaryLine]));
		const out = await bootstrap.run(h.context(bootstrap, {outputs: {target: awsTarget}}));
		expect(out).toEqual({os: 'alpine', version: '3.20.3', manager: 'openrc', compose: 'v2', installed: ['podman', 'docker-cli-compose'], composeCommand: ['docker', 'compose'], migratesQueuedConnections: false, hash: expect.stringMatching(/^[0-9a-f]{64}$/)});
		const scripts = ['bootstrap.sh', 'health-scheduler.sh', 'openrc/hoist-health.initd'].map((name) => `${bootstrapDir}/${name}`);
		expect(session.script).toEqual(['check the bootstrap', `create ${bootstrapDir}/openrc`, `upload ${scripts.join(' ')}`, 'run bootstrap.sh', 'remember the bootstrap']);
		expect(session.uploaded.map(({path, mode, owner}) => ({path, mode, owner}))).toEqual(scripts.map((path) => ({path, mode: 0o700, owner: 'root'})));
		expect(session.ran.at(-1)!.line).toContain(out.hash);
		expect(h.details).toEqual([
			{kind: 'substep', id: 'upgrade', title: 'upgrade', state: 'skipped', note: 'bootstrapped before: packages are upgraded on the first bootstrap only'},
			{kind: 'substep', id: 'packages', title: 'packages', state: 'running'},
			{kind: 'substep', id: 'packages', title: 'packages', state: 'done', note: 'installed podman'},
		]);
		expect(h.logs).toEqual(['fetch https://dl-cdn.alpinelinux.org/…']);
	});

	it('is done when the server remembers the same scripts and settings and Podman\'s socket answers; a change of either runs it again', async () => {
		const first = onServer(ran([summaryLine]));
		const done = await bootstrap.run(first.h.context(bootstrap, {outputs: {target: awsTarget}}));
		const remembered = (socket: boolean) => (command: RemoteCommand) =>
			command.title === 'check the bootstrap' ? `${done.hash} ${summaryLine}\n${socket ? 'hoist-socket-ok\n' : ''}` : undefined;

		const {h} = onServer(remembered(true));
		const ctx = h.context(bootstrap, {outputs: {target: awsTarget}});
		expect(await bootstrap.check(ctx)).toEqual(done);
		expect(await bootstrap.check({...ctx, config: {...ctx.config, host: {...ctx.config.host, swapMb: 2048}}})).toBeUndefined();
		const noSocket = onServer(remembered(false));
		expect(await bootstrap.check(noSocket.h.context(bootstrap, {outputs: {target: awsTarget}}))).toBeUndefined();
	});

	it('a phase that fails is named with what it said; nothing is remembered, so the next run tries again', async () => {
		const {h, session} = onServer(ran(['hoist-step packages start', 'hoist-step packages fail apk add podman: ERROR: unable to select packages'], 1));
		await expect(bootstrap.run(h.context(bootstrap, {outputs: {target: awsTarget}}))).rejects.toMatchObject({
			code: 'BOOTSTRAP_FAILED',
			message: 'Preparing the server failed at "packages": apk add podman: ERROR: unable to select packages.',
		});
		expect(h.details.at(-1)).toMatchObject({id: 'packages', state: 'failed'});
		expect(session.script).not.toContain('remember the bootstrap');
	});

	describe('the first bootstrap of an instance upgrades its packages (source/remote/host-upgrade.ts)', () => {
		/**
		 * A new instance: no marker of an earlier bootstrap (Podman's socket may answer already: a run stopped after
		 * bootstrap.sh); apk has a new kernel; the reboot gives it a new boot id.
		 */
		function freshInstance() {
			let boot = 1;
			return onServer((command) => {
				switch (command.title) {
					case 'check the bootstrap':
						return 'hoist-socket-ok\n';
					case 'run bootstrap.sh':
						return {lines: [summaryLine]};
					case 'read the boot id':
						return `boot-${boot}\n`;
					case 'upgrade the packages (host-upgrade.sh)':
						return {lines: ['hoist-upgraded linux-virt 6.12.1-r0 6.12.13-r0', `hoist-upgrade done upgraded=1 running=${boot === 1 ? '6.12.1-0-virt' : '6.12.13-0-virt'} reboot=${boot === 1 ? '6.12.13-0-virt' : 'no'}`]};
					case 'reboot for kernel 6.12.13-0-virt':
						boot++;
						return undefined;
					default:
						return undefined;
				}
			});
		}

		it('after bootstrap.sh: apk upgrade, a reboot for the new kernel, bootstrap.sh again (the services came back), then the marker', async () => {
			const {h, session} = freshInstance();
			const out = await bootstrap.run(h.context(bootstrap, {outputs: {target: awsTarget}}));
			expect(session.script).toEqual([
				'check the bootstrap', `create ${bootstrapDir}/openrc`,
				`upload ${['bootstrap.sh', 'health-scheduler.sh', 'openrc/hoist-health.initd', 'host-upgrade.sh'].map((name) => `${bootstrapDir}/${name}`).join(' ')}`,
				'run bootstrap.sh', 'read the boot id', 'upgrade the packages (host-upgrade.sh)', 'read the boot id', 'reboot for kernel 6.12.13-0-virt',
				'read the boot id', 'forget the reboot', 'run bootstrap.sh', 'remember the bootstrap',
			]);
			expect(out.upgrade).toEqual({packages: 1, rebootedFor: '6.12.13-0-virt'});
			expect(bootstrap.summary!(out)).toMatch(/; upgraded 1 package, rebooted for kernel 6\.12\.13-0-virt$/);
			expect(h.details.filter((d) => d.kind === 'substep' && (d['id'] === 'upgrade' || d['id'] === 'reboot')).map((d) => d['note'])).toEqual([
				'apk upgrade --available', 'upgraded 1 package: linux-virt 6.12.1-r0 → 6.12.13-r0', 'rebooting for kernel 6.12.13-0-virt', 'back after 0 s, kernel 6.12.13-0-virt',
			]);
		});

		it('an instance without apk: the script\'s one line as the row, nothing upgraded, no word of an upgrade in the summary', async () => {
			const why = 'no apk on this host (Debian GNU/Linux 12 (bookworm)): hoist upgrades the packages of Alpine hosts only; nothing changed';
			const {h, session} = onServer((command) =>
				command.title === 'run bootstrap.sh' ? {lines: [summaryLine]} : command.title === 'read the boot id' ? 'boot-1\n' : command.title === 'upgrade the packages (host-upgrade.sh)' ? {lines: [`hoist-upgrade skip ${why}`]} : undefined);
			const out = await bootstrap.run(h.context(bootstrap, {outputs: {target: awsTarget}}));
			expect(out.upgrade).toBeUndefined();
			expect(bootstrap.summary!(out)).not.toContain('upgraded');
			expect(h.details).toContainEqual({kind: 'substep', id: 'upgrade', title: 'upgrade', state: 'skipped', note: why});
			expect(session.script.filter((line) => line.startsWith('reboot'))).toEqual([]);
		});

		it('an existing server (server:) is never upgraded: one row says so', async () => {
			const {h, session} = freshInstance();
			await bootstrap.run(h.context(bootstrap, {outputs: {target: serverTarget}}));
			expect(session.script).not.toContain('upgrade the packages (host-upgrade.sh)');
			expect(h.details[0]).toEqual({kind: 'substep', id: 'upgrade', title: 'upgrade', state: 'skipped', note: 'an existing server: hoist leaves its packages to you'});
		});
	});

	it('a script that ends without its summary line is an error, not a guess', async () => {
		const {h, session} = onServer(ran(['hoist-step packages done']));
		await expect(bootstrap.run(h.context(bootstrap, {outputs: {target: awsTarget}}))).rejects.toMatchObject({code: 'BOOTSTRAP_NO_SUMMARY'});
		expect(session.script).not.toContain('remember the bootstrap');
	});
});

describe('upload', () => {
	const openrc: BootstrapOutputs = {os: 'alpine', version: '3.20.3', manager: 'openrc', compose: 'v2', installed: [], composeCommand: ['docker', 'compose'], hash: 'h'};
	const paths = stackPaths('demo');
	const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

	/** A server holding these files (path → content), answering the hash comparison as sha256sum would. */
	function holding(files: Map<string, string | Buffer>) {
		return (command: RemoteCommand) => (command.title === 'compare the files on the server' ? [...files].map(([path, content]) => `${sha256(content)}  ${path}`).join('\n') : undefined);
	}

	function withComposeFile(dir: string): void {
		writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: registry.test/web:v1\n    expose: ["8080"]\n');
	}

	it('on a server that holds nothing: every file travels, the boot service is enabled, and destroy is told about the directory', async () => {
		const {h, session} = onServer(undefined, {server: {host: serverTarget.host, user: 'alpine'}});
		withComposeFile(h.files.dir);
		const out = await upload.run(h.context(upload, {outputs: {target: serverTarget, bootstrap: openrc}}));
		const sent = session.uploaded.map((file) => file.path);
		expect(sent).toEqual(expect.arrayContaining([`${paths.dir}/docker-compose.yml`, paths.hoistEnv, paths.overlay, paths.caddyfile, `${paths.caddyUpstreams}/web`, paths.bootScript, '/etc/init.d/hoist-demo']));
		expect(session.uploaded.find((file) => file.path === `${paths.caddyUpstreams}/web`)?.content).toBe('web\n');
		expect(Object.keys(out.files).sort()).toEqual([...sent].sort());
		expect(out).toMatchObject({dir: paths.dir, boot: 'openrc'});
		expect(session.script.filter((line) => !line.startsWith('upload '))).toEqual([`create ${paths.dir}`, 'compare the files on the server', 'reload Caddy', 'enable hoist-demo at boot']);
		expect([...h.resources.values()]).toEqual([{type: 'stack-dir', id: `${paths.dir}@${serverTarget.host}`, ownedByHoist: true}]);
		expect(h.logs).toContain(`${sent.length} of ${sent.length} files sent; the others were already there`);
	});

	it('only changed files travel; an unchanged boot service is not enabled again; the check is done when nothing differs', async () => {
		const first = onServer();
		withComposeFile(first.h.files.dir);
		const done = await upload.run(first.h.context(upload, {outputs: {target: awsTarget, bootstrap: openrc}}));
		const onDisk = new Map(first.session.uploaded.map((file) => [file.path, file.content]));

		const same = onServer(holding(onDisk));
		withComposeFile(same.h.files.dir);
		expect(await upload.check(same.h.context(upload, {outputs: {target: awsTarget, bootstrap: openrc}}))).toEqual(done);

		onDisk.set(`${paths.dir}/docker-compose.yml`, 'services: {}\n');
		const changed = onServer(holding(onDisk));
		withComposeFile(changed.h.files.dir);
		const ctx = changed.h.context(upload, {outputs: {target: awsTarget, bootstrap: openrc}});
		expect(await upload.check(ctx)).toBeUndefined();
		await upload.run(ctx);
		expect(changed.session.uploaded.map((file) => file.path)).toEqual([`${paths.dir}/docker-compose.yml`]);
		expect(changed.session.script).not.toContain('enable hoist-demo at boot');
		expect(changed.h.resources.size).toBe(0); // on AWS the instance takes the directory along
	});

	it('a release cut short left Caddy on a container\'s address: the upload puts the service\'s name back, without a reload', async () => {
		const first = onServer();
		withComposeFile(first.h.files.dir);
		await upload.run(first.h.context(upload, {outputs: {target: awsTarget, bootstrap: openrc}}));
		const onDisk = new Map(first.session.uploaded.map((file) => [file.path, file.content]));
		onDisk.set(`${paths.caddyUpstreams}/web`, '10.89.0.7\n');
		const cut = onServer(holding(onDisk));
		withComposeFile(cut.h.files.dir);
		const ctx = cut.h.context(upload, {outputs: {target: awsTarget, bootstrap: openrc}});
		expect(await upload.check(ctx)).toBeUndefined();
		await upload.run(ctx);
		expect(cut.session.uploaded.map((file) => [file.path, file.content])).toEqual([[`${paths.caddyUpstreams}/web`, 'web\n']]);
		expect(cut.session.script).not.toContain('reload Caddy');
	});
});

describe('registry-login', () => {
	const token = 'ghp_0123456789abcdef';
	const authFile = '/srv/hoist/demo/.hoist-docker/config.json';

	function loggingIn(answer?: (command: RemoteCommand) => FakeAnswer | undefined) {
		const {h, session} = onServer(answer, {config: {...parseConfig(), registry: [{server: 'ghcr.io', username: 'octocat', tokenVariable: 'HOIST_REGISTRY_TOKEN'}]}});
		Object.assign(h.services.secrets, {registryTokens: {HOIST_REGISTRY_TOKEN: token}});
		return {h, session, ctx: h.context(registryLoginStep, {outputs: {target: awsTarget}})};
	}

	it('a journal from before registry lists (one server and username) reads as a list of one login', () => {
		expect(registryLoginOutputs.parse({server: 'ghcr.io', username: 'octocat', authFile})).toEqual({logins: [{server: 'ghcr.io', username: 'octocat'}], authFile});
		expect(registryLoginOutputs.safeParse({server: 'ghcr.io', authFile}).success).toBe(false);
	});

	it('the token reaches the server on stdin only, never on a command line, and is masked from then on', async () => {
		const {h, session, ctx} = loggingIn();
		expect(await registryLoginStep.run(ctx)).toEqual({logins: [{server: 'ghcr.io', username: 'octocat'}], authFile});
		expect(session.calls).toEqual([
			{kind: 'run', command: expect.objectContaining({title: 'start a new registry login file'}), stdin: undefined},
			{kind: 'run', command: expect.objectContaining({title: 'log in to ghcr.io as octocat'}), stdin: `${token}\n`},
			{kind: 'run', command: expect.objectContaining({title: 'put the registry logins in place'}), stdin: undefined},
		]);
		expect(session.ran.every((command) => !command.line.includes(token))).toBe(true);
		expect(h.services.redactor.redact(`said ${token}`)).not.toContain(token);
	});

	it('a refused login says the token is wrong, with how to make one', async () => {
		const {ctx} = loggingIn((command) => (command.title?.startsWith('log in') ? {lines: ['Error: logging into "ghcr.io": invalid username/password'], exitCode: 125} : undefined));
		await expect(registryLoginStep.run(ctx)).rejects.toMatchObject({code: 'REGISTRY_LOGIN_REFUSED', nextSteps: [{text: expect.stringContaining('read:packages'), command: 'hoist up'}]});
	});

	it('is done when the auth file on the server holds exactly this login', async () => {
		const holding = (credential: string) => (command: RemoteCommand) =>
			command.title === 'read the registry login' ? JSON.stringify({auths: {'ghcr.io': {auth: Buffer.from(credential).toString('base64')}}}) : undefined;
		expect(await registryLoginStep.check(loggingIn(holding(`octocat:${token}`)).ctx)).toEqual({logins: [{server: 'ghcr.io', username: 'octocat'}], authFile});
		expect(await registryLoginStep.check(loggingIn(holding('octocat:an-older-token')).ctx)).toBeUndefined();
	});

	it('a registry dropped from hoist.yml: the check sees the extra login, and the run leaves a file of exactly the listed ones', async () => {
		const credential = Buffer.from(`octocat:${token}`).toString('base64');
		const withDropped = JSON.stringify({auths: {'ghcr.io': {auth: credential}, 'docker.io': {auth: Buffer.from('someone:dckr_pat_x').toString('base64')}}});
		const {session, ctx} = loggingIn((command) => (command.title === 'read the registry login' ? withDropped : undefined));
		expect(await registryLoginStep.check(ctx)).toBeUndefined();
		await registryLoginStep.run(ctx);
		const pending = `${authFile}.new`;
		expect(session.ran.slice(-3).map((command) => command.line)).toEqual([
			`rm -f ${pending}`,
			expect.stringContaining(`podman login --authfile ${pending} --username octocat --password-stdin ghcr.io`),
			`mv -f ${pending} ${authFile}`,
		]);
	});
});

describe('compose', () => {
	it('reads the compose file on this machine: each service\'s image (a Docker Hub short name in full), whether it runs once, has a healthcheck, or gates another', async () => {
		const h = setup();
		writeFileSync(join(h.files.dir, 'docker-compose.yml'), [
			'services:',
			'  migrate: {image: registry.test/migrate:v1}',
			'  db:',
			'    image: postgres:16',
			'    healthcheck: {test: ["CMD", "pg_isready"]}',
			'  web:',
			'    image: registry.test/web:v1',
			'    expose: ["8080"]',
			'    depends_on:',
			'      migrate: {condition: service_completed_successfully}',
			'      db: {condition: service_healthy}',
			'',
		].join('\n'));
		const out = await compose.run(h.context(compose));
		expect(out).toMatchObject({
			file: 'docker-compose.yml',
			services: {
				migrate: {image: 'registry.test/migrate:v1', oneShot: true, healthcheck: false, healthGate: false},
				db: {image: 'docker.io/library/postgres:16', oneShot: false, healthcheck: true, healthGate: true},
				web: {image: 'registry.test/web:v1', oneShot: false, healthcheck: false, healthGate: false},
			},
		});
		expect(compose.summary!(out)).toBe('3 services (one-shot: migrate)');
	});

	it('a compose file with a mistake fails here, before anything is created', async () => {
		const h = setup();
		writeFileSync(join(h.files.dir, 'docker-compose.yml'), 'services:\n  web:\n    expose: ["8080"]\n');
		await expect(compose.run(h.context(compose))).rejects.toMatchObject({kind: 'user'});
	});
});
