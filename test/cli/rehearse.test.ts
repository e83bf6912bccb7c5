import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo} from 'node:net';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it, onTestFinished} from 'vitest';
import {Journal} from '../../source/engine/journal.js';
import {Redactor} from '../../source/engine/redactor.js';
import type {Target} from '../../source/remote/target.js';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack, minimalConfig, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
beforeEach(() => {
	stack = makeTempStack(minimalConfig({stack: 'shop', extra: 'dns:\n  resolvers: [127.0.0.1]\n'}));
});
afterEach(() => stack.cleanup());

/** A real `hoist up` that stopped after reaching its server (203.0.113.7): the journal a rehearsal must never touch. */
function realJournal(): Buffer {
	mkdirSync(join(stack.dir, '.hoist'), {recursive: true, mode: 0o700});
	const journal = Journal.open(stack.journal, 'shop', new Redactor());
	journal.beginRun('up');
	const target: Target = {kind: 'aws', host: '203.0.113.7', port: 22, user: 'alpine', privateKeyPath: join(stack.dir, '.hoist/id_ed25519'), identity: 'i-0abc', publicAddress: '203.0.113.7'};
	journal.startStep('target');
	journal.finishStep('target', target, 5, false);
	journal.endRun('failed');
	return readFileSync(stack.journal);
}

