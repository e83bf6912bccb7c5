// `hoist rehearse` on the sandbox: the instance host (10.77.0.2, a private address like a UTM VM's) plays the
// practice server, hoist.yml's own target is AWS (never called: its endpoints point at a closed port), the domain sits
// in a zone no sandbox DNS serves. The rehearsal's stand-ins (knotd and Pebble built from Debian's packages) come from
// the sandbox registry (test/sandbox/extras/rehearsal-images.sh). One stack for the file: run, pitfall, end.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, expect, it, onTestFinished} from 'vitest';
import {Journal} from '../../source/engine/journal.js';
import {Redactor} from '../../source/engine/redactor.js';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {cliPath, type CliRun} from '../helpers/run-cli.js';
import {freshPracticeServer, noAws, practiceKey} from '../helpers/practice-server.js';
import {clearAuthorizedKeys, instancePodman, type SandboxEnv} from '../sandbox/sandbox.js';

let sandbox: SandboxEnv;
let stack: E2eStack;
let hostKey: string;
let realJournal: Buffer;
const domain = 'shop.practice.test';
const started = Date.now();

beforeAll(async () => {
	const practice = await freshPracticeServer();
	sandbox = practice.sandbox;
	hostKey = readFileSync(sandbox.HOIST_SANDBOX_HOST_KEY, 'utf8').trim().split(' ').slice(0, 2).join(' ');
	stack = e2eStack(sandbox, {stack: 'shop', domain, extra: practice.settings});
	await practiceKey(stack.dir);
	// A real `hoist up` that stopped before deploy, beside the rehearsal: it must stay byte-identical.
	mkdirSync(join(stack.dir, '.hoist'), {recursive: true, mode: 0o700});
	const journal = Journal.open(stack.journal, 'shop', new Redactor());
	journal.beginRun('up');
	journal.startStep('compose');
	journal.finishStep('compose', {file: 'docker-compose.yml', services: {}}, 5, false);
	journal.endRun('failed');
	realJournal = readFileSync(stack.journal);
});

const socket = `hoist-rehearse-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});

afterAll(async () => {
	try {
		tmux('kill-server');
	} catch {
		// no session left
	}
	if (stack && existsSync(join(stack.dir, '.hoist', 'rehearsal', 'state.json'))) await stack.run(['rehearse', '--end'], noAws);
	await clearAuthorizedKeys();
	stack?.cleanup();
	console.log(`rehearse.test.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const rehearse = (more: string[] = []) => ['rehearse', '--on', `alpine@${sandbox.HOIST_SANDBOX_HOST}`, '--identity', 'vm_key', '--host-key', hostKey, '--yes', '--json', ...more];

/** Until the watcher has shown a round that is not ready: the rehearsal waits for the person's record. */
function waiting(run: CliRun): Promise<Record<string, unknown>> {
	return run.waitForEvent((event) => event['type'] === 'step-detail' && (event['detail'] as {kind?: string; state?: string})?.kind === 'dns-summary' && (event['detail'] as {data: {state: string}}).data.state === 'waiting');
}

function curl(): string {
	const root = join(stack.dir, '.hoist', 'rehearsal', 'root.pem');
	return execFileSync('curl', ['-sS', '--max-time', '10', '--cacert', root, '--resolve', `${domain}:443:${sandbox.HOIST_SANDBOX_HOST}`, `https://${domain}/`], {encoding: 'utf8'});
}

async function dns(words: string[]): Promise<string> {
	const result = await stack.run(['rehearse', 'dns', ...words], noAws);
	expect(result.code, result.stdout + result.stderr).toBe(0);
	return result.stdout;
}

it('rehearses the whole flow: the watcher waits, the record is set from another terminal, the rehearsal CA\'s certificate serves the app', async () => {
	const run = stack.start(rehearse(), noAws);
	await waiting(run);
	expect(await dns(['list'])).toContain('practice.test. 60 SOA ns1.practice.test.');
	await dns(['set', 'A', domain, sandbox.HOIST_SANDBOX_HOST]);
	const result = await run.done;
	expect(result.code, result.stderr + result.stdout.slice(-3000)).toBe(0);
	const planned = (result.events.find((event) => event['type'] === 'run-started') as {steps: Array<{id: string}>}).steps.map((step) => step.id);
	expect(planned).toEqual(['compose', 'target', 'ssh-ready', 'rehearsal-ports', 'bootstrap', 'registry-login', 'rehearsal-standins', 'upload', 'deploy', 'rehearsal-link', 'dns', 'rehearsal-renew', 'certificate']);
	const summaries = Object.fromEntries(result.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], String(event['summary'])]));
	expect(summaries['dns']).toContain(`${domain} → ${sandbox.HOIST_SANDBOX_HOST}`);
	expect(summaries['certificate']).not.toMatch(/skipped/);
	const message = result.events.filter((event) => event['type'] === 'message').flatMap((event) => event['lines'] as string[]).join('\n');
	expect(message).toContain(`curl --cacert .hoist/rehearsal/root.pem --resolve ${domain}:443:${sandbox.HOIST_SANDBOX_HOST} https://${domain}/`);
	expect(curl()).toContain('hoist fixture app v1');
	expect(readFileSync(stack.journal).equals(realJournal)).toBe(true);
	// `hoist rehearse status` shows the rehearsal's stack as `hoist status` shows a real one: its URL from hoist.yml's routes, the certificate.
	const status = await stack.run(['rehearse', 'status', '--json'], noAws);
	expect(status.code, status.stdout + status.stderr).toBe(0);
	const server = (JSON.parse(status.stdout) as {server: {routes?: Array<{url: string}>; certificate?: {issuer?: string}; containers: Array<{service: string; state: string}>}}).server;
	expect(server.routes?.map((route) => route.url)).toEqual([`https://${domain}/`]);
	expect(server.certificate?.issuer).toMatch(/Pebble/);
	expect(server.containers.find((container) => container.service === 'web')?.state).toBe('running');
}, 400_000);

