import {spawn} from 'node:child_process';
import {chmodSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {generateEd25519} from '../../../source/remote/openssh-key.js';
import {cleanEnv, fixtureCliPath, type CliResult} from '../../helpers/run-cli.js';
import {deployedJournal, mkfifo, put, stateFile, withConfig, type BadInput} from './case.js';

/** Runs hoist from a folder that is deleted just before it starts, as a shell left in a removed folder would. */
function fromDeletedFolder(dir: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
	const gone = join(dir, 'gone');
	mkdirSync(gone);
	const child = spawn('sh', ['-c', `cd "$1" && rmdir "$1" && exec "$2" "$3" up`, 'sh', gone, process.execPath, fixtureCliPath], {env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr, events: []})));
}

const key = generateEd25519('hoist@demo').privateKey;
/** A deployed stack whose key and known_hosts are as `arrange` leaves them; `hoist logs` reads both before it connects. */
const deployedWith = (name: string, arrange: (hoist: string) => void, names: RegExp, args = ['logs']): BadInput => ({
	name,
	args,
	exit: 2,
	names,
	setup: (dir) => {
		put(dir, stateFile, deployedJournal(dir));
		writeFileSync(join(dir, '.hoist', 'id_ed25519'), key, {mode: 0o600});
		arrange(join(dir, '.hoist'));
	},
});

/** What the file system can do to hoist: every error a sentence with the path and what to do, never an errno. */
export const fileSystemCases: BadInput[] = [
	{name: '.hoist is a file', args: ['up'], exit: 2, names: /Cannot create the folder .*\/\.hoist: something else is already there/, setup: (dir) => (rmSync(join(dir, '.hoist'), {recursive: true}), writeFileSync(join(dir, '.hoist'), 'x'))},
	{name: 'the working folder was deleted', args: ['up'], exit: 2, names: /The current folder no longer exists[\s\S]*`cd` into the folder that holds hoist\.yml/, run: fromDeletedFolder},
	{name: '--config is a FIFO (no hang)', args: ['up', '--config', 'fifo.yml'], exit: 2, names: /The config file .*fifo\.yml is a named pipe \(FIFO\), not a regular file/, setup: (dir) => mkfifo(join(dir, 'fifo.yml'))},
	{name: '--config is a device', args: ['up', '--config', '/dev/zero'], exit: 2, names: /The config file \/dev\/zero is a device, not a regular file/},
	{name: '--config is a folder', args: ['up', '--config', '.'], exit: 2, names: /The config file .* is a folder, not a regular file/},
	{name: '--config that does not exist', args: ['up', '--config', 'nope.yml'], exit: 2, names: /nope\.yml: there is no file .*nope\.yml/},
	{name: '--config through a file', args: ['up', '--config', 'hoist.yml/inner.yml'], exit: 2, names: /Cannot open .*hoist\.yml\/inner\.yml: a part of the path is a file where a folder should be/},
	{name: '--config in a loop of links', args: ['up', '--config', 'loop.yml'], exit: 2, names: /Cannot open .*loop\.yml: symbolic links point at each other in a loop/, setup: (dir) => (symlinkSync('loop2.yml', join(dir, 'loop.yml')), symlinkSync('loop.yml', join(dir, 'loop2.yml')))},
	{name: '--config with a name too long', args: ['up', '--config', `${'n'.repeat(300)}.yml`], exit: 2, names: /Cannot open .*nnn\.yml: the path is too long/},
	{name: 'status with --config that does not exist', args: ['status', '--config', 'elsewhere/hoist.yml'], exit: 0, names: /No journal in .*elsewhere\/\.hoist yet/},
	{
		name: '.hoist/ not writable by the user',
		args: ['up'],
		exit: 2,
		asNobody: true,
		names: /Cannot open .*\/\.hoist\/lock: permission denied[\s\S]*ls -ld/,
		setup: (dir) => chmodSync(join(dir, '.hoist'), 0o555),
	},
	{
		name: 'the stack folder not writable by the user',
		args: ['up'],
		exit: 2,
		asNobody: true,
		names: /Cannot create the folder .*\/\.hoist: permission denied/,
		setup: (dir) => rmSync(join(dir, '.hoist'), {recursive: true}),
	},
	{name: 'hoist.yml not readable by the user', args: ['up'], exit: 2, asNobody: true, names: /Cannot open .*\/hoist\.yml: permission denied/, setup: (dir) => chmodSync(join(dir, 'hoist.yml'), 0o000)},
	{name: 'the journal not readable by the user', args: ['status'], exit: 2, asNobody: true, names: /Cannot open .*\/\.hoist\/state\.json: permission denied/, setup: (dir) => chmodSync(join(dir, '.hoist', 'state.json'), 0o000)},
	{name: 'a compose file that is a link to nowhere', args: ['up'], exit: 2, names: /compose\.file: the compose file .*docker-compose\.yml \(the default\) does not exist/, setup: (dir) => (rmSync(join(dir, 'docker-compose.yml')), symlinkSync('nowhere.yml', join(dir, 'docker-compose.yml')))},
	{name: 'the public key not readable by the user', args: ['up'], exit: 2, asNobody: true, names: /ssh\.publicKey: the public key .*id\.pub cannot be read: permission denied/, config: withConfig({append: 'ssh:\n  publicKey: id.pub\n'}), setup: (dir) => (put(dir, 'id.pub', 'ssh-ed25519 AAAA\n'), chmodSync(join(dir, 'id.pub'), 0o000))},
	deployedWith('the private key is a FIFO (no hang)', (hoist) => (rmSync(join(hoist, 'id_ed25519')), mkfifo(join(hoist, 'id_ed25519'))), /The private key .*\.hoist\/id_ed25519 is a named pipe \(FIFO\), not a regular file/),
	deployedWith('known_hosts is a FIFO (no hang)', (hoist) => mkfifo(join(hoist, 'known_hosts')), /The known hosts file .*\.hoist\/known_hosts is a named pipe \(FIFO\), not a regular file/),
	deployedWith('the private key is a folder', (hoist) => (rmSync(join(hoist, 'id_ed25519')), mkdirSync(join(hoist, 'id_ed25519'))), /The private key .*\.hoist\/id_ed25519 is a folder, not a regular file/),
	deployedWith('known_hosts is a folder', (hoist) => mkdirSync(join(hoist, 'known_hosts')), /The known hosts file .*\.hoist\/known_hosts is a folder, not a regular file/),
	deployedWith('the private key can be read by others', (hoist) => chmodSync(join(hoist, 'id_ed25519'), 0o644), /The private key .*\.hoist\/id_ed25519 can be read by others \(mode 0644\)[\s\S]*chmod 600/),
	{
		name: 'a .hoist/ others can enter is made private, with a note',
		args: ['up'],
		exit: 0,
		refused: false,
		names: /Made .*\.hoist private \(mode 0755 → 0700\)/,
		setup: (dir) => chmodSync(join(dir, '.hoist'), 0o755),
		after: (dir) => expect(statSync(join(dir, '.hoist')).mode & 0o777).toBe(0o700),
	},
];
