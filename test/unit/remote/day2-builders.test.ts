import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {composeExec, streamLogs, type ComposeTool} from '../../../source/server/commands/compose.js';
import {parseRemoved, parseRemovedDir, parseVolumes, removeProject, removeStackDir, stopProject} from '../../../source/server/commands/teardown.js';
import {removeBootService, removeFoundBootService} from '../../../source/server/commands/boot.js';
import {underStackLock} from '../../../source/server/commands/stack-lock.js';
import {opensshArgs} from '../../../source/remote/openssh.js';
import type {Target} from '../../../source/remote/target.js';

const v1: ComposeTool = {command: ['docker-compose'], version: 'v1'};
const v2: ComposeTool = {command: ['docker', 'compose'], version: 'v2'};
const files = {stack: 'shop', composeFile: 'docker-compose.yml'};
const prefix = 'cd /srv/hoist/shop && set -a && . /srv/hoist/shop/hoist.env && set +a && DOCKER_HOST=unix\\:///run/podman/podman.sock DOCKER_CONFIG=/srv/hoist/shop/.hoist-docker';

/** Runs a builder's line in a POSIX shell with a stand-in `podman` (a shell function given as text). */
function inShell(fakePodman: string, line: string): string {
	return execFileSync('sh', ['-c', `${fakePodman}\n${line}`], {encoding: 'utf8'});
}

describe('hoist logs: the remote command', () => {
	it('compose v2: logs with every option, the services after --, as root', () => {
		const command = streamLogs(v2, files, {services: ['web', 'db'], follow: true, since: '10m', tail: 50});
		expect(command.root).toBe(true);
		expect(command.line).toBe(`${prefix} docker compose -p shop -f docker-compose.yml -f compose.hoist.yml logs --no-color --follow --since 10m --tail 50 -- web db`);
	});

	it('every service by default, --tail all, no --follow', () => {
		expect(streamLogs(v2, files, {services: [], follow: false, tail: 'all'}).line).toMatch(/ logs --no-color --tail all$/);
	});

	it('compose v1 knows no --since: without it, compose logs; with it, each container\'s podman logs side by side', () => {
		expect(streamLogs(v1, files, {services: ['web'], follow: true, tail: 100}).line).toMatch(/ docker-compose -p shop .* logs --no-color --follow --tail 100 -- web$/);
		const viaPodman = streamLogs(v1, files, {services: ['web'], follow: true, since: '1h30m', tail: 20}).line;
		expect(viaPodman).not.toContain('docker-compose');
		expect(viaPodman).toContain("podman ps --all --filter label\\=com.docker.compose.project\\=shop --filter \"label=com.docker.compose.service=$s\"");
		expect(viaPodman).toContain('podman logs --follow --since 1h30m --tail 20 "$n"');
	});

	it('the podman path prefixes each line with its container, padded like compose, stderr included', () => {
		const fake = `podman() { case "$1" in ps) echo shop_web_1; echo shop_migrate_1; echo shop-hoist-caddy-1 ;; logs) n=$(eval echo "\\\${$#}"); echo "out of $n"; echo "err of $n" >&2 ;; esac; }`;
		const output = inShell(fake, streamLogs(v1, files, {services: [], follow: false, since: '10m', tail: 'all'}).line);
		expect(output.split('\n').filter(Boolean).sort()).toEqual([
			'hoist-caddy-1 | err of shop-hoist-caddy-1',
			'hoist-caddy-1 | out of shop-hoist-caddy-1',
			'migrate_1     | err of shop_migrate_1',
			'migrate_1     | out of shop_migrate_1',
			'web_1         | err of shop_web_1',
			'web_1         | out of shop_web_1',
		]);
	});
});

