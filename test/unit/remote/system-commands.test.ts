import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {asRoot, hostFacts, installFiles, parseFacts, stopProcessGroup, wireLine} from '../../../source/remote/commands/system.js';

describe('system command builders', () => {
	it('run as root through the host\'s own escalation, the line quoted as one word', () => {
		expect(asRoot("echo 'hi'", 'doas')).toBe(`doas sh -c "echo 'hi'"`);
		expect(asRoot('id -u', 'sudo')).toBe("sudo -n sh -c 'id -u'");
		expect(asRoot('id -u', 'root')).toBe("sh -c 'id -u'");
	});

	it('report the remote shell\'s pid first, then become the command', () => {
		expect(wireLine('id -u', true, 'doas')).toBe('echo "@hoist-pid=$$" >&2; exec doas sh -c \'id -u\'');
		expect(wireLine('id -u', false, 'doas')).toBe('echo "@hoist-pid=$$" >&2; exec sh -c \'id -u\'');
	});

	it('stop a whole process group with the kill that dash and busybox understand', () => {
		expect(stopProcessGroup(4242, 'TERM').line).toBe('kill -TERM -4242 2>/dev/null || kill -TERM 4242 2>/dev/null || true');
	});

	it('read the facts a server prints: escalation, user, system', () => {
		const alpine = 'hoist_via=doas\nhoist_user=alpine\nNAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nhoist_alpine_release=3.20.3\n';
		expect(parseFacts(alpine)).toEqual({escalation: 'doas', user: 'alpine', osId: 'alpine', osVersion: '3.20.3', osName: 'Alpine Linux v3.20'});
		expect(parseFacts('hoist_via=\nhoist_user=bob\n')).toMatchObject({escalation: 'none', osId: 'unknown'});
	});

	it('the facts command runs in a plain POSIX shell and names this machine\'s system', () => {
		const printed = execFileSync('sh', ['-c', hostFacts().line], {encoding: 'utf8'});
		expect(parseFacts(printed).osId).toMatch(/^[a-z]+$/);
	});

	it('put uploaded files in place with their mode, creating directories, and remove the temporary copies', () => {
		const dir = mkdtempSync(join(tmpdir(), 'hoist-install-'));
		try {
			writeFileSync(join(dir, 'tmp 1'), 'secret');
			const command = installFiles([{temp: join(dir, 'tmp 1'), path: join(dir, 'deep/er dir/app.env'), mode: 0o600}]);
			expect(command.line).toContain("install -m 0600 ");
			execFileSync('sh', ['-c', command.line]);
			expect(readFileSync(join(dir, 'deep/er dir/app.env'), 'utf8')).toBe('secret');
			expect(statSync(join(dir, 'deep/er dir/app.env')).mode & 0o777).toBe(0o600);
			expect(() => statSync(join(dir, 'tmp 1'))).toThrow();
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