// The next two run the rehearsal again with another pitfall: the stand-ins start afresh (a new zone, a new CA root),
// Caddy forgets the old CA's certificate and restarts, and the certificate comes from the new CA.
it('on a terminal, c on the watcher creates the record it shows (a proxy address replaced by the server\'s)', async () => {
	const env = Object.entries({...stack.env(noAws), PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', TERM: 'xterm-256color', LANG: 'C.UTF-8'})
		.map(([key, value]) => `${key}='${String(value).replaceAll("'", "'\\''")}'`)
		.join(' ');
	const args = rehearse(['--pitfall', 'proxy']).filter((arg) => arg !== '--json').map((arg) => `'${arg}'`).join(' ');
	tmux('new-session', '-d', '-s', 'watch', '-x', '120', '-y', '50', `cd '${stack.dir}' && env -i ${env} ${process.execPath} ${cliPath} ${args}; echo EXIT=$?; sleep 600`);
	const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'watch', '-S', '-300');
	const waitFor = async (pattern: RegExp, timeoutMs: number) => {
		const deadline = Date.now() + timeoutMs;
		while (!pattern.test(screen())) {
			if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${screen()}`);
			await sleep(200);
		}
	};
	await waitFor(/c {2}create the shown record in the rehearsal zone/, 180_000);
	expect(screen()).toMatch(/104\.16\.0\.10/);
	tmux('send-keys', '-t', 'watch', 'c');
	await waitFor(/Created A shop\.practice\.test 10\.77\.0\.2 in the rehearsal zone practice\.test/, 30_000);
	await waitFor(/EXIT=\d+/, 300_000);
	expect(screen()).toContain('EXIT=0');
	expect(screen()).toContain(`curl --cacert .hoist/rehearsal/root.pem --resolve ${domain}:443:${sandbox.HOIST_SANDBOX_HOST}`);
	tmux('kill-session', '-t', 'watch');
	expect(curl()).toContain('hoist fixture app v1');
}, 400_000);

it('--pitfall aaaa: the watcher explains the stale AAAA until it is deleted', async () => {
	const run = stack.start(rehearse(['--pitfall', 'aaaa']), noAws);
	// A failed expectation must not leave the run holding the rehearsal's lock (the next test ends the rehearsal).
	onTestFinished(() => {
		if (run.child.exitCode === null) run.child.kill('SIGTERM');
	});
	await waiting(run);
	expect(await dns(['list'])).toContain('shop.practice.test. 60 AAAA 2001:db8::10');
	await dns(['set', 'A', domain, sandbox.HOIST_SANDBOX_HOST]);
	// With the A record right, the stale AAAA is what the watcher explains, round after round, until it is gone.
	const blocked = await run.waitForEvent((event) => {
		const detail = event['detail'] as {kind?: string; data?: {missing?: Array<{code: string}>}} | undefined;
		return detail?.kind === 'dns-summary' && (detail.data?.missing ?? []).some((missing) => missing.code === 'DNS_AAAA_ELSEWHERE');
	});
	expect(JSON.stringify(blocked)).toContain('2001:db8::10');
	expect(run.child.exitCode).toBeNull();
	await dns(['delete', 'AAAA', domain]);
	const result = await run.done;
	expect(result.code, result.stderr + result.stdout.slice(-3000)).toBe(0);
	expect(curl()).toContain('hoist fixture app v1');
}, 400_000);

it('--end leaves the host with no container, volume or file of the rehearsal, and the real journal as it was', async () => {
	const result = await stack.run(['rehearse', '--end'], noAws);
	expect(result.code, result.stderr + result.stdout).toBe(0);
	const names = async (args: string[]) => (await instancePodman(sandbox, args)).stdout.split('\n').filter((name) => name.includes('shop-rehearsal'));
	expect(await names(['ps', '--all', '--format', '{{.Names}}'])).toEqual([]);
	expect(await names(['volume', 'ls', '--format', '{{.Name}}'])).toEqual([]);
	expect(await names(['network', 'ls', '--format', '{{.Name}}'])).toEqual([]);
	expect(existsSync('/srv/hoist') ? readdirSync('/srv/hoist').filter((name) => name.startsWith('shop-rehearsal')) : []).toEqual([]);
	expect(existsSync(join(stack.dir, '.hoist', 'rehearsal'))).toBe(false);
	expect(readFileSync(stack.journal).equals(realJournal)).toBe(true);
}, 400_000);
