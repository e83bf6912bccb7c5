// host-upgrade.sh under busybox ash against a fake root with recording shims (an `apk` that prints what the test
// says it upgraded and, for a kernel, replaces the modules directory as the real package does).
// What this proves: which packages the script reports, when it says a reboot is needed (and that it keeps saying so
// until the new kernel runs, whatever ran before), a host without apk, a failed upgrade. What it does not prove: that
// Alpine's apk prints exactly these lines (the format is apk-tools' src/commit.c, v2 and v3) — nothing here ran on Alpine.
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {run} from '../sandbox/sandbox.js';
import {alpineRelease, busybox, debianRelease, fakeHost, put, readOr, removeDir, shimDir, templates, type FakeHost, type FakeHostOptions} from './harness.js';

const script = path.join(templates, 'host-upgrade.sh');
const hosts: FakeHost[] = [];
afterAll(() => hosts.forEach((host) => removeDir(host.dir)));

const oldKernel = '6.12.1-0-virt';
const newKernel = '6.12.13-0-virt';

function alpineHost(options: Partial<FakeHostOptions> = {}): FakeHost {
	const host = fakeHost({osRelease: alpineRelease, commands: ['apk'], apkInstalled: ['busybox', 'linux-virt'], ...options});
	hosts.push(host);
	put(`${host.root}/proc/sys/kernel/osrelease`, `${oldKernel}\n`);
	put(`${host.root}/lib/modules/${oldKernel}/modules.dep`, '');
	return host;
}

async function upgrade(host: FakeHost) {
	const before = readOr(host.log).split('\n').filter(Boolean).length;
	const result = await run(busybox, ['ash', '-c', '. "$SHIM_APPLETS"; . "$0"', script], {
		env: {PATH: host.bin, HOME: host.dir, TMPDIR: `${host.root}/tmp`, HOIST_ROOT: host.root, SHIM_LOG: host.log, SHIM_STATE: host.state, SHIM_APPLETS: path.join(shimDir, 'applets.sh')},
	});
	const ours = result.stdout.split('\n').filter((line) => /^hoist-upgraded? /.test(line));
	return {...result, ours, calls: readOr(host.log).split('\n').filter(Boolean).slice(before)};
}

const apkSays = (...lines: string[]) => ['fetch https://dl-cdn.alpinelinux.org/alpine/v3.23/main/x86_64/APKINDEX.tar.gz', ...lines, ''].join('\n');

describe('host-upgrade.sh (busybox ash, recording shims, fake root)', () => {
	it('without a kernel change: names every package apk upgraded, and no reboot', async () => {
		const host = alpineHost();
		put(`${host.state}/apk-upgrade`, apkSays('(1/2) Upgrading busybox (1.37.0-r18 -> 1.37.0-r19)', '(2/2) Upgrading ssl_client@main (1.37.0-r18 -> 1.37.0-r19)'));
		const result = await upgrade(host);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(result.calls).toEqual(['apk upgrade --available --update-cache --no-progress', 'apk info -e linux-virt']);
		expect(result.ours).toEqual([
			'hoist-upgraded busybox 1.37.0-r18 1.37.0-r19',
			'hoist-upgraded ssl_client 1.37.0-r18 1.37.0-r19',
			`hoist-upgrade done upgraded=2 running=${oldKernel} reboot=no`,
		]);
		// apk's own lines stay in the output, as log lines
		expect(result.stdout).toContain('OK: 312 MiB in 57 packages');
	});

	it('with a kernel change: a reboot into the installed kernel, said again by every run until that kernel runs', async () => {
		const host = alpineHost();
		put(`${host.state}/apk-upgrade`, apkSays('(1/2) Upgrading busybox (1.37.0-r18 -> 1.37.0-r19)', '(2/2) Upgrading linux-virt (6.12.1-r0 -> 6.12.13-r0)'));
		put(`${host.state}/apk-upgrade-modules`, `${oldKernel} ${newKernel}\n`);
		const first = await upgrade(host);
		expect(first.code, first.stdout + first.stderr).toBe(0);
		expect(first.ours).toEqual([
			'hoist-upgraded busybox 1.37.0-r18 1.37.0-r19',
			'hoist-upgraded linux-virt 6.12.1-r0 6.12.13-r0',
			`hoist-upgrade done upgraded=2 running=${oldKernel} reboot=${newKernel}`,
		]);
		// a run stopped before the reboot: the next one upgrades nothing but still knows the kernel is not running
		const again = await upgrade(host);
		expect(again.ours).toEqual([`hoist-upgrade done upgraded=0 running=${oldKernel} reboot=${newKernel}`]);
		// after the reboot
		put(`${host.root}/proc/sys/kernel/osrelease`, `${newKernel}\n`);
		const after = await upgrade(host);
		expect(after.ours).toEqual([`hoist-upgrade done upgraded=0 running=${newKernel} reboot=no`]);
	});

	it('the lts kernel flavour: linux-lts and its -lts modules directory', async () => {
		const host = alpineHost({apkInstalled: ['linux-lts']});
		put(`${host.root}/proc/sys/kernel/osrelease`, '6.12.1-0-lts\n');
		put(`${host.state}/apk-upgrade`, apkSays('(1/1) Upgrading linux-lts (6.12.1-r0 -> 6.12.13-r0)'));
		put(`${host.state}/apk-upgrade-modules`, '6.12.1-0-lts 6.12.13-0-lts\n');
		const result = await upgrade(host);
		expect(result.ours.at(-1)).toBe('hoist-upgrade done upgraded=1 running=6.12.1-0-lts reboot=6.12.13-0-lts');
	});

	it('a host without apk (the sandbox host, Debian): changes nothing, one line says why', async () => {
		const host = fakeHost({osRelease: debianRelease, commands: ['apt-get', 'dpkg-query']});
		hosts.push(host);
		const result = await upgrade(host);
		expect(result.code).toBe(0);
		expect(result.calls).toEqual([]);
		expect(result.stdout.trim()).toBe('hoist-upgrade skip no apk on this host (Debian GNU/Linux 12 (bookworm)): hoist upgrades the packages of Alpine hosts only; nothing changed');
	});

	it('a failed upgrade: its last line, apk\'s exit code, and no verdict on the kernel', async () => {
		const host = alpineHost({failures: ['apk upgrade *\t4\tERROR: unable to select packages: linux-virt (no such package)']});
		const result = await upgrade(host);
		expect(result.code).toBe(4);
		expect(result.ours).toEqual(['hoist-upgrade fail apk upgrade --available: ERROR: unable to select packages: linux-virt (no such package)']);
	});
});