const refusals: Array<[string, string[], RegExp]> = [
	['--on without a user', ['rehearse', '--on', '10.77.0.9'], /^Error: --on "10\.77\.0\.9": expected the login user before the host/m],
	['--on with a bad port', ['rehearse', '--on', 'alpine@10.77.0.9:70000'], /^Error: --on "alpine@10\.77\.0\.9:70000": expected a port from 1 to 65535/m],
	['a port that does not answer', ['rehearse', '--on', 'alpine@127.0.0.1:9', '--yes'], /^Error: --on: nothing answers on 127\.0\.0\.1:9 \(ECONNREFUSED\)/m],
	['an unknown pitfall', ['rehearse', '--on', 'alpine@10.77.0.9', '--pitfall', 'cname'], /^Error: --pitfall: there is no pitfall "cname"/m],
	['the real target\'s server', ['rehearse', '--on', 'alpine@203.0.113.7', '--yes'], /^Error: --on: 203\.0\.113\.7 is the real stack's server/m],
	['a host key that is not one', ['rehearse', '--on', 'alpine@127.0.0.1:9', '--host-key', 'ssh-ed25519'], /^Error: --host-key: expected the practice server's whole host key/m],
	['dns set with a malformed name', ['rehearse', 'dns', 'set', 'A', 'shop..example.test', '10.77.0.2'], /^Error: NAME "shop\.\.example\.test": /m],
	['dns set with a malformed address', ['rehearse', 'dns', 'set', 'A', 'app.example.test', '10.77.0.300'], /^Error: VALUE "10\.77\.0\.300": expected an IPv4 address/m],
	['dns set outside the rehearsal zone', ['rehearse', 'dns', 'set', 'A', 'app.example.org', '10.77.0.2'], /^Error: NAME "app\.example\.org": the rehearsal zone is example\.test/m],
	['dns delete with a value too many', ['rehearse', 'dns', 'delete', 'A', 'app.example.test', '10.77.0.2'], /^Error: `hoist rehearse dns delete` takes TYPE NAME/m],
];

it.each(refusals)('refuses %s: exit 2 with the field, nothing written, the real journal byte-identical', async (_what, args, message) => {
	const before = realJournal();
	const result = await runCli(args, {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(2);
	expect(result.stderr).toMatch(message);
	expect(result.stderr).not.toMatch(/\n\s+at /);
	expect(readFileSync(stack.journal).equals(before)).toBe(true);
	expect(existsSync(join(stack.dir, '.hoist', 'rehearsal'))).toBe(false);
});

it('dns set before any rehearsal: says to start the rehearsal first, exit 2', async () => {
	const result = await runCli(['rehearse', 'dns', 'set', 'A', 'app.example.test', '10.77.0.2'], {cwd: stack.dir});
	expect(result.code).toBe(2);
	expect(result.stderr).toContain('The rehearsal DNS is not running yet.');
	expect(result.stderr).toContain('hoist rehearse --on USER@HOST');
	expect(result.stderr).not.toContain('hoist up');
});

it.each([
	['logs', /Run `hoist rehearse` first, then `hoist rehearse logs`/, 2],
	['ssh', /Run `hoist rehearse` first, then `hoist rehearse ssh`/, 2],
	['status', /Next: run `hoist rehearse`\./, 0],
])('rehearse %s before any rehearsal names the rehearsal, never hoist up, though the real stack has a journal', async (command, advice, code) => {
	realJournal();
	const result = await runCli(['rehearse', command], {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(code);
	expect(result.stdout + result.stderr).toMatch(advice);
	expect(result.stdout + result.stderr).not.toContain('hoist up');
});

it('--end with nothing to end: says so, exit 0, the real journal untouched', async () => {
	const before = realJournal();
	const result = await runCli(['rehearse', '--end'], {cwd: stack.dir});
	expect(result.code, result.stderr).toBe(0);
	expect(result.stdout).toContain('No rehearsal to end');
	expect(readFileSync(stack.journal).equals(before)).toBe(true);
});

it('--yes without the practice server\'s host key: exit 2 before anything runs, naming --host-key and rehearsal.hostKey', async () => {
	// The practice server's port answers (the rehearsal checks it first), and nothing else happens on it.
	const server = createServer((socket) => socket.destroy());
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
	const {port} = server.address() as AddressInfo;
	const result = await runCli(['rehearse', '--on', `alpine@127.0.0.1:${port}`, '--yes'], {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(2);
	expect(result.stderr).toContain('Error: `hoist rehearse --yes` asks nothing, and the practice server\'s host key is not known: --host-key (or rehearsal.hostKey in hoist.yml) is missing.');
	expect(result.stderr).toContain(`ssh-keyscan -t ed25519 -p ${port} 127.0.0.1`);
	expect(result.stdout + result.stderr).not.toContain('server.hostKey');
});

it('a failed rehearsal step tells to run `hoist rehearse` again, with the practice server and pitfall it ran with — never `hoist up`', async () => {
	// A practice server whose SSH port answers and hangs up at once: ssh-ready gives up after ssh.waitSeconds.
	const server = createServer((socket) => socket.destroy());
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
	const {port} = server.address() as AddressInfo;
	writeFileSync(stack.config, minimalConfig({stack: 'shop', extra: 'dns:\n  resolvers: [127.0.0.1]\nssh:\n  waitSeconds: 5\n'}));
	const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPial0yCHM8MOSUWxOT/TquehQ94lAKnMXTf9VBfFv2E';
	const result = await runCli(['rehearse', '--on', `alpine@127.0.0.1:${port}`, '--host-key', hostKey, '--pitfall', 'aaaa', '--yes'], {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(1);
	expect(result.stdout).toContain(`Error: SSH to alpine@127.0.0.1:${port} did not work within 5s`);
	// "again: it resumes here", or "again in a minute" when the last attempt ended during the handshake.
	expect(result.stdout).toMatch(new RegExp(`1\\. Run \`hoist rehearse --on alpine@127\\.0\\.0\\.1:${port} --pitfall aaaa\` again(:| in a minute:) it resumes here\\.`));
	expect(result.stdout + result.stderr).not.toContain('hoist up');
}, 30_000);

/** The rehearsal's journal, .hoist/rehearsal/state.json, beside a sound real journal; `content`, when given, is written to it. */
function rehearsalJournal(content?: string): {real: Buffer; rehearsal: string} {
	const real = realJournal();
	const rehearsal = join(stack.dir, '.hoist', 'rehearsal', 'state.json');
	mkdirSync(join(stack.dir, '.hoist', 'rehearsal'), {recursive: true, mode: 0o700});
	if (content !== undefined) writeFileSync(rehearsal, content);
	return {real, rehearsal};
}

it.each([
	['status', ['rehearse', 'status']],
	['--end', ['rehearse', '--end']],
])('rehearse %s on a rehearsal journal that is not JSON: names that file and `hoist rehearse`, never `hoist up`; exit 2, both journals untouched', async (_what, args) => {
	const {real, rehearsal} = rehearsalJournal('{"schema": 3,');
	const result = await runCli(args, {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(2);
	expect(result.stderr).toContain('Error: .hoist/rehearsal/state.json is damaged and cannot be read');
	expect(result.stderr).toContain(`Look at ${rehearsal} — if you edited it by hand, undo the edit; or`);
	expect(result.stderr).toContain('move it aside and run `hoist rehearse`: the rehearsal starts a new journal');
	expect(result.stdout + result.stderr).not.toContain('hoist up');
	expect(readFileSync(rehearsal, 'utf8')).toBe('{"schema": 3,');
	expect(readFileSync(stack.journal).equals(real)).toBe(true);
});

it('rehearse ssh on a rehearsal journal whose recorded server is not one: names that file and `hoist rehearse`, exit 2', async () => {
	const {rehearsal} = rehearsalJournal();
	const journal = Journal.open(rehearsal, 'shop-rehearsal', new Redactor());
	journal.beginRun('rehearse');
	journal.startStep('target');
	journal.finishStep('target', {kind: 'server', host: '10.77.0.9', port: '22'}, 5, false);
	journal.endRun('failed');
	const result = await runCli(['rehearse', 'ssh'], {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(2);
	expect(result.stderr).toContain('Error: .hoist/rehearsal/state.json is damaged: steps.target.outputs.port is not what the step records (expected a number).');
	expect(result.stderr).toContain('If you edited .hoist/rehearsal/state.json by hand, undo the edit; or');
	expect(result.stderr).toContain('run `hoist rehearse`: step target looks at the server again and records what it finds.');
	expect(result.stdout + result.stderr).not.toContain('hoist up');
});
