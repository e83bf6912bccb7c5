// hoist-boot.sh under busybox ash (Alpine's /bin/sh): at boot it waits, bounded, for Podman's API before compose runs.
import {existsSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {upstreamsLine} from '../../source/server/commands/upstreams.js';
import {stackPaths} from '../../source/server/layout.js';
import {fillTemplate, readTemplate} from '../../source/server/templates.js';
import {run} from '../sandbox/sandbox.js';
import {busybox, put, readOr, removeDir, tempDir} from './harness.js';

let dir: string | undefined;
let server: net.Server | undefined;
afterEach(() => {
	server?.close();
	server = undefined;
	if (dir) removeDir(dir);
	dir = undefined;
});

/** The boot script of stack "shop" with recording stand-ins: podman answers once `api-up` exists, compose records. */
function bootHost() {
	const home = tempDir('boot');
	dir = home;
	const socket = path.join(home, 'podman.sock');
	const log = path.join(home, 'calls.log');
	const script = path.join(home, 'hoist-boot.sh');
	put(script, fillTemplate(readTemplate('stack/hoist-boot.sh'), {
		STACK: 'shop', PODMAN_SOCKET: `'${socket}'`, BEFORE_START: ':', COMPOSE_UP: `echo "compose up" >>'${log}'`, COMPOSE_STOP: ':',
		// The bundle's line, with the stack's upstream directory moved into the test's own.
		RESET_UPSTREAMS: upstreamsLine('shop', {web: 'web', admin: 'admin'}).replaceAll(stackPaths('shop').caddyUpstreams, path.join(home, 'upstreams')),
	}));
	put(path.join(home, 'bin/podman'), `#!/bin/sh\necho "podman $*" >>'${log}'\n[ -e '${home}/api-up' ]\n`, 0o755);
	// logger is a busybox applet, which Debian's busybox ash prefers to PATH: a function stands in for it.
	put(path.join(home, 'preamble.sh'), `logger() { echo "logger $*" >>'${log}'; }\n`);
	const listen = () => new Promise<void>((resolve) => {
		server = net.createServer().listen(socket, resolve);
	});
	const start = (waitSeconds: string) => run(busybox, ['ash', '-c', '. "$PREAMBLE"; . "$0"', script, 'start'], {
		env: {PATH: `${home}/bin:/usr/bin:/bin`, PREAMBLE: path.join(home, 'preamble.sh'), HOIST_BOOT_WAIT_SECONDS: waitSeconds},
	});
	return {dir: home, socket, log, listen, start};
}

describe('hoist-boot.sh start waits for the Podman API', () => {
	it('runs compose at once when the API answers', async () => {
		const host = bootHost();
		await host.listen();
		put(path.join(host.dir, 'api-up'), '');
		const result = await host.start('5');
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).not.toContain('waiting');
		expect(readOr(host.log)).toMatch(/^podman --remote --url unix:\/\/.*podman\.sock version\ncompose up\nlogger -t hoist-boot -- stack shop started\n$/);
	});

	it('puts Caddy back on the services\' names before compose starts: a release cut short left a container\'s address, which a reboot gives away', async () => {
		const host = bootHost();
		put(path.join(host.dir, 'upstreams/web'), '10.89.0.9\n');
		await host.listen();
		put(path.join(host.dir, 'api-up'), '');
		const result = await host.start('5');
		expect(result.code, result.stderr).toBe(0);
		expect(readOr(path.join(host.dir, 'upstreams/web'))).toBe('web\n');
		expect(readOr(path.join(host.dir, 'upstreams/admin'))).toBe('admin\n');
	});

	it('waits while the socket is missing or does not answer, says so in the system log, then runs compose', async () => {
		const host = bootHost();
		const started = host.start('20');
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		await host.listen(); // the socket exists before the service behind it answers
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		put(path.join(host.dir, 'api-up'), '');
		const result = await started;
		expect(result.code, result.stderr).toBe(0);
		const calls = readOr(host.log).split('\n').filter(Boolean);
		expect(calls[0]).toMatch(/^logger -t hoist-boot -- stack shop: waiting for the Podman API at .*podman\.sock \(up to 20s\)$/);
		expect(calls.at(-3)).toMatch(/^logger -t hoist-boot -- stack shop: the Podman API answered after [2-5]s$/);
		expect(calls.slice(-2)).toEqual(['compose up', 'logger -t hoist-boot -- stack shop started']);
		expect(result.stderr).toContain('hoist-boot: stack shop: waiting for the Podman API');
	});

	it('gives up after HOIST_BOOT_WAIT_SECONDS with a clear line, without running compose', async () => {
		const host = bootHost();
		const result = await host.start('2');
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/hoist-boot: stack shop not started: the Podman API at .*podman\.sock did not answer within 2s \(rc-service podman status\)/);
		expect(readOr(host.log)).not.toContain('compose up');
		expect(readOr(host.log)).toContain('logger -t hoist-boot -- stack shop not started');
		expect(existsSync(host.socket)).toBe(false);
	});
});
