import {existsSync, readFileSync, rmSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {pinHostKey} from '../../source/remote/known-hosts.js';
import {ensureLocalKey} from '../../source/remote/local-key.js';
import type {RemoteCommand} from '../../source/remote/commands/command.js';
import type {Target} from '../../source/remote/target.js';
import {deploy} from '../../steps/deploy.js';
import {registryLoginStep} from '../../steps/registry-login.js';
import {sshReady} from '../../steps/ssh-ready.js';
import {upload} from '../../steps/upload.js';
import {FakeSession} from '../helpers/fake-session.js';
import {harnessPerTest, type Harness, type HarnessOptions} from '../helpers/step-context.js';

const setup = harnessPerTest();
const server = {host: '192.168.64.5', user: 'alpine'};

/** A harness for a stack on an existing server whose commands answer with `answer(line)`; every connection and command is kept. */
function onServer(answer: (command: RemoteCommand) => string = () => '', options: HarnessOptions = {server}) {
	const opened: Target[] = [];
	const session = new FakeSession({answer});
	const h: Harness = setup({
		...options,
		remote: async (target) => {
			opened.push(target);
			return session;
		},
	});
	if (options.server) ensureLocalKey(h.config, h.files);
	return {h, opened, ran: session.ran};
}

const record = (h: Harness, type: string, id: string, ownedByHoist = true) => h.resources.set(`${type}:${id}`, {type, id, ownedByHoist});

describe('destroy on an existing server', () => {
	it('deploy: removes the containers and networks by the project label, keeps the named volumes and records them as kept', async () => {
		const {h, opened, ran} = onServer(() => 'hoist-volume demo_appdata\nhoist-volume demo_hoist_caddy_data\n');
		record(h, 'compose-project', 'demo@192.168.64.5');
		await deploy.undo!(h.undoContext(deploy));
		expect(opened).toEqual([expect.objectContaining({kind: 'server', host: '192.168.64.5', user: 'alpine', port: 22, privateKeyPath: h.files.privateKey})]);
		expect(ran.map((command) => command.title)).toEqual(['remove the containers and networks of demo']);
		expect(ran[0]!.line).not.toContain('volume rm');
		expect([...h.resources.values()]).toEqual([
			{type: 'volume', id: 'demo_appdata@192.168.64.5', ownedByHoist: false},
			{type: 'volume', id: 'demo_hoist_caddy_data@192.168.64.5', ownedByHoist: false},
		]);
		expect(h.logs.at(-1)).toBe('kept the named volumes demo_appdata, demo_hoist_caddy_data (your data; `hoist destroy --volumes` removes them)');
	});

	it('deploy with --volumes (also after an earlier destroy kept them): removes them and forgets them', async () => {
		const {h, ran} = onServer(() => '');
		record(h, 'volume', 'demo_appdata@192.168.64.5', false);
		await deploy.undo!(h.undoContext(deploy, {destroy: {volumes: true}}));
		expect(ran[0]!.title).toBe('remove the containers and networks and volumes of demo');
		expect(ran[0]!.line).toContain('podman volume rm $vols');
		expect(h.resources.size).toBe(0);
	});

	it('nothing recorded on the server (never deployed): no connection at all', async () => {
		const {h, opened} = onServer();
		await deploy.undo!(h.undoContext(deploy));
		await upload.undo!(h.undoContext(upload));
		expect(opened).toEqual([]);
	});

	it('without a journal (a lost .hoist/): goes to the server hoist.yml names and looks for the stack by name', async () => {
		const {h, opened, ran} = onServer((command) => (command.title?.startsWith('remove the containers') ? 'hoist-removed 3 1\nhoist-volume demo_appdata\n' : ''));
		await deploy.undo!(h.undoContext(deploy, {destroy: {withoutJournal: true}}));
		await upload.undo!(h.undoContext(upload, {destroy: {withoutJournal: true}}));
		expect(opened.map((target) => target.host)).toEqual(['192.168.64.5', '192.168.64.5']);
		expect(ran.map((command) => command.title)).toEqual(['remove the containers and networks of demo', 'remove hoist-demo if it is there', 'remove /srv/hoist/demo']);
		expect([...h.resources.values()]).toEqual([{type: 'volume', id: 'demo_appdata@192.168.64.5', ownedByHoist: false}]);
		expect(h.logs).toEqual([
			'removed 3 containers and 1 network of demo',
			'kept the named volumes demo_appdata (your data; `hoist destroy --volumes` removes them)',
			'/srv/hoist/demo was not there; removed the boot service hoist-demo if there was one',
		]);
	});

	it('without a journal on AWS: no login at all (terminating the instance takes the stack along)', async () => {
		const {h, opened} = onServer(undefined, {});
		rmSync(h.files.privateKey, {force: true});
		await upload.undo!(h.undoContext(upload, {destroy: {withoutJournal: true}}));
		await deploy.undo!(h.undoContext(deploy, {destroy: {withoutJournal: true}}));
		expect(opened).toEqual([]);
	});

	it('without a journal and without the key hoist made: says it cannot log in to look, and changes nothing', async () => {
		const {h, opened} = onServer();
		rmSync(h.files.privateKey);
		await expect(deploy.undo!(h.undoContext(deploy, {destroy: {withoutJournal: true}}))).rejects.toMatchObject({code: 'SSH_KEY_MISSING'});
		expect(opened).toEqual([]);
	});

	it('records on another host than hoist.yml names now: refused, with the way back', async () => {
		const {h, opened} = onServer();
		record(h, 'compose-project', 'demo@192.168.64.9');
		await expect(deploy.undo!(h.undoContext(deploy))).rejects.toMatchObject({code: 'SERVER_CHANGED', message: expect.stringContaining('on 192.168.64.9, but hoist.yml now names the server 192.168.64.5')});
		expect(opened).toEqual([]);
	});

	it('upload: the boot service of the init system it was installed for, then the stack directory; forgets the record', async () => {
		const {h, ran} = onServer((command) => (command.title?.startsWith('remove /srv/hoist/') ? 'hoist-removed-dir\n' : ''));
		record(h, 'stack-dir', '/srv/hoist/demo@192.168.64.5');
		await upload.undo!(h.undoContext(upload, {previous: {dir: '/srv/hoist/demo', files: {}, boot: 'openrc'}}));
		expect(ran.map((command) => command.line)).toEqual([
			'rc-update del hoist-demo default >/dev/null 2>&1; rm -f /etc/init.d/hoist-demo',
			'{ [ ! -e /srv/hoist/demo ] || { rm -rf /srv/hoist/demo && echo hoist-removed-dir; }; } && { rmdir /srv/hoist 2>/dev/null || true; }',
		]);
		expect(h.resources.size).toBe(0);
		expect(h.logs).toEqual(['removed /srv/hoist/demo and the openrc service hoist-demo']);
	});

	it('registry-login: removes the auth file when a login was recorded', async () => {
		const {h, ran} = onServer();
		await registryLoginStep.undo!(h.undoContext(registryLoginStep));
		expect(ran).toEqual([]);
		await registryLoginStep.undo!(h.undoContext(registryLoginStep, {previous: {logins: [{server: 'ghcr.io', username: 'me'}], authFile: '/srv/hoist/demo/.hoist-docker/config.json'}}));
		expect(ran.map((command) => command.line)).toEqual(['rm -f /srv/hoist/demo/.hoist-docker/config.json']);
	});

	it('ssh-ready: an existing server keeps its pinned key (the machine stays); a terminated instance\'s is forgotten', async () => {
		const {h} = onServer();
		const previous = {host: '192.168.64.5', user: 'alpine', hostKeyFingerprint: 'SHA256:x', os: 'Alpine', osId: 'alpine', osVersion: '3.20', escalation: 'doas'};
		pinHostKey(h.files.knownHosts, {host: '192.168.64.5', keyType: 'ssh-ed25519', key: 'AAAA', instanceId: 'server'});
		await sshReady.undo!(h.undoContext(sshReady, {previous}));
		expect(readFileSync(h.files.knownHosts, 'utf8')).toContain('192.168.64.5 ssh-ed25519 AAAA');

		const aws = onServer(undefined, {});
		pinHostKey(aws.h.files.knownHosts, {host: '192.168.64.5', keyType: 'ssh-ed25519', key: 'AAAA', instanceId: 'i-0abc'});
		await sshReady.undo!(aws.h.undoContext(sshReady, {previous}));
		expect(existsSync(aws.h.files.knownHosts) ? readFileSync(aws.h.files.knownHosts, 'utf8') : '').toBe('');
	});
});

describe('destroy on AWS', () => {
	const target: Target = {kind: 'aws', host: '198.51.100.7', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-0abc', publicAddress: '198.51.100.7'};

	it('deploy does nothing (the instance takes everything), unless --snapshot: then the containers stop first', async () => {
		const {h, opened, ran} = onServer(() => '', {recorded: {target}});
		await deploy.undo!(h.undoContext(deploy));
		expect(opened).toEqual([]);
		await deploy.undo!(h.undoContext(deploy, {destroy: {snapshot: true}}));
		expect(opened).toEqual([target]);
		expect(ran.map((command) => command.title)).toEqual(['stop the containers of demo']);
	});

	it('--snapshot with a server that does not answer: goes on, saying the copy is taken as the disk is', async () => {
		const h = setup({recorded: {target}, remote: () => Promise.reject(new Error('no route'))});
		await deploy.undo!(h.undoContext(deploy, {destroy: {snapshot: true}}));
		expect(h.logs).toEqual([expect.stringMatching(/^could not stop the containers \(no route\); the snapshot copies the disk as it is$/)]);
	});
});
