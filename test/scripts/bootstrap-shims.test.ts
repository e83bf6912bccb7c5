// bootstrap.sh under busybox ash against a fake root with recording shims.
// What this proves: the script's decisions and the commands it runs, in order, for each kind of host, and that a
// second run changes nothing. What it does not prove: that apk, OpenRC, apt or systemd behave like the shims
// (shims/shim.sh) — nothing here has run on a real Alpine or systemd host.
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {
	alpineRelease, alpineRepositories, changingCalls, debianRelease, fakeHost, put, readOr, removeDir, runBootstrap, templates,
	ubuntuRelease, type FakeHost, type FakeHostOptions,
} from './harness.js';

const hosts: FakeHost[] = [];
afterAll(() => hosts.forEach((host) => removeDir(host.dir)));
function host(options: FakeHostOptions): FakeHost {
	const h = fakeHost(options);
	hosts.push(h);
	return h;
}

const alpinePackages = ['podman', 'podman-openrc', 'iptables', 'ip6tables', 'nftables', 'crun', 'docker-cli', 'docker-cli-compose'];
const alpineCommands = ['apk', 'rc-update', 'rc-service', 'openrc', 'podman', 'docker', 'crun'];
const freshAlpine = (extra: Partial<FakeHostOptions> = {}): FakeHostOptions => ({
	osRelease: alpineRelease, commands: alpineCommands, repositories: alpineRepositories, memTotalKb: 985_000, netavark: '1.16.0', ...extra,
});
const engineConf = (driver: string, netavark: string) => [
	`# Written by hoist bootstrap: netavark ${netavark}'s firewall driver, the OCI runtime, a cap on container logs.`,
	'[containers]', 'log_size_max = 10485760', '[engine]', 'runtime = "crun"', '[network]', `firewall_driver = "${driver}"`, '',
].join('\n');
const tab = '\t';

