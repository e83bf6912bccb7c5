// A person at a terminal (tmux gives hoist a real one): the host-key question on first contact with an existing server,
// asked before the step screen starts, and the screen still getting its keys afterwards (Ctrl-C); then exec and ssh
// with a terminal on the server, and destroy's question naming the volumes.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {cliPath} from '../helpers/run-cli.js';
import {keepCapture} from '../screens/artifacts.js';
import {authorizeKey, clearAuthorizedKeys, readSandboxEnv, resetMoto, wipeInstance, type SandboxEnv} from '../sandbox/sandbox.js';

const socket = `hoist-e2e-${process.pid}`;
let sandbox: SandboxEnv;
let stack: E2eStack;
const noAws = {AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'};

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});

/** Runs hoist in a fresh 120×40 terminal; the pane stays after it ends, with EXIT=<code> as its last line. */
function terminal(name: string, args: string[]) {
	const env = Object.entries({...stack.env(noAws), PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', TERM: 'xterm-256color', LANG: 'C.UTF-8'})
		.map(([key, value]) => `${key}='${String(value).replaceAll("'", "'\\''")}'`)
		.join(' ');
	const command = `cd '${stack.dir}' && env -i ${env} ${process.execPath} ${cliPath} ${args.join(' ')}; echo EXIT=$?; sleep 600`;
	tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', command);
	const screen = () => tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-300');
	return {
		screen,
		keys: (...keys: string[]) => tmux('send-keys', '-t', name, ...keys),
		async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const match = screen().match(pattern);
				if (match) return match;
				if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${screen()}`);
				await sleep(100);
			}
		},
		close: () => tmux('kill-session', '-t', name),
	};
}

beforeAll(async () => {
	await resetMoto();
	await wipeInstance();
	await clearAuthorizedKeys();
	sandbox = readSandboxEnv();
	stack = e2eStack(sandbox, {stack: 'tty', server: [`host: ${sandbox.HOIST_SANDBOX_HOST}`]});
	// Without a terminal hoist trusts nothing, but it makes its key: the user adds that to the server.
	expect((await stack.run(['up'], noAws)).code).toBe(2);
	await authorizeKey(join(stack.dir, '.hoist', 'id_ed25519.pub'));
});

afterAll(async () => {
	try {
		tmux('kill-server');
	} catch {
		// no session left
	}
	await stack?.run(['destroy', '--volumes', '--yes'], noAws);
	await clearAuthorizedKeys();
	stack?.cleanup();
});

it('asks to trust the host key before the screen starts; yes pins it, and the screen then gets its keys (Ctrl-C stops it)', async () => {
	const knownHosts = join(stack.dir, '.hoist', 'known_hosts');
	const first = terminal('first', ['up']);
	await first.waitFor(/Trust this key and connect\?/);
	const hostKey = readFileSync(sandbox.HOIST_SANDBOX_HOST_KEY, 'utf8').split(' ').slice(0, 2).join(' ');
	const shown = first.screen();
	expect(shown).toContain('hoist has not connected to 10.77.0.2 before. It presents the host key');
	expect(shown).toMatch(/ssh-ed25519 SHA256:\S+/);
	expect(shown).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
	first.keys('y', 'Enter');
	// The step screen runs (its header names the run: the first frame, drawn before the question, does not, and tmux
	// keeps that frame in its history when the question clears the screen); Ctrl-C reaches it through the hand-over
	// and stops the run.
	await first.waitFor(/· run \d{8}T\d{6}Z/);
	await first.waitFor(/Prepare the server|Upload the stack|Start the stack/);
	first.keys('C-c');
	await first.waitFor(/EXIT=130/);
	expect(readFileSync(knownHosts, 'utf8')).toContain(`10.77.0.2 ${hostKey} instance=server`);
	keepCapture('tty-stopped-by-ctrl-c', first.screen());
	first.close();
	// Ctrl-C left a valid journal: it parses, and it says the run was cancelled.
	const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {runs: Array<{command: string; result?: string}>};
	expect(journal.runs.at(-1)).toMatchObject({command: 'up', result: 'cancelled'});

	// Bare `hoist` then opens on the resume screen; Enter picks "Resume", which finishes the run on the finish screen.
	const second = terminal('second', []);
	await second.waitFor(/What now\?/);
	keepCapture('tty-resume-screen', second.screen());
	expect(second.screen()).toMatch(/The last `hoist up` of stack tty was interrupted/);
	expect(second.screen()).toMatch(/❯ Resume/);
	expect(second.screen()).toContain('Restart from a step you choose');
	second.keys('Enter');
	await second.waitFor(/EXIT=\d+/, 120_000);
	keepCapture('tty-finish-screen', second.screen());
	expect(second.screen()).not.toContain('Trust this key');
	expect(second.screen()).toContain('EXIT=0');
	expect(second.screen()).toContain('All steps done.');
	expect(second.screen()).toMatch(/answers \(Caddy in front of web\)/);
	expect(second.screen()).toMatch(/Server +alpine@10\.77\.0\.2 \(your own machine\)/);
	for (const command of ['status', 'logs', 'ssh', 'deploy', 'rollback', 'destroy']) expect(second.screen()).toMatch(new RegExp(`hoist ${command} +\\S`));
	second.close();
});

it('exec and ssh with a terminal on the server; the exit status comes back', async () => {
	const exec = terminal('exec', ['exec', 'web', '--', 'sh']);
	await sleep(1_500);
	exec.keys('tty; echo cols=$(stty size)', 'Enter');
	await exec.waitFor(/cols=\d+ \d+/);
	exec.keys('exit 5', 'Enter');
	await exec.waitFor(/EXIT=5/);
	expect(exec.screen()).toMatch(/\/dev\/pts\/\d+/);
	expect(exec.screen()).toContain('cols=40 120');
	exec.close();

	const ssh = terminal('ssh', ['ssh']);
	await sleep(1_500);
	ssh.keys('echo "on $(cat /etc/hostname) as $(id -un)"; exit 3', 'Enter');
	await ssh.waitFor(/EXIT=3/);
	expect(ssh.screen()).toContain(`on ${readFileSync('/etc/hostname', 'utf8').trim()} as alpine`);
	ssh.close();
});

it('destroy asks first, naming the volumes it keeps; yes removes the stack', async () => {
	const destroy = terminal('destroy', ['destroy']);
	await destroy.waitFor(/\(y\/N\)/);
	// inquirer wraps what passes the terminal's 120 columns itself: a line that goes on starts at the first column.
	const shown = destroy.screen().replace(/\n(?=\S)/g, '');
	expect(shown).toContain('Destroy stack "tty" (stack-dir /srv/hoist/tty@10.77.0.2, compose-project tty@10.77.0.2)? This cannot be undone.\n');
	expect(shown).toContain('\n  The named volumes appdata, hoist_caddy_data, hoist_caddy_config stay on the server (your data; --volumes removes them)');
	destroy.keys('y', 'Enter');
	await destroy.waitFor(/EXIT=\d+/, 60_000);
	expect(destroy.screen()).toContain('EXIT=0');
	destroy.close();
});
