// The reboot commands of the host upgrade, run in sh with their files in a temporary directory and a stand-in for
// /sbin/reboot that records its call: the marker is on disk before the reboot starts, only the reboot is detached
// (the command ends at once), and reading the state tells a pending reboot from one that happened.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, describe, expect, it} from 'vitest';
import {clearRebootMarker, parseRebootState, readRebootState, requestReboot, type RebootPaths} from '../../../source/remote/commands/host-upgrade.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-reboot-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const paths: RebootPaths = {marker: join(dir, 'var lib', 'reboot-requested'), bootId: join(dir, 'boot_id'), reboot: join(dir, 'fake reboot')};
const called = join(dir, 'rebooted');
writeFileSync(paths.reboot, `#!/bin/sh\necho "$0 $*" > '${called}'\n`, {mode: 0o755});
writeFileSync(paths.bootId, 'boot-1\n');
const sh = (line: string) => execFileSync('sh', ['-c', line], {encoding: 'utf8'});

describe('the reboot commands in sh', () => {
	it('no marker: the state is the boot id alone', () => {
		expect(parseRebootState(sh(readRebootState(paths).line))).toEqual({bootId: 'boot-1', requested: undefined});
	});

	it('asking writes the marker first, returns at once, and reboots a second later, detached', async () => {
		const started = Date.now();
		sh(requestReboot('6.12.13-0-virt', paths).line);
		expect(Date.now() - started).toBeLessThan(900);
		expect(readFileSync(paths.marker, 'utf8')).toBe('boot-1 6.12.13-0-virt\n');
		expect(existsSync(called)).toBe(false);
		expect(parseRebootState(sh(readRebootState(paths).line))).toEqual({bootId: 'boot-1', requested: {bootId: 'boot-1', kernel: '6.12.13-0-virt'}});
		for (let waited = 0; waited < 3000 && !existsSync(called); waited += 100) await sleep(100);
		expect(readFileSync(called, 'utf8')).toBe(`${paths.reboot} \n`);
	});

	it('after the reboot the marker names an older boot; clearing it leaves the boot id alone', () => {
		writeFileSync(paths.bootId, 'boot-2\n');
		expect(parseRebootState(sh(readRebootState(paths).line))?.requested).toEqual({bootId: 'boot-1', kernel: '6.12.13-0-virt'});
		sh(clearRebootMarker(paths).line);
		expect(parseRebootState(sh(readRebootState(paths).line))).toEqual({bootId: 'boot-2', requested: undefined});
	});
});