describe('bootstrap.sh, Alpine + OpenRC branch (busybox ash, recording shims, fake root)', () => {
	it('first run: enables community, installs the packages, then enables and starts cgroups, podman and hoist-health in order', async () => {
		const h = host(freshAlpine());
		// A kernel that can hand a closing listener's waiting connections to another (Linux 5.14+).
		mkdirSync(`${h.root}/proc/sys/net/ipv4`, {recursive: true});
		writeFileSync(`${h.root}/proc/sys/net/ipv4/tcp_migrate_req`, '0\n');
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(changingCalls(result.calls)).toEqual([
			`apk add --no-progress --update-cache ${alpinePackages.join(' ')}`,
			'rc-update add cgroups boot',
			'rc-service cgroups start',
			'rc-update add podman default',
			'rc-service podman start',
			'rc-update add hoist-health default',
			'rc-service hoist-health start',
		]);
		expect(result.steps).toEqual([
			'hoist-step firstboot skip no tiny-cloud on this host',
			'hoist-step detect done alpine 3.20.3, service manager openrc (detected)',
			'hoist-step swap skip HOIST_SWAP_MB=0',
			'hoist-step repo start enabling https://dl-cdn.alpinelinux.org/alpine/v3.20/community (podman is in community)',
			'hoist-step repo done enabled https://dl-cdn.alpinelinux.org/alpine/v3.20/community',
			`hoist-step packages start apk add ${alpinePackages.join(' ')}`,
			`hoist-step packages done installed ${alpinePackages.join(' ')}`,
			'hoist-step engine done wrote /etc/containers/containers.conf.d/50-hoist.conf: netavark 1.16.0 (firewall driver iptables), crun 1.19.1, container logs capped at 10 MiB',
			'hoist-step cgroups start enabling cgroups in runlevel boot',
			'hoist-step cgroups done cgroups enabled and started',
			'hoist-step podman start enabling podman in runlevel default',
			'hoist-step podman done podman enabled and started',
			'hoist-step socket done Podman API answers on /run/podman/podman.sock',
			'hoist-step tools done podman 5.2.5, compose v2',
			'hoist-step health start hoist-health: installing the scheduler, enabling it, starting it',
			'hoist-step health done hoist-health runs Podman healthchecks (Podman needs systemd timers for them)',
		]);
		expect(result.summary).toEqual({
			os: 'alpine', version: '3.20.3', manager: 'openrc', compose: 'v2', installed: alpinePackages.join(','), compose_cmd: 'docker,compose', migrate_req: 'yes',
		});
		// The installed scheduler and service are the templates, executable.
		const scheduler = `${h.root}/usr/local/libexec/hoist/health-scheduler`;
		const initd = `${h.root}/etc/init.d/hoist-health`;
		expect(readFileSync(scheduler, 'utf8')).toBe(readFileSync(path.join(templates, 'health-scheduler.sh'), 'utf8'));
		expect(readFileSync(initd, 'utf8')).toBe(readFileSync(path.join(templates, 'openrc/hoist-health.initd'), 'utf8'));
		expect(statSync(scheduler).mode & 0o777).toBe(0o755);
		expect(statSync(initd).mode & 0o777).toBe(0o755);
	});

	it('second run on the same host: no install, no service change, only skip lines; fast', async () => {
		const h = host(freshAlpine());
		expect((await runBootstrap(h, {HOIST_SWAP_MB: '0'})).code).toBe(0);
		const second = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(second.code, second.stdout + second.stderr).toBe(0);
		expect(changingCalls(second.calls)).toEqual([]);
		expect(second.steps.filter((line) => / (start|fail) /.test(line))).toEqual([]);
		expect(second.stdout.split('\n').filter((line) => line !== '' && !/^hoist-(step|bootstrap) /.test(line))).toEqual([]);
		expect(second.summary?.['installed']).toBe('none');
		expect(second.ms).toBeLessThan(3000);
	});

	it('a host that already has everything: only checks (apk info, rc-service status, the socket), installs nothing', async () => {
		const h = host(freshAlpine({
			repositories: 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n',
			apkInstalled: alpinePackages, flags: ['started/cgroups', 'started/podman', 'started/hoist-health', 'socket-up'],
		}));
		for (const [level, service] of [['boot', 'cgroups'], ['default', 'podman'], ['default', 'hoist-health']]) {
			writeFileSync(`${h.root}/etc/runlevels/${level}/${service}`, '');
		}
		// installs the engine drop-in (Podman restarted for it) and the scheduler's two files; nothing else: all present
		const first = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(changingCalls(first.calls)).toEqual(['rc-service podman restart', 'rc-service hoist-health restart']);
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code).toBe(0);
		expect(changingCalls(result.calls)).toEqual([]);
		expect(result.calls).toEqual([
			...alpinePackages.map((p) => `apk info -e ${p}`),
			'crun --version',
			'rc-service cgroups status',
			'rc-service podman status',
			'rc-service podman status',
			'podman --remote --url unix://' + `${h.root}/run/podman/podman.sock version`,
			'docker compose version',
			'podman --version',
			'rc-service hoist-health status',
		]);
		expect(result.summary?.['installed']).toBe('none');
	});

	it('the checked line (3.23, netavark 1.x): the iptables driver, crun and the log cap in a drop-in, written before Podman starts', async () => {
		const h = host(freshAlpine({osRelease: alpineRelease.replaceAll('3.20.3', '3.23.2').replace('v3.20', 'v3.23')}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(readFileSync(`${h.root}/etc/containers/containers.conf.d/50-hoist.conf`, 'utf8')).toBe(engineConf('iptables', '1.16.0'));
		const steps = result.steps.map((line) => line.split(' ')[1]);
		expect(steps.indexOf('engine')).toBeLessThan(steps.indexOf('podman'));
		expect(changingCalls(result.calls)).not.toContain('rc-service podman restart');
		const second = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(second.steps).toContain('hoist-step engine skip netavark 1.16.0 (firewall driver iptables), crun 1.19.1, container logs capped at 10 MiB');
		expect(changingCalls(second.calls)).toEqual([]);
	});

	it('a newer line with Podman 6 (netavark 2, no iptables driver): nftables installed and the nftables driver set', async () => {
		const h = host(freshAlpine({osRelease: alpineRelease.replaceAll('3.20.3', '3.25.0').replace('v3.20', 'v3.25'), netavark: '2.1.0'}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'}, );
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(changingCalls(result.calls)[0]).toMatch(/^apk add .* nftables crun /);
		expect(readFileSync(`${h.root}/etc/containers/containers.conf.d/50-hoist.conf`, 'utf8')).toBe(engineConf('nftables', '2.1.0'));
		expect(result.steps).toContain('hoist-step engine done wrote /etc/containers/containers.conf.d/50-hoist.conf: netavark 2.1.0 (firewall driver nftables), crun 1.19.1, container logs capped at 10 MiB');
	});

	it('fails the engine step, naming netavark, when podman brought none', async () => {
		const {netavark: _none, ...withoutNetavark} = freshAlpine();
		const result = await runBootstrap(host(withoutNetavark), {HOIST_SWAP_MB: '0'});
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toBe('hoist-step engine fail /usr/libexec/podman/netavark --version: no netavark after installing podman');
	});

	it('restarts hoist-health when hoist uploads a changed scheduler', async () => {
		const h = host(freshAlpine());
		expect((await runBootstrap(h, {HOIST_SWAP_MB: '0'})).code).toBe(0);
		const changed = path.join(h.dir, 'health-scheduler.sh');
		writeFileSync(changed, readFileSync(path.join(templates, 'health-scheduler.sh'), 'utf8') + '# v2\n');
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0', HOIST_HEALTH_SCHEDULER: changed});
		expect(changingCalls(result.calls)).toEqual(['rc-service hoist-health restart']);
		expect(readFileSync(`${h.root}/usr/local/libexec/hoist/health-scheduler`, 'utf8')).toContain('# v2');
	});

	it('uncomments the community repository when it is commented out, leaving the other lines alone', async () => {
		const repositories = '#/media/cdrom/apks\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/main\n#https://dl-cdn.alpinelinux.org/alpine/v3.20/community\n#https://dl-cdn.alpinelinux.org/alpine/edge/community\n';
		const h = host(freshAlpine({repositories}));
		expect((await runBootstrap(h, {HOIST_SWAP_MB: '0'})).code).toBe(0);
		expect(readFileSync(`${h.root}/etc/apk/repositories`, 'utf8')).toBe(
			'#/media/cdrom/apks\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n#https://dl-cdn.alpinelinux.org/alpine/edge/community\n');
	});

	it('adds the community repository derived from the main one when there is no line for it', async () => {
		const h = host(freshAlpine({repositories: 'http://mirror.example/alpine/v3.19/main/\n'}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code).toBe(0);
		expect(readFileSync(`${h.root}/etc/apk/repositories`, 'utf8')).toBe('http://mirror.example/alpine/v3.19/main/\nhttp://mirror.example/alpine/v3.19/community\n');
	});

	it('leaves /etc/apk/repositories untouched when community is enabled', async () => {
		const repositories = 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n';
		const h = host(freshAlpine({repositories}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.steps).toContain('hoist-step repo skip community repository enabled');
		expect(readFileSync(`${h.root}/etc/apk/repositories`, 'utf8')).toBe(repositories);
	});

	it('a failing apk add stops with the fail line naming the command and its last output line, with its exit code', async () => {
		const h = host(freshAlpine({failures: [`apk add *${tab}5${tab}ERROR: unable to select packages: podman (no such package)`]}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code).toBe(5);
		expect(result.steps.at(-1)).toBe(
			`hoist-step packages fail apk add --no-progress --update-cache ${alpinePackages.join(' ')}: ERROR: unable to select packages: podman (no such package)`);
		expect(result.summary).toBeUndefined();
		expect(changingCalls(result.calls)).toEqual([`apk add --no-progress --update-cache ${alpinePackages.join(' ')}`]);
	});

	it('a failing service start stops there with its exit code', async () => {
		const h = host(freshAlpine({failures: [`rc-service podman start${tab}1${tab} * ERROR: podman failed to start`]}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toBe('hoist-step podman fail rc-service podman start: * ERROR: podman failed to start');
		expect(changingCalls(result.calls).at(-1)).toBe('rc-service podman start');
	});

	it('fails, bounded, when the Podman API never answers after the service started', async () => {
		const h = host(freshAlpine({failures: [`podman --remote *${tab}125${tab}Error: unable to connect to Podman socket`]}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0', HOIST_SOCKET_TIMEOUT: '5'});
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toBe('hoist-step socket fail podman --remote --url unix:///run/podman/podman.sock version: Error: unable to connect to Podman socket');
		expect(result.calls.filter((call) => call === 'sleep 1')).toHaveLength(5);
	});
});

describe('bootstrap.sh, swap (busybox ash, recording shims, fake root)', () => {
	it('memory below 2 GiB and no swap: makes /swapfile, activates it, adds it to fstab once and to the boot runlevel', async () => {
		const h = host(freshAlpine({memTotalKb: 985_000}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '512'});
		expect(result.code, result.stdout).toBe(0);
		const file = `${h.root}/swapfile`;
		expect(changingCalls(result.calls).slice(0, 4)).toEqual([
			`dd if=/dev/zero of=${file} bs=1M count=512`, `mkswap ${file}`, `swapon ${file}`, 'rc-update add swap boot',
		]);
		expect(statSync(file).size).toBe(512 * 1024 * 1024);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(result.steps).toContain('hoist-step swap done 512 MiB swap on /swapfile, in /etc/fstab');
		const second = await runBootstrap(h, {HOIST_SWAP_MB: '512'});
		expect(changingCalls(second.calls)).toEqual([]);
		expect(second.steps).toContain('hoist-step swap skip /swapfile already active');
		expect(readFileSync(`${h.root}/etc/fstab`, 'utf8').match(/^\/swapfile none swap sw 0 0$/gm)).toHaveLength(1);
	});

	it('the default size is 1024 MiB', async () => {
		const h = host(freshAlpine());
		const result = await runBootstrap(h);
		expect(changingCalls(result.calls)[0]).toBe(`dd if=/dev/zero of=${h.root}/swapfile bs=1M count=1024`);
	});

	it('2 GiB of memory or more: no swap', async () => {
		const h = host(freshAlpine({memTotalKb: 2_097_152}));
		const result = await runBootstrap(h);
		expect(result.calls.filter((call) => /^(dd|mkswap|swapon|rc-update add swap)/.test(call))).toEqual([]);
		expect(result.steps).toContain('hoist-step swap skip memory 2048 MiB (2 GiB or more)');
	});

	it('HOIST_SWAP_MB=0: no swap', async () => {
		const h = host(freshAlpine({memTotalKb: 500_000}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.calls.filter((call) => /^(dd|mkswap|swapon|rc-update add swap)/.test(call))).toEqual([]);
		expect(readOr(`${h.root}/etc/fstab`)).not.toContain('swap');
	});

	it('another swap already active: leaves it alone', async () => {
		const h = host(freshAlpine({swaps: ['/dev/nvme0n1p3 partition 2097148 0 -2']}));
		const result = await runBootstrap(h);
		expect(result.calls.filter((call) => /^(dd|mkswap|swapon)/.test(call))).toEqual([]);
		expect(result.steps).toContain('hoist-step swap skip swap already active (/dev/nvme0n1p3)');
	});

	it('a swap file of the right size left by an interrupted run is reused, not rewritten', async () => {
		const h = host(freshAlpine({failures: [`swapon *${tab}255${tab}swapon: /swapfile: Invalid argument`]}));
		const first = await runBootstrap(h, {HOIST_SWAP_MB: '64'});
		expect(first.code).toBe(255);
		expect(first.steps.at(-1)).toBe(`hoist-step swap fail swapon ${h.root}/swapfile: swapon: /swapfile: Invalid argument`);
		writeFileSync(`${h.state}/fail`, '');
		const second = await runBootstrap(h, {HOIST_SWAP_MB: '64'});
		expect(second.code).toBe(0);
		expect(changingCalls(second.calls).slice(0, 2)).toEqual([`swapon ${h.root}/swapfile`, 'rc-update add swap boot']);
	});
});

describe('bootstrap.sh, tiny-cloud first boot (busybox ash, recording shims, fake root)', () => {
	it('waits for .bootstrap-complete, then goes on', async () => {
		const h = host(freshAlpine({tinyCloud: {complete: false}}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0', SHIM_FIRSTBOOT_AFTER: '3'});
		expect(result.code).toBe(0);
		expect(result.steps.slice(0, 2)).toEqual([
			'hoist-step firstboot start waiting up to 300s for tiny-cloud to finish the first boot',
			'hoist-step firstboot done tiny-cloud first boot complete',
		]);
		expect(result.calls.filter((call) => call === 'sleep 2')).toHaveLength(3);
	});

	it('without a marker after HOIST_FIRSTBOOT_TIMEOUT: a warning naming the services not started, and goes on (sshd answers with the key)', async () => {
		const h = host(freshAlpine({tinyCloud: {complete: false}}));
		for (const service of ['tiny-cloud-early', 'tiny-cloud', 'tiny-cloud-final']) put(`${h.root}/etc/init.d/${service}`, '');
		const result = await runBootstrap(h, {HOIST_FIRSTBOOT_TIMEOUT: '10', HOIST_SWAP_MB: '0'});
		expect(result.code, result.stdout).toBe(0);
		expect(result.steps[1]).toBe("hoist-step firstboot done warning: tiny-cloud did not finish the first boot (no marker after 10s, no failed action in /var/log/messages; services not started: tiny-cloud-early, tiny-cloud, tiny-cloud-final); going on, sshd answers with hoist's key");
		expect(result.calls.filter((call) => call === 'sleep 2')).toHaveLength(5);
	});

	it('a failed tiny-cloud action in the system log: says which at once, without waiting out the timeout, and goes on', async () => {
		const h = host(freshAlpine({tinyCloud: {complete: false}, flags: ['started/tiny-cloud-early']}));
		put(`${h.root}/etc/init.d/tiny-cloud-early`, '');
		put(`${h.root}/etc/init.d/tiny-cloud-final`, '');
		put(`${h.root}/var/log/messages`, [
			'Dec  7 06:00:01 ip-10-0-0-5 local7.info tiny-cloud/main[1830]: set_ssh_keys: starting',
			'Dec  7 06:00:01 ip-10-0-0-5 local7.info tiny-cloud/main[1830]: set_ssh_keys: done',
			'Dec  7 06:00:02 ip-10-0-0-5 local7.info tiny-cloud/main[1830]: userdata_type: starting',
			'Dec  7 06:00:03 ip-10-0-0-5 local7.err tiny-cloud/main[1830]: userdata_type: failed',
			'',
		].join('\n'));
		const started = Date.now();
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code, result.stdout).toBe(0);
		expect(result.steps.slice(0, 2)).toEqual([
			'hoist-step firstboot start waiting up to 300s for tiny-cloud to finish the first boot',
			"hoist-step firstboot done warning: tiny-cloud did not finish the first boot (tiny-cloud/main[1830]: userdata_type: failed; services not started: tiny-cloud-final); going on, sshd answers with hoist's key",
		]);
		expect(result.calls.filter((call) => call === 'sleep 2')).toEqual([]);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(result.summary?.['os']).toBe('alpine');
	});

	it('a failed user-data script fails the step with its log line', async () => {
		const h = host(freshAlpine({tinyCloud: {complete: true, userDataExit: 3, userDataLog: 'setting up\nboom: no such file\n\n'}}));
		const result = await runBootstrap(h);
		expect(result.code).toBe(1);
		expect(result.steps).toEqual(['hoist-step firstboot fail user-data: exited 3 (/var/log/user-data.log: boom: no such file)']);
	});

	it('a finished first boot with user-data exit 0 is skipped', async () => {
		const h = host(freshAlpine({tinyCloud: {complete: true, userDataExit: 0}}));
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.steps[0]).toBe('hoist-step firstboot skip tiny-cloud first boot complete, user-data exited 0');
	});
});

describe('bootstrap.sh, Debian/Ubuntu + systemd branch (busybox ash, recording shims, fake root)', () => {
	const debianCommands = ['apt-get', 'apt-cache', 'dpkg-query', 'systemctl', 'podman', 'docker', 'docker-compose'];

	it('Ubuntu: installs podman, iptables and docker-compose-v2, enables podman.socket; second run changes nothing', async () => {
		const h = host({osRelease: ubuntuRelease, commands: debianCommands, systemd: true, pid1: 'systemd',
			aptAvailable: ['docker-compose-v2', 'docker-compose']});
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code, result.stdout).toBe(0);
		expect(changingCalls(result.calls)).toEqual([
			'apt-get -q update',
			'apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends podman iptables docker-compose-v2',
			'systemctl enable --now podman.socket',
		]);
		expect(result.steps).toContain('hoist-step health skip Podman runs healthchecks through systemd timers');
		expect(result.summary).toEqual({os: 'ubuntu', version: '24.04', manager: 'systemd', compose: 'v2',
			installed: 'podman,iptables,docker-compose-v2', compose_cmd: 'docker,compose', migrate_req: 'no'});
		const second = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(changingCalls(second.calls)).toEqual([]);
		expect(second.summary?.['installed']).toBe('none');
	});

	it('Debian 12: falls back to docker-compose (v1) when no v2 package exists', async () => {
		const h = host({osRelease: debianRelease, commands: debianCommands, systemd: true, aptAvailable: ['docker-compose'],
			dpkgInstalled: ['iptables']});
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code, result.stdout).toBe(0);
		expect(changingCalls(result.calls)).toContain('apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends podman docker-compose');
		expect(result.summary).toMatchObject({os: 'debian', version: '12', compose: 'v1', compose_cmd: 'docker-compose'});
	});

	it('swap on systemd: /swapfile and fstab, no runlevel', async () => {
		const h = host({osRelease: debianRelease, commands: debianCommands, systemd: true, aptAvailable: ['docker-compose']});
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '256'});
		expect(changingCalls(result.calls).slice(0, 3)).toEqual([
			`dd if=/dev/zero of=${h.root}/swapfile bs=1M count=256`, `mkswap ${h.root}/swapfile`, `swapon ${h.root}/swapfile`]);
		expect(result.calls.filter((call) => call.startsWith('rc-update'))).toEqual([]);
		expect(readFileSync(`${h.root}/etc/fstab`, 'utf8')).toContain('/swapfile none swap sw 0 0\n');
	});

	it('fails naming apt-cache when no compose package exists', async () => {
		const h = host({osRelease: debianRelease, commands: debianCommands, systemd: true});
		const result = await runBootstrap(h, {HOIST_SWAP_MB: '0'});
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toMatch(/^hoist-step packages fail apt-cache show docker-compose: no compose package/);
	});

	it('refuses systemd on a distribution it does not know', async () => {
		const h = host({osRelease: 'ID=fedora\nVERSION_ID=40\n', commands: debianCommands, systemd: true});
		const result = await runBootstrap(h);
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toMatch(/^hoist-step detect fail os-release: systemd on 'fedora' is not supported/);
		expect(changingCalls(result.calls)).toEqual([]);
	});
});

describe('bootstrap.sh, no service manager (busybox ash, recording shims, fake root)', () => {
	const noPackageManager = (calls: string[]) => calls.filter((call) => /^(apk|apt-get|apt-cache|dpkg-query|rc-update|rc-service|systemctl|dd|mkswap|swapon)( |$)/.test(call));

	it('host.conf service_manager=none wins over an OpenRC host: no package manager or service call, only checks', async () => {
		const h = host(freshAlpine({hostConf: '# written by the sandbox\nservice_manager=none\n', memTotalKb: 500_000, flags: ['socket-up'],
			apkInstalled: []}));
		writeFileSync(`${h.state}/compose-plugin-works`, '');
		const result = await runBootstrap(h);
		expect(result.code, result.stdout).toBe(0);
		expect(noPackageManager(result.calls)).toEqual([]);
		expect(result.steps).toEqual([
			'hoist-step firstboot skip no tiny-cloud on this host',
			'hoist-step detect done alpine 3.20.3, service manager none (from /etc/hoist/host.conf)',
			'hoist-step packages skip installed nothing (no service manager on this host)',
			'hoist-step socket done Podman API answers on /run/podman/podman.sock',
			'hoist-step tools done podman 5.2.5, compose v2',
			'hoist-step health skip no service manager to run the health scheduler (run health-scheduler.sh yourself if you need healthchecks)',
		]);
		expect(result.summary).toEqual({os: 'alpine', version: '3.20.3', manager: 'none', compose: 'v2', installed: 'none', compose_cmd: 'docker,compose', migrate_req: 'no'});
		expect(readOr(`${h.root}/etc/fstab`)).not.toContain('swap');
	});

	it('detects none on Debian without systemd and with a PID 1 that is not init (like the sandbox); uses curl when there is one', async () => {
		const h = host({osRelease: debianRelease, commands: ['podman', 'docker-compose', 'curl', 'apt-get', 'dpkg-query'], pid1: 'process_api',
			flags: ['socket-up', 'compose-v1-works']});
		const result = await runBootstrap(h);
		expect(result.code, result.stdout).toBe(0);
		expect(noPackageManager(result.calls)).toEqual([]);
		expect(result.calls).toContain(`curl -sf -m 5 -o /dev/null --unix-socket ${h.root}/run/podman/podman.sock http://d/_ping`);
		expect(result.summary).toMatchObject({manager: 'none', compose: 'v1', installed: 'none', compose_cmd: 'docker-compose'});
	});

	it('fails when the socket does not answer, saying why it starts nothing', async () => {
		const h = host({osRelease: debianRelease, commands: ['podman', 'docker-compose', 'curl'], pid1: 'bash', flags: ['compose-v1-works']});
		const result = await runBootstrap(h);
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toBe('hoist-step socket fail curl --unix-socket /run/podman/podman.sock http://d/_ping: curl: (7) Failed to connect to the socket'
			+ " (hoist starts no service on a host without a service manager: run 'podman system service --time 0 unix:///run/podman/podman.sock' yourself)");
	});

	it('checks the socket host.conf names', async () => {
		const h = host({osRelease: debianRelease, commands: ['podman', 'docker-compose', 'curl'], pid1: 'bash',
			hostConf: 'service_manager=none\npodman_socket=/srv/podman.sock\n', flags: ['socket-up', 'compose-v1-works']});
		const result = await runBootstrap(h);
		expect(result.code).toBe(0);
		expect(result.calls).toContain(`curl -sf -m 5 -o /dev/null --unix-socket ${h.root}/srv/podman.sock http://d/_ping`);
	});

	it('fails naming podman when it is missing (and installs nothing)', async () => {
		const h = host({osRelease: debianRelease, commands: ['docker-compose', 'curl', 'apt-get'], pid1: 'bash', flags: ['socket-up', 'compose-v1-works']});
		const result = await runBootstrap(h);
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toBe('hoist-step tools fail command -v: podman not found (hoist installs nothing on a host without a service manager: install it yourself)');
		expect(noPackageManager(result.calls)).toEqual([]);
	});

	it('fails naming compose when there is none', async () => {
		const h = host({osRelease: debianRelease, commands: ['podman', 'curl'], pid1: 'bash', flags: ['socket-up']});
		const result = await runBootstrap(h);
		expect(result.code).toBe(1);
		expect(result.steps.at(-1)).toBe('hoist-step tools fail command -v: a compose (docker compose plugin or docker-compose) not found (hoist installs nothing on a host without a service manager: install it yourself)');
	});

	it('rejects an unknown service_manager value', async () => {
		const h = host(freshAlpine({hostConf: 'service_manager=runit\n'}));
		const result = await runBootstrap(h);
		expect(result.code).toBe(2);
		expect(result.steps.at(-1)).toBe("hoist-step detect fail /etc/hoist/host.conf: service_manager must be openrc, systemd or none, not 'runit'");
		expect(result.calls).toEqual([]);
	});
});