describe('hoist exec: the remote command', () => {
	it('podman exec in the service\'s running container (compose\'s labels), each word as given; a terminal only when asked', () => {
		const command = composeExec('shop', 'web', ['sh', '-c', 'echo "$HOME" > /tmp/x; exit 3'], false);
		expect(command.root).toBe(true);
		expect(command.line.split('\n')).toEqual([
			'id=$(podman ps --quiet --filter label\\=com.docker.compose.project\\=shop --filter label\\=com.docker.compose.service\\=web --filter label\\=com.docker.compose.oneoff\\=False | head -n 1)',
			'if [ -z "$id" ]; then echo \'hoist: no container of the service web is running\' >&2; exit 125; fi',
			`podman exec --interactive "$id" sh -c 'echo "$HOME" > /tmp/x; exit 3'`,
		]);
		expect(composeExec('shop', 'web', ['rails', 'console'], true).line).toMatch(/\npodman exec --interactive --tty "\$id" rails console$/);
	});

	it('runs in sh: the first running container, its status passed through; none running is exit 125 with a message', () => {
		const fake = (ids: string) => `podman() { case "$1" in ps) printf '${ids}' ;; exec) shift 2; echo "in $1: $2"; exit 4 ;; esac; }`;
		const run = (ids: string) => {
			try {
				return {code: 0, out: execFileSync('sh', ['-c', `${fake(ids)}\n${composeExec('shop', 'web', ['true'], false).line}`], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})};
			} catch (error) {
				const failed = error as {status: number; stdout: string; stderr: string};
				return {code: failed.status, out: failed.stdout + failed.stderr};
			}
		};
		expect(run('c1\\nc2\\n')).toEqual({code: 4, out: 'in c1: true\n'});
		expect(run('')).toEqual({code: 125, out: 'hoist: no container of the service web is running\n'});
	});
});

describe('destroy on an existing server: the remote commands', () => {
	/** Runs the line with a stand-in podman that answers from `state` and writes each call to the trace. */
	const withPodman = (state: {containers: string; networks: string; volumes: string}, line: string) => {
		const fake = `T=$(mktemp); podman() { echo "podman $*" >>"$T"; case "$1 $2" in "ps --all") printf '${state.containers}' ;; "network ls") printf '${state.networks}' ;; "volume ls") printf '${state.volumes}' ;; esac; }`;
		const [output = '', trace = ''] = execFileSync('sh', ['-c', `${fake}\n(${line})\necho @@trace; cat "$T"; rm -f "$T"`], {encoding: 'utf8'}).split('@@trace\n');
		return {output, trace};
	};

	it('finds the project by its label, stops (10 s) and removes its containers and networks, and names the volumes it keeps', () => {
		const command = removeProject('shop', {volumes: false});
		expect(command.root).toBe(true);
		expect(command.line).toContain('podman ps --all --quiet --filter label\\=com.docker.compose.project\\=shop');
		const {output, trace} = withPodman({containers: 'c1\\nc2\\n', networks: 'shop_default\\n', volumes: 'shop_appdata\\nshop_hoist_caddy_data\\n'}, command.line);
		expect(parseVolumes(output)).toEqual(['shop_appdata', 'shop_hoist_caddy_data']);
		expect(parseRemoved(output)).toEqual({containers: 2, networks: 1});
		expect(trace).toContain('podman stop --time 10 c1 c2');
		expect(trace).toContain('podman rm --force c1 c2');
		expect(trace).toContain('podman network rm shop_default');
		expect(trace).not.toContain('volume rm');
	});

	it('with --volumes removes them too; with nothing there it removes nothing and succeeds', () => {
		const {output, trace} = withPodman({containers: '', networks: '', volumes: 'shop_appdata\\n'}, removeProject('shop', {volumes: true}).line);
		expect(trace).toContain('podman volume rm shop_appdata');
		expect(trace).not.toMatch(/podman (stop|rm|network rm)/);
		expect(parseVolumes(output)).toEqual([]);
		expect(parseRemoved(output)).toEqual({containers: 0, networks: 0});
	});

	it('a podman that fails stops the command with its exit code', () => {
		const failing = `podman() { case "$1 $2" in "ps --all") echo c1 ;; "rm --force") return 125 ;; esac; }`;
		expect(() => execFileSync('sh', ['-c', `${failing}\n${removeProject('shop', {volumes: false}).line}`], {stdio: 'ignore'})).toThrow(/status 125|code 125|125/);
	});

	it('removes the stack directory, and /srv/hoist once it is empty; the boot service with its init system', () => {
		expect(removeStackDir('shop').line).toBe('{ [ ! -e /srv/hoist/shop ] || { rm -rf /srv/hoist/shop && echo hoist-removed-dir; }; } && { rmdir /srv/hoist 2>/dev/null || true; }');
		expect([parseRemovedDir('hoist-removed-dir\n'), parseRemovedDir('')]).toEqual([true, false]);
		expect(removeBootService('openrc', 'shop')?.line).toBe('rc-update del hoist-shop default >/dev/null 2>&1; rm -f /etc/init.d/hoist-shop');
		expect(removeBootService('none', 'shop')).toBeUndefined();
		expect(stopProject('shop').line).toBe(underStackLock('shop', 'ids=$(podman ps --quiet --filter label\\=com.docker.compose.project\\=shop); if [ -n "$ids" ]; then podman stop --time 10 $ids >/dev/null; fi'));
	});
});

