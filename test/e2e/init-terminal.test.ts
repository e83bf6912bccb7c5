// A person at a real terminal (tmux) meets hoist for the first time: `hoist init` in a folder with only a compose file,
// answering every question (a few wrongly first), the plan, yes, the hidden token question of `hoist up`, and the
// step screen to the end, against the sandbox (the EC2 emulator, the sandbox host as the instance, its registry, its
// CA and DNS). The sandbox's stand-ins for Let's Encrypt and public DNS come in with --merge, as a team's defaults
// would. Captures of the key screens go to test/artifacts/init-terminal/.
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load.js';
import {sandboxStandIns} from '../helpers/e2e-stack.js';
import {cliPath, repoRoot, runCli} from '../helpers/run-cli.js';
import {deleteDnsRecord, flushResolvers, readSandboxEnv, resetMoto, setDnsRecord, type SandboxEnv} from '../sandbox/sandbox.js';

const socket = `hoist-init-${process.pid}`;
const artifacts = join(repoRoot, 'test', 'artifacts', 'init-terminal');
let sandbox: SandboxEnv;
let dir: string;
/** A name of the sandbox's zone for this run only: its A record is absent until the watcher is seen waiting. */
const domain = `first-run-${process.pid}.example.test`;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});

function env(): Record<string, string> {
	return {
		PATH: process.env['PATH'] ?? '',
		// An empty home: no AWS config files, so no profile question; AWS_REGION gives the region's default.
		HOME: dir,
		TERM: 'xterm-256color',
		LANG: 'C.UTF-8',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
		AWS_ENDPOINT_URL_EC2: sandbox.AWS_ENDPOINT_URL_EC2,
		AWS_ENDPOINT_URL_STS: sandbox.AWS_ENDPOINT_URL_STS,
		AWS_REGION: sandbox.AWS_REGION,
		AWS_ACCESS_KEY_ID: sandbox.AWS_ACCESS_KEY_ID,
		AWS_SECRET_ACCESS_KEY: sandbox.AWS_SECRET_ACCESS_KEY,
		// The stand-in for AWS's address echo: it answers 10.77.0.1, the address this machine reaches the sandbox from.
		HOIST_ADDRESS_ECHO_URL: sandbox.HOIST_SANDBOX_CHECKIP_URL ?? 'http://127.0.0.1:9/',
	};
}

