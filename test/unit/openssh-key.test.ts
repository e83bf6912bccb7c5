import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {expect, it} from 'vitest';
import {generateEd25519} from '../../source/remote/openssh-key.js';

it('every generated key parses, and its public half is the one written beside it (2000 keys)', () => {
	for (let index = 0; index < 2000; index++) {
		const pair = generateEd25519('hoist@demo');
		const parsed = ssh2.utils.parseKey(pair.privateKey);
		if (parsed instanceof Error) throw new Error(`key ${index} did not parse: ${parsed.message}\n${pair.privateKey}`);
		const key = Array.isArray(parsed) ? parsed[0]! : parsed;
		expect(`${key.type} ${key.getPublicSSH().toString('base64')} hoist@demo`).toBe(pair.publicKey);
	}
});

it('OpenSSH itself reads the key and derives the same public key', () => {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-key-'));
	try {
		const pair = generateEd25519('hoist@demo');
		const file = join(dir, 'id_ed25519');
		writeFileSync(file, pair.privateKey, {mode: 0o600});
		expect(execFileSync('ssh-keygen', ['-y', '-f', file], {encoding: 'utf8'}).trim()).toBe(pair.publicKey);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
