import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseBootstrapStep, parseBootstrapSummary, runBootstrap} from '../../../source/remote/commands/bootstrap.js';
import {composeUp, forgetNeighbour, reloadCaddy, stackState} from '../../../source/server/commands/compose.js';
import {underStackLock} from '../../../source/server/commands/stack-lock.js';
import {fileHashes, parseHashes} from '../../../source/remote/commands/files.js';
import {parseImageLine, pruneImages, pullImages} from '../../../source/remote/commands/images.js';
import {qualifiedImage} from '../../../source/server/image-name.js';
import {repositoryOf} from '../../../source/server/pins.js';
import {registryLogin} from '../../../source/remote/commands/login.js';

describe('remote command builders', () => {
	it('compose runs in the stack directory with hoist.env sourced, against the Podman socket, as root', () => {
		const command = composeUp({command: ['docker-compose'], version: 'v1'}, {stack: 'shop', composeFile: 'docker compose.yml'});
		expect(command.root).toBe(true);
		expect(command.line).toBe(
			underStackLock('shop', "cd /srv/hoist/shop && set -a && . /srv/hoist/shop/hoist.env && set +a && DOCKER_HOST=unix\\:///run/podman/podman.sock DOCKER_CONFIG=/srv/hoist/shop/.hoist-docker docker-compose -p shop -f 'docker compose.yml' -f compose.hoist.yml up -d --remove-orphans"),
		);
		expect(composeUp({command: ['docker', 'compose'], version: 'v2'}, {stack: 'shop', composeFile: 'c.yml'}).line).toContain(' docker compose -p shop -f c.yml ');
	});

	it('the stack\'s state asks compose for its configuration hashes only when a look needs them', () => {
		const tool = {command: ['docker-compose'], version: 'v1' as const};
		const files = {stack: 'shop', composeFile: 'docker-compose.yml'};
		expect(stackState(tool, files).line).toContain('docker-compose -p shop -f docker-compose.yml -f compose.hoist.yml config --hash\\=\\*');
		const quick = stackState(tool, files, {hashes: false}).line;
		expect(quick).not.toContain('config');
		expect(quick).toContain('podman ps --all --filter label\\=com.docker.compose.project\\=shop --format json');
	});

	it('the registry login takes the token on stdin only', () => {
		const command = registryLogin('ghcr.io', 'octo cat', '/srv/hoist/shop/.hoist-docker/config.json');
		expect(command.line).toContain("podman login --authfile /srv/hoist/shop/.hoist-docker/config.json --username 'octo cat' --password-stdin ghcr.io");
		expect(command.line).not.toMatch(/--password[ =][^-]/);
	});

	it('the pull loop reports each image, and its lines parse back', () => {
		const command = pullImages(['ghcr.io/acme/web:1', 'caddy.example/caddy:2'], '/a/config.json');
		expect(command.line).toContain("podman pull --quiet --authfile /a/config.json \"$img\"");
		expect(parseImageLine('hoist-image pulled ghcr.io/acme/web:1 0123abcd')).toEqual({state: 'pulled', image: 'ghcr.io/acme/web:1', text: '0123abcd'});
		expect(parseImageLine('hoist-image failed x:1 unauthorized: authentication required')).toMatchObject({state: 'failed', text: 'unauthorized: authentication required'});
		expect(parseImageLine('Trying to pull…')).toBeUndefined();
	});

	it('pruning finds a short-named image by the repository Podman lists it under (postgres:16 is docker.io/library/postgres)', () => {
		// Podman lists every image by its full name, however it was pulled; hoist names the stack's repositories the same way.
		const repositories = ['postgres:16', 'ghcr.io/acme/web:1'].map((image) => repositoryOf(qualifiedImage(image)));
		const images = ['pg-old docker.io/library/postgres sha256:old', 'pg-new docker.io/library/postgres sha256:new', 'web-old ghcr.io/acme/web sha256:w1', 'other docker.io/library/redis sha256:r'];
		const fakePodman = `podman() { case "$1" in images) printf '%s\\n' ${images.map((line) => `'${line}'`).join(' ')} ;; image) echo "rm $3" >&2 ;; esac; }`;
		const output = execFileSync('sh', ['-c', `${fakePodman}\n${pruneImages(repositories, ['sha256:new']).line}`], {encoding: 'utf8'});
		expect(output.split('\n').filter(Boolean)).toEqual(['hoist-pruned pg-old docker.io/library/postgres', 'hoist-pruned web-old ghcr.io/acme/web']);
	});

	it('the pulls run side by side in a POSIX shell: an image that pulls and one that does not, with a stand-in podman', () => {
		const fakePodman = `podman() { case "$1 $2" in "image inspect") [ -f "$tmp/$5" ] && echo id-$5 || return 1 ;; "pull --quiet") [ "$3" = ok ] && touch "$tmp/$3" || { echo "denied: $3"; return 1; } ;; esac; }`;
		const script = `tmp=$(mktemp -d); ${fakePodman}\n${pullImages(['ok', 'bad', 'ok2'], undefined).line}`;
		let output = '';
		let status = 0;
		try {
			execFileSync('sh', ['-c', script.replace('[ "$3" = ok ]', 'case "$3" in ok*) sleep 0.3; true ;; *) false ;; esac')], {encoding: 'utf8'});
		} catch (error) {
			output = (error as {stdout: string}).stdout;
			status = (error as {status: number}).status;
		}
		const lines = output.split('\n').filter(Boolean);
		// The failure does not stop the others, and the exit status says a pull failed once all have ended.
		expect(status).toBe(1);
		expect([...lines].sort()).toEqual(['hoist-image failed bad denied: bad', 'hoist-image pulled ok id-ok', 'hoist-image pulled ok2 id-ok2', 'hoist-image pulling bad', 'hoist-image pulling ok', 'hoist-image pulling ok2']);
		// Side by side: every pull started before the first slow one (0.3 s) ended; "bad" fails at once, so its line
		// may come before the last start on a busy machine.
		const firstPulled = lines.findIndex((line) => line.includes(' pulled '));
		expect(lines.slice(0, firstPulled).filter((line) => line.includes(' pulling '))).toHaveLength(3);
	});

	it('bootstrap runs with its settings in the environment and its summary parses', () => {
		expect(runBootstrap({script: '/var/lib/hoist/bootstrap/bootstrap.sh', swapMb: 512}).line).toBe('HOIST_SWAP_MB=512 sh /var/lib/hoist/bootstrap/bootstrap.sh');
		expect(parseBootstrapSummary('hoist-bootstrap os=alpine version=3.20.3 manager=openrc compose=v2 installed=podman,docker-cli-compose compose_cmd=docker,compose migrate_req=yes')).toEqual({
			os: 'alpine',
			version: '3.20.3',
			manager: 'openrc',
			compose: 'v2',
			installed: ['podman', 'docker-cli-compose'],
			composeCommand: ['docker', 'compose'],
			migratesQueuedConnections: true,
		});
		// A summary from before hoist asked (a bootstrap marker on a server) reads as a kernel that cannot.
		expect(parseBootstrapSummary('hoist-bootstrap os=debian version=12 manager=none compose=v1 installed=none compose_cmd=docker-compose')?.migratesQueuedConnections).toBe(false);
		expect(parseBootstrapStep('hoist-step packages fail apk add podman: ERROR: unable to select packages')).toEqual({id: 'packages', state: 'fail', text: 'apk add podman: ERROR: unable to select packages'});
	});

	it('file hashes list only files that exist', () => {
		const dir = mkdtempSync(join(tmpdir(), 'hoist-hashes-'));
		try {
			const file = join(dir, 'present');
			writeFileSync(file, 'hello\n');
			const output = execFileSync('sh', ['-c', fileHashes([file, join(dir, 'absent')]).line], {encoding: 'utf8'});
			expect(parseHashes(output)).toEqual(new Map([[file, createHash('sha256').update('hello\n').digest('hex')]]));
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('Caddy is reloaded in its container, and only when it runs', () => {
		expect(reloadCaddy('shop', 'hoist-caddy').line).toBe(
			"id=$(podman ps -q --filter label\\=com.docker.compose.project\\=shop --filter label\\=com.docker.compose.service\\=hoist-caddy); if [ -n \"$id\" ]; then podman exec \"$id\" caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile; fi",
		);
	});

	it("Caddy's network forgets the MAC it cached for a reused address: the entry is printed, then flushed, inside its namespace", () => {
		const dir = mkdtempSync(join(tmpdir(), 'hoist-neigh-'));
		try {
			// podman, nsenter and ip as the server has them, each saying what it was asked.
			writeFileSync(join(dir, 'podman'), '#!/bin/sh\ncase "$1" in ps) echo c4ddy ;; inspect) echo 4242 ;; esac\n', {mode: 0o755});
			writeFileSync(join(dir, 'nsenter'), '#!/bin/sh\necho "nsenter $*"\n', {mode: 0o755});
			const output = execFileSync('sh', ['-c', forgetNeighbour('shop', 'hoist-caddy', '10.88.0.7').line], {encoding: 'utf8', env: {...process.env, PATH: `${dir}:${process.env['PATH']}`}});
			expect(output.split('\n').filter(Boolean)).toEqual(['nsenter -t 4242 -n ip neigh show to 10.88.0.7', 'nsenter -t 4242 -n ip neigh flush to 10.88.0.7']);
			// Caddy not running: nothing to forget, and no error.
			writeFileSync(join(dir, 'podman'), '#!/bin/sh\ntrue\n', {mode: 0o755});
			expect(execFileSync('sh', ['-c', forgetNeighbour('shop', 'hoist-caddy', '10.88.0.7').line], {encoding: 'utf8', env: {...process.env, PATH: `${dir}:${process.env['PATH']}`}})).toBe('');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