/** hoist in a fresh 120×50 terminal; the pane stays after it ends, with EXIT=<code> as its last line. */
function terminal(name: string, args: string[]) {
	const vars = Object.entries(env()).map(([key, value]) => `${key}='${value.replaceAll("'", "'\\''")}'`).join(' ');
	tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '50', `cd '${dir}' && env -i ${vars} ${process.execPath} ${cliPath} ${args.join(' ')}; echo EXIT=$?; sleep 900`);
	const screen = () => tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-400');
	let seen = 0;
	return {
		screen,
		keys: (...keys: string[]) => tmux('send-keys', '-t', name, ...keys),
		/** Waits for the pattern from the line of the last match on (tmux keeps the whole scrollback). */
		async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const fresh = screen().trimEnd().split('\n').slice(seen).join('\n');
				const match = pattern.exec(fresh);
				if (match) {
					// The next wait starts at the line of this match: once answered, what follows comes there or below.
					seen += fresh.slice(0, match.index).split('\n').length - 1;
					return fresh;
				}
				if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${screen()}`);
				await sleep(100);
			}
		},
		capture: (file: string) => writeFileSync(join(artifacts, file), screen()),
		close: () => tmux('kill-session', '-t', name),
	};
}

beforeAll(async () => {
	await resetMoto();
	sandbox = readSandboxEnv();
	await deleteDnsRecord('all', domain, 'A');
	dir = mkdtempSync(join(tmpdir(), 'hoist-init-e2e-'));
	mkdirSync(artifacts, {recursive: true});
	copyFileSync(sandbox.HOIST_SANDBOX_COMPOSE_FILE, join(dir, 'docker-compose.yml'));
	writeFileSync(join(dir, 'sandbox.yml'), [
		'ssh:',
		'  waitSeconds: 30',
		// The sandbox's address is private: name it as the one the A record must hold, so DNS and the certificate run.
		...sandboxStandIns(sandbox, {dns: [`expectAddress: ${sandbox.HOIST_SANDBOX_HOST}`, 'timeoutMinutes: 3']}),
		'',
	].join('\n'));
});

afterAll(async () => {
	try {
		tmux('kill-server');
	} catch {
		// no session left
	}
	if (dir) {
		await runCli(['destroy', '--yes'], {cwd: dir, env: env()});
		rmSync(dir, {recursive: true, force: true});
	}
	await deleteDnsRecord('all', domain, 'A');
	await flushResolvers('all', domain);
});

it('hoist init: every question answered (bad answers refused in place), hoist.yml, the plan, yes, the hidden token, and hoist up to the end', {timeout: 400_000}, async () => {
	const init = terminal('init', ['init', '--merge', 'sandbox.yml']);
	await init.waitFor(/\? Your compose file \(docker-compose\.yml\)/);
	init.keys('Enter');
	await init.waitFor(/\? Which service answers HTTP\?\n❯ web {2}\(listens on 8080\)\n {2}Another service…/);
	init.keys('Down', 'Enter');
	await init.waitFor(/\? Which service answers HTTP\? \(migrate, seed, web\)/);
	init.keys('wbe', 'Enter');
	await init.waitFor(/> docker-compose\.yml has no service "wbe"; it has migrate, seed, web/);
	init.keys('C-u', 'web', 'Enter');
	await init.waitFor(/\? Which port does web listen on inside the stack\? \(8080\)/);
	init.keys('C-u', 'eighty', 'Enter');
	await init.waitFor(/> "eighty" is not a number; expected a port from 1 to 65535/);
	init.keys('C-u', '8080', 'Enter');
	await init.waitFor(/\? Which domain should it answer on\?/);
	init.keys('https://app', 'Enter');
	await init.waitFor(/> expected a bare domain name, without "https:\/\/"/);
	init.keys('C-u', domain, 'Enter');
	await init.waitFor(/\? Does another service answer HTTP/);
	init.keys('Enter');
	await init.waitFor(/\? Email for Let's Encrypt's notices/);
	init.keys('you@', 'Enter');
	await init.waitFor(/> expected an email address/);
	init.keys('C-u', 'Enter');
	// --merge named a CA: no staging question.
	await init.waitFor(/\? A name for this stack/);
	init.keys('C-u', 'first-run', 'Enter');
	await init.waitFor(/\? Where should it run\?/);
	init.keys('Enter');
	await init.waitFor(new RegExp(`\\? Which AWS region\\? \\(${sandbox.AWS_REGION}\\)`));
	init.keys('C-u', 'us-est-1', 'Enter');
	await init.waitFor(/> there is no AWS region "us-est-1" \(did you mean "us-east-1"\?\)/);
	init.keys('C-u', sandbox.AWS_REGION, 'Enter');
	await init.waitFor(/\? Which instance type\?[\s\S]*t3\.micro/);
	init.capture('1-instance-types.txt');
	init.keys('Enter');
	await init.waitFor(/\? Ask 10\.77\.0\.1:\d+ \(AWS's address echo\) for the public address you connect from\? \(Y\/n\)/);
	init.keys('Enter');
	// The echo's answer is the default, as one address: Enter takes it.
	await init.waitFor(/\? Who may SSH in\? \(your public address as 10\.77\.0\.1:\d+ sees it; or a range\) \(10\.77\.0\.1\/32\)/);
	init.keys('Enter');
	await init.waitFor(/\? The server's address \(its Elastic IP\)/);
	init.keys('Down', 'Enter');
	await init.waitFor(/\? Its allocation id/);
	init.keys(sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID, 'Enter');
	await init.waitFor(/\? Do the images at 10\.77\.0\.1:5000 need a login/);
	init.keys('Enter');
	await init.waitFor(/\? The registry \(10\.77\.0\.1:5000\)/);
	init.keys('Enter');
	await init.waitFor(/\? Your user name at 10\.77\.0\.1:5000/);
	init.keys('C-u', sandbox.HOIST_SANDBOX_REGISTRY_USER, 'Enter');

	const plan = await init.waitFor(/\? Create these now and deploy \(hoist up\)\? \(Y\/n\)/);
	init.capture('2-plan.txt');
	expect(plan).toContain(`The plan: in the AWS account of your AWS credentials, region ${sandbox.AWS_REGION}`);
	expect(plan).toContain(`Your Elastic IP ${sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID} (kept by hoist destroy)`);
	expect(plan).toMatch(/Rough monthly cost: about \$12\.04/);
	expect(plan).toContain('estimate, us-east-1 on-demand prices of 2025-07');
	const {config} = loadConfig(join(dir, 'hoist.yml'));
	expect(config).toMatchObject({
		stack: 'first-run',
		domain,
		compose: {file: 'docker-compose.yml'},
		routes: [{service: 'web', port: 8080, domains: [domain]}],
		aws: {region: sandbox.AWS_REGION, instanceType: 't3.micro', sshCidr: '10.77.0.1/32', elasticIp: sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID},
		acme: {directory: sandbox.HOIST_SANDBOX_ACME_DIRECTORY, staging: false},
		registry: [{server: sandbox.HOIST_SANDBOX_REGISTRY, username: sandbox.HOIST_SANDBOX_REGISTRY_USER, tokenVariable: 'HOIST_REGISTRY_TOKEN'}],
	});
	expect(readFileSync(join(dir, 'hoist.yml'), 'utf8')).not.toContain(sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD);

	init.keys('Enter');
	// hoist up: the token, hidden, before the step screen.
	await init.waitFor(/\? The token for \S+ at 10\.77\.0\.1:5000 \(hidden; not stored; or set HOIST_REGISTRY_TOKEN\)/);
	init.keys(sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD, 'Enter');
	await init.waitFor(/Launch|launch/, 60_000);
	init.capture('3-steps.txt');
	// The DNS watcher: both authoritative servers say the name does not exist, until the record is made.
	const waiting = await init.waitFor(/Still missing/, 240_000);
	init.capture('4-dns-waiting.txt');
	expect(waiting).toMatch(/NXDOMAIN/);
	expect(waiting).toContain(domain);
	await setDnsRecord('auth', domain, 'A', sandbox.HOIST_SANDBOX_HOST, 60);
	await init.waitFor(/EXIT=\d+/, 300_000);
	init.capture('5-finish.txt');
	const end = init.screen();
	expect(end).toContain('EXIT=0');
	// The watcher was seen waiting, then ready; the finish screen: the https URL and the certificate Pebble issued.
	expect(end).toMatch(/✔ Wait for DNS to point at the server .* on every authoritative server/);
	expect(end).toContain(`https://${domain}/ answers (Caddy in front of web)`);
	expect(end).toMatch(/Certificate +Pebble Intermediate CA/);
	expect(end).toMatch(/Time to HTTPS +\d/);
	expect(init.screen()).not.toContain(sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD);
	const journal = readFileSync(join(dir, '.hoist', 'state.json'), 'utf8');
	expect(journal).not.toContain(sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD);
	const steps = (JSON.parse(journal) as {steps: Record<string, {status: string}>}).steps;
	expect(steps['registry-login']?.status).toBe('done');
	expect(steps['deploy']?.status).toBe('done');
	expect(steps['dns']?.status).toBe('done');
	expect(steps['certificate']?.status).toBe('done');
	init.close();

	// The next bare `hoist`, the run complete: the status, with the certificate.
	const next = terminal('next', []);
	const status = await next.waitFor(/EXIT=\d+/, 60_000);
	next.capture('6-bare-hoist-status.txt');
	expect(status).toContain('EXIT=0');
	expect(status).toContain('Stack first-run');
	expect(status).toMatch(/certificate from Pebble Intermediate/);
	next.close();

	// A second `hoist init` refuses: hoist.yml is there.
	const again = await runCli(['init'], {cwd: dir, env: env()});
	expect(again.code).toBe(2);
	expect(again.stderr).toContain('hoist.yml exists already: this stack is set up.');
});
