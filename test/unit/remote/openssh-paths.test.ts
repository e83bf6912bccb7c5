import {execFile, execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {createServer, type AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, describe, expect, it} from 'vitest';
import {opensshArgs} from '../../../source/remote/openssh.js';
import type {Target} from '../../../source/remote/target.js';

/**
 * `hoist ssh` in a folder OpenSSH would misread: it expands %-tokens in file options and splits them on whitespace.
 * The real ssh says which files it would use: `ssh -G` for the known-hosts file, `ssh -v` (against a local port that
 * accepts and says nothing) for the key it loads.
 */
const root = mkdtempSync(join(tmpdir(), 'hoist-openssh-'));
const dir = join(root, '100%done %h x "q" \\b', '.hoist');
mkdirSync(dir, {recursive: true});
const key = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
const knownHosts = join(dir, 'known_hosts');
afterAll(() => rmSync(root, {recursive: true, force: true}));

const target = (port: number): Target => ({kind: 'server', host: '127.0.0.1', port, user: 'deploy', privateKeyPath: key, identity: 'server', publicAddress: '127.0.0.1'});

describe('hoist ssh in a folder with % and spaces', () => {
	it('gives ssh the known-hosts file as it is named', () => {
		const config = execFileSync('ssh', ['-G', ...opensshArgs(target(22), knownHosts, [], {terminal: false})], {encoding: 'utf8'});
		expect(config.split('\n').filter((line) => line.startsWith('userknownhostsfile '))).toEqual([`userknownhostsfile ${knownHosts}`]);
	});

	it('gives ssh the key as it is named', async () => {
		// ssh loads its keys once the connection is up, before the banner: then the server hangs up.
		const server = createServer((socket) => setTimeout(() => socket.destroy(), 300));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const {port} = server.address() as AddressInfo;
			const args = ['-v', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', ...opensshArgs(target(port), knownHosts, [], {terminal: false})];
			const said = await promisify(execFile)('timeout', ['3', 'ssh', ...args]).catch((error: {stderr: string}) => error);
			// ssh names each identity file it loads with its type (-1: none under that name); its log doubles a backslash.
			expect(said.stderr).toContain(`identity file ${key.replaceAll('\\', '\\\\')} type 3`);
		} finally {
			server.close();
		}
	});
});
