import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {keyTypeOf, pinFor, pinHostKey, readPins, unpinHost} from '../../source/remote/known-hosts.js';

let dir: string;
let file: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'hoist-known-'));
	file = join(dir, 'known_hosts');
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

it('writes OpenSSH known_hosts lines that name the instance, one pin per host', () => {
	pinHostKey(file, {host: '10.77.0.2', keyType: 'ssh-ed25519', key: 'AAAAold', instanceId: 'i-1'});
	pinHostKey(file, {host: '10.77.0.9', keyType: 'ssh-ed25519', key: 'AAAAother', instanceId: 'i-9'});
	pinHostKey(file, {host: '10.77.0.2', keyType: 'ssh-ed25519', key: 'AAAAnew', instanceId: 'i-2'});
	expect(readFileSync(file, 'utf8')).toBe('10.77.0.9 ssh-ed25519 AAAAother instance=i-9\n10.77.0.2 ssh-ed25519 AAAAnew instance=i-2\n');
	expect(pinFor(file, '10.77.0.2')).toEqual({host: '10.77.0.2', keyType: 'ssh-ed25519', key: 'AAAAnew', instanceId: 'i-2'});
	unpinHost(file, '10.77.0.2');
	expect(readPins(file).map((pin) => pin.host)).toEqual(['10.77.0.9']);
});

it('reads the key type from an SSH key blob', () => {
	const type = Buffer.from('ssh-ed25519');
	const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, 1, 7])]);
	expect(keyTypeOf(blob)).toBe('ssh-ed25519');
});