describe('destroy without a journal: the boot service of either init system', () => {
	it('removes the one whose file is there, with that init system\'s tools', () => {
		const line = removeFoundBootService('shop').line;
		expect(line).toBe(
			'if [ -e /etc/init.d/hoist-shop ]; then rc-update del hoist-shop default >/dev/null 2>&1; rm -f /etc/init.d/hoist-shop; fi; '
				+ 'if [ -e /etc/systemd/system/hoist-shop.service ]; then systemctl disable hoist-shop >/dev/null 2>&1; rm -f /etc/systemd/system/hoist-shop.service; systemctl daemon-reload; fi',
		);
		// In sh, with the paths under a folder of the test's and stand-ins for the tools: only systemd's is there.
		const root = execFileSync('mktemp', ['-d'], {encoding: 'utf8'}).trim();
		const moved = line.replaceAll('/etc/', `${root}/etc/`);
		const stubs = ['rc-update', 'systemctl'].map((tool) => `printf '#!/bin/sh\\necho ${tool} "$@" >> ${root}/calls\\n' > ${root}/bin/${tool}; chmod +x ${root}/bin/${tool}`).join('; ');
		const said = execFileSync('sh', ['-c', `mkdir -p ${root}/bin ${root}/etc/systemd/system && touch ${root}/etc/systemd/system/hoist-shop.service; ${stubs}
PATH=${root}/bin:$PATH
${moved}
cat ${root}/calls; ls ${root}/etc/systemd/system; rm -rf ${root}`], {encoding: 'utf8'});
		// The unit file is gone (nothing listed after the calls).
		expect(said).toBe('systemctl disable hoist-shop\nsystemctl daemon-reload\n');
	});
});

describe('hoist ssh: the system ssh', () => {
	const target: Target = {kind: 'server', host: 'vm.local', port: 2222, user: 'deploy', privateKeyPath: '/k/id', identity: 'server', publicAddress: 'vm.local'};

	it('hoist\'s key only, the pinned key only (strict, never updated), looked up by the plain host name', () => {
		expect(opensshArgs(target, '/s/.hoist/known_hosts', [], {terminal: true})).toEqual([
			'-o', 'IdentityFile="/k/id"', '-o', 'IdentitiesOnly=yes', '-o', 'UserKnownHostsFile="/s/.hoist/known_hosts"', '-o', 'GlobalKnownHostsFile=/dev/null',
			'-o', 'StrictHostKeyChecking=yes', '-o', 'UpdateHostKeys=no', '-o', 'HostKeyAlias=vm.local', '-o', 'ConnectTimeout=10',
			'-p', '2222', '-l', 'deploy', '--', 'vm.local',
		]);
	});

	it('a command goes after the host as given; it gets a terminal only when hoist has one', () => {
		expect(opensshArgs(target, 'kh', ['cat', '/etc/hostname'], {terminal: false}).slice(-4)).toEqual(['--', 'vm.local', 'cat', '/etc/hostname']);
		expect(opensshArgs(target, 'kh', ['top'], {terminal: true})).toContain('-t');
	});
});
