import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {CommandLine} from '../../../source/cli/command.js';
import type {Ask} from '../../../source/cli/terminal.js';
import {loadConfig} from '../../../source/config/load.js';
import {CancelledError, UserError} from '../../../source/errors.js';
import {main} from '../../../source/main.js';
import {readAwsProfiles} from '../../../source/setup/aws-profiles.js';
import {runGuidedSetup, type GuidedSetupOptions} from '../../../source/setup/guided-setup.js';
import {fakeTty, keys} from '../../helpers/fake-tty.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'hoist-init-'));
	copyFileSync(join(import.meta.dirname, '../../fixtures/app/docker-compose.yml'), join(dir, 'docker-compose.yml'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const args = (): CommandLine => ({config: join(dir, 'hoist.yml'), json: false, flags: {}, positionals: [], rest: []});
// No AWS files, and an address echo that fails the test if it is ever asked (a test that wants one brings its own).
const noAws = {
	aws: {profiles: [], current: 'default', configFile: '/none', credentialsFile: '/none'},
	addressEcho: {name: 'checkip.test', lookup: () => Promise.reject(new Error('the address echo was asked'))},
};

function start(options: Partial<GuidedSetupOptions> = {}) {
	const tty = fakeTty();
	const up = vi.fn(async () => 0);
	const done = runGuidedSetup(tty.io, args(), {facts: {...noAws, env: {}}, up, today: '2026-11-30', ...options});
	// A failure before the test awaits it must not count as unhandled.
	done.catch(() => undefined);
	return {tty, up, done};
}

/** Types a bad answer, expects the message right under the question and the question still open, then the good one. */
async function refused(tty: ReturnType<typeof fakeTty>, question: RegExp, bad: string, message: string, good: string) {
	await tty.type(keys.clearLine, bad, keys.enter);
	const shown = await tty.waitFor(new RegExp(`^> ${escape(message)}$`, 'm'));
	const lines = shown.split('\n');
	const at = lines.findIndex((line) => line === `> ${message}`);
	// The field with the refused answer is the line above the message, still a question (?), not answered (✔).
	expect(lines[at - 1]).toMatch(question);
	expect(lines[at - 1]).toMatch(/^\? /);
	expect(lines[at - 1]?.endsWith(` ${bad}`)).toBe(true);
	await tty.type(keys.clearLine, good, keys.enter);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('hoist init on a terminal', () => {
	it('refuses bad answers in place with the message under the field, then writes hoist.yml and goes on into hoist up', async () => {
		const {tty, up, done} = start();
		await tty.waitFor(/\? Your compose file \(docker-compose\.yml\)/);
		await refused(tty, /Your compose file/, 'nope.yml', 'there is no file nope.yml here', 'docker-compose.yml');
		// A list of the long-running services (the jobs migrate and seed never answer HTTP), web picked, and a free entry.
		const list = await tty.waitFor(/\? Which service answers HTTP\?[\s\S]*Another service…/);
		expect(list).toMatch(/❯ web {2}\(listens on 8080\)\n\s+Another service…/);
		expect(list).not.toMatch(/migrate|seed/);
		await tty.type(keys.down, keys.enter);
		await tty.waitFor(/\? Which service answers HTTP\? \(migrate, seed, web\)/);
		await refused(tty, /Which service answers HTTP/, 'wbe', 'docker-compose.yml has no service "wbe"; it has migrate, seed, web', 'web');
		await tty.waitFor(/\? Which port does web listen on inside the stack\? \(8080\)/);
		await refused(tty, /Which port does web listen on/, 'x8080', '"x8080" is not a number; expected a port from 1 to 65535', '8080');
		await tty.waitFor(/\? Which domain should it answer on\?/);
		await refused(tty, /Which domain/, 'https://api.example.com', 'expected a bare domain name, without "https://"', 'api.example.com');
		// Another service answering HTTP: here web's API under /api, the prefix stripped.
		await tty.waitFor(/\? Does another service answer HTTP \(on its own domain, or on a path of api\.example\.com like \/api\)\? \(y\/N\)/);
		await tty.type('y', keys.enter);
		await tty.waitFor(/\? Which service answers HTTP\?[\s\S]*Another service…/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Which port does web listen on inside the stack\? \(8080\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Where does web answer\? Its own domain \(e\.g\. admin\.api\.example\.com\) or a path of api\.example\.com/);
		await refused(tty, /Where does web answer/, 'api.example.com', 'api.example.com already has a service', '/api');
		await tty.waitFor(/\? Should web see the paths without \/api \(\/api\/users arrives as \/users\)\? \(y\/N\)/);
		await tty.type('y', keys.enter);
		await tty.waitFor(/\? Does another service answer HTTP.*\n?.*\(y\/N\)\s*$/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Email for Let's Encrypt's notices/);
		await refused(tty, /Email for Let's Encrypt/, 'me@', 'expected an email address', 'me@example.com');
		await tty.waitFor(/\? Which Let's Encrypt CA first\?[\s\S]*❯ Staging first \(recommended\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? A name for this stack \(it names what hoist creates\) \(hoist-init-/);
		await tty.type(keys.clearLine, 'shop-api', keys.enter);
		await tty.waitFor(/\? Where should it run\?[\s\S]*❯ A new EC2 instance in my AWS account/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Which AWS region\? \(us-east-1\)/);
		await refused(tty, /Which AWS region/, 'eu-wset-1', 'there is no AWS region "eu-wset-1" (did you mean "eu-west-1"?)', 'eu-west-1');
		await tty.waitFor(/\? Which instance type\?[\s\S]*❯ t3\.micro\s+x86_64 2 vCPUs\s+1 GiB\s+~\$7\.59\/month\s+free tier eligible/);
		await tty.type(keys.down, keys.enter);
		// The echo is offered, not asked unasked: "no" leaves the question as it was.
		await tty.waitFor(/\? Ask checkip\.test \(AWS's address echo\) for the public address you connect from\? \(Y\/n\)/);
		await tty.type('n', keys.enter);
		await tty.waitFor(/\? Who may SSH in\? Your public address/);
		await refused(tty, /Who may SSH in/, '203.0.113.7/24', '203.0.113.7/24 has host bits set: AWS would read it as 203.0.113.0/24, not one address; for this address alone write 203.0.113.7/32, for the range 203.0.113.0/24', '203.0.113.7');
		await tty.waitFor(/\? The server's address \(its Elastic IP\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Do the images at 10\.77\.0\.1:5000 need a login \(private images\)\? \(Y\/n\)/);
		await tty.type('n', keys.enter);
		const plan = await tty.waitFor(/\? Create these now and deploy \(hoist up\)\? \(Y\/n\)/);
		expect(plan).toContain('The plan: in the AWS account of your AWS credentials, region eu-west-1');
		expect(plan).toContain('EC2 instance hoist-shop-api: t3.small (x86_64, 2 vCPUs, 2 GiB), Alpine Linux');
		expect(plan).toContain('(estimate, us-east-1 on-demand prices of 2025-07; data transfer and taxes not included)');
		// hoist.yml is on disk before the question, and it is what the loader reads.
		const {config} = loadConfig(join(dir, 'hoist.yml'));
		expect(config).toMatchObject({
			stack: 'shop-api',
			domain: 'api.example.com',
			compose: {file: 'docker-compose.yml'},
			routes: [
				{service: 'web', port: 8080, domains: ['api.example.com'], stripPrefix: false},
				{service: 'web', port: 8080, domains: ['api.example.com'], path: '/api', stripPrefix: true},
			],
			aws: {region: 'eu-west-1', instanceType: 't3.small', sshCidr: '203.0.113.7/32'},
			acme: {email: 'me@example.com', staging: true},
		});
		expect(config.aws?.elasticIp).toBeUndefined();
		expect(config.registry).toBeUndefined();
		expect(up).not.toHaveBeenCalled();
		await tty.type(keys.enter);
		await expect(done).resolves.toBe(0);
		expect(up).toHaveBeenCalledTimes(1);
	}, 15_000); // about 3 s alone; the longest walk through the questions, on a busy machine

	it('the region the SDK would use is the default: AWS_REGION with no AWS files at all', async () => {
		const emptyHome = mkdtempSync(join(tmpdir(), 'hoist-home-'));
		try {
			const {tty, done} = start({facts: {aws: readAwsProfiles({AWS_REGION: 'eu-west-1'}, emptyHome), env: {AWS_REGION: 'eu-west-1'}}});
			await tty.waitFor(/\? Your compose file/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Which service answers HTTP\?/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Which port does web listen on/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Which domain should it answer on\?/);
			await tty.type('api.example.com', keys.enter);
			await tty.waitFor(/Does another service answer HTTP/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Email for Let's Encrypt's notices/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Which Let's Encrypt CA first\?/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? A name for this stack/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Where should it run\?/);
			await tty.type(keys.enter);
			await tty.waitFor(/\? Which AWS region\? \(eu-west-1\)/);
			tty.io.cancellation.cancel();
			await done.catch(() => undefined);
		} finally {
			rmSync(emptyHome, {recursive: true, force: true});
		}
	});

	it('an existing server, a registry from the image names; "no" leaves hoist.yml and says how to go on', async () => {
		writeFileSync(join(dir, 'compose.yaml'), 'services:\n  db:\n    image: postgres:16\n  api:\n    image: ghcr.io/octocat/api:1\n    ports: ["3000:3000"]\n');
		const {tty, up, done} = start();
		await tty.waitFor(/\? Your compose file \(compose\.yaml\)/);
		await tty.type(keys.enter);
		// api is picked: the one that listens.
		await tty.waitFor(/\? Which service answers HTTP\?\n {2}db\n❯ api {2}\(listens on 3000\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Which port does api listen on inside the stack\? \(3000\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/Which domain/);
		await tty.type('api.example.com', keys.enter);
		await tty.waitFor(/Does another service answer HTTP/);
		await tty.type(keys.enter);
		await tty.waitFor(/Email/);
		await tty.type(keys.enter);
		await tty.waitFor(/Which Let's Encrypt CA first/);
		await tty.type(keys.down, keys.enter);
		await tty.waitFor(/A name for this stack/);
		await tty.type(keys.enter);
		await tty.waitFor(/Where should it run/);
		await tty.type(keys.down, keys.enter);
		await tty.waitFor(/\? The server's address or name/);
		await tty.type('192.168.64.5', keys.enter);
		await tty.waitFor(/\? The login user \(it needs passwordless doas or sudo\) \(alpine\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Its SSH port \(22\)/);
		await refused(tty, /Its SSH port/, '22a', '"22a" is not a number; expected a port from 1 to 65535', '2222');
		await tty.waitFor(/\? Do the images at ghcr\.io need a login \(private images\)\? \(Y\/n\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? The registry \(ghcr\.io\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/\? Your user name at ghcr\.io \(octocat\)/);
		await tty.type(keys.enter);
		const plan = await tty.waitFor(/\? Set up the server now and deploy \(hoist up\)\?/);
		expect(plan).toContain('The plan: in the server 192.168.64.5:2222, as alpine');
		expect(plan).toContain('Nothing is created on AWS');
		expect(plan).toContain('hoist up will ask for the registry token (hidden as you type, never stored). To skip the question next time: export HOIST_REGISTRY_TOKEN=…');
		await tty.type('n', keys.enter);
		await expect(done).resolves.toBe(0);
		expect(tty.screen()).toContain('Nothing was created. ');
		expect(tty.screen()).toContain('is written: change it if you like, then run `hoist up`.');
		expect(up).not.toHaveBeenCalled();
		const text = readFileSync(join(dir, 'hoist.yml'), 'utf8');
		expect(loadConfig(join(dir, 'hoist.yml')).config).toMatchObject({
			compose: {file: 'compose.yaml'},
			routes: [{service: 'api', port: 3000}],
			server: {host: '192.168.64.5', user: 'alpine', port: 2222},
			acme: {staging: false},
			registry: [{server: 'ghcr.io', username: 'octocat', tokenVariable: 'HOIST_REGISTRY_TOKEN'}],
		});
		expect(text).not.toMatch(/token:/);
	});

	it('Ctrl-C at a question stops with nothing written (exit 130)', async () => {
		const {tty, done} = start();
		await tty.waitFor(/Your compose file/);
		await tty.type(keys.enter);
		await tty.waitFor(/Which service answers HTTP/);
		await tty.type(keys.ctrlC);
		const error = await done.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(CancelledError);
		expect((error as CancelledError).exitCode).toBe(130);
		expect(existsSync(join(dir, 'hoist.yml'))).toBe(false);
	});
});

/** Answers by question, for tests about what happens around the questions; the select's default when not given. */
function scripted(answers: Array<[RegExp, unknown]>): {ask: Ask; asked: string[]} {
	const asked: string[] = [];
	const answer = (message: string, fallback: unknown) => {
		asked.push(message);
		const found = answers.find(([pattern]) => pattern.test(message));
		return Promise.resolve(found ? found[1] : fallback);
	};
	return {
		asked,
		ask: {
			// As the prompt does: the answer passes the question's check, or the test is wrong.
			input: async (question) => {
				const value = (await answer(question.message, question.default ?? '')) as string;
				const verdict = await question.validate?.(value);
				if (verdict !== undefined && verdict !== true) throw new Error(`"${value}" for "${question.message}": ${String(verdict)}`);
				return value;
			},
			password: (question) => answer(question.message, '') as Promise<string>,
			confirm: (question) => answer(question.message, question.default ?? false) as Promise<boolean>,
			select: (question) => answer(question.message, question.default ?? question.choices[0]?.value) as Promise<never>,
		},
	};
}

describe('hoist init --merge', () => {
	const serverAnswers: Array<[RegExp, unknown]> = [[/Which domain/, 'app.example.test'], [/Where should it run/, 'server'], [/server's address/, '10.77.0.2'], [/images .*need a login/, false]];

	it('an ACME directory from the file: no staging question, and the plan names that CA', async () => {
		const file = join(dir, 'sandbox.yml');
		writeFileSync(file, 'acme:\n  directory: https://10.77.0.1:14000/dir\nssh:\n  waitSeconds: 30\n');
		const {ask, asked} = scripted(serverAnswers);
		const tty = fakeTty();
		const up = vi.fn(async () => 0);
		await expect(runGuidedSetup(tty.io, {...args(), flags: {merge: file}}, {ask, facts: {...noAws, env: {}}, up})).resolves.toBe(0);
		expect(asked.some((message) => /Let's Encrypt CA/.test(message))).toBe(false);
		expect(loadConfig(join(dir, 'hoist.yml')).config).toMatchObject({acme: {directory: 'https://10.77.0.1:14000/dir', staging: false}, ssh: {waitSeconds: 30}, server: {host: '10.77.0.2'}});
		expect(tty.screen()).toContain('HTTPS for app.example.test from the CA at https://10.77.0.1:14000/dir');
		expect(up).toHaveBeenCalledTimes(1);
	});

	it('Ctrl-C at the plan\'s question: hoist.yml stays, and the message says so (not "nothing was changed")', async () => {
		const {ask} = scripted(serverAnswers);
		const stopped: Ask = {...ask, confirm: async (question) => (/deploy \(hoist up\)/.test(question.message) ? Promise.reject(new CancelledError('Stopped by Ctrl-C. Nothing was changed.')) : ask.confirm(question))};
		const error = await runGuidedSetup(fakeTty().io, args(), {ask: stopped, facts: {...noAws, env: {}}, up: async () => 0}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(CancelledError);
		expect((error as CancelledError).exitCode).toBe(130);
		expect((error as CancelledError).message).toMatch(/^Stopped before anything was created\. .*hoist\.yml is written: run `hoist up` when you are ready\.$/);
		expect(loadConfig(join(dir, 'hoist.yml')).config.server?.host).toBe('10.77.0.2');
	});

	it('settings that do not fit are refused and nothing is written', async () => {
		const file = join(dir, 'bad.yml');
		writeFileSync(file, 'dns:\n  resolvers: [not-an-address]\n');
		const {ask} = scripted(serverAnswers);
		const error = await runGuidedSetup(fakeTty().io, {...args(), flags: {merge: file}}, {ask, facts: {...noAws, env: {}}, up: async () => 0}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toMatch(/^The settings from bad\.yml do not fit: hoist\.yml:\d+:\d+: dns\.resolvers\.0: expected an IP address/);
		expect(existsSync(join(dir, 'hoist.yml'))).toBe(false);
	});
});

describe('hoist init: who may SSH in, as AWS\'s address echo sees this machine', () => {
	const awsAnswers: Array<[RegExp, unknown]> = [[/Does another service answer HTTP/, false], [/domain/, 'api.example.com'], [/Where should it run/, 'aws'], [/images .*need a login/, false]];
	let echo: Server;
	let answer: (response: ServerResponse) => void;
	beforeEach(async () => {
		echo = createServer((request, response) => answer(response));
		await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
	});
	afterEach(() => new Promise<void>((resolve) => echo.close(() => resolve())));
	const echoUrl = () => `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`;

	/** init with HOIST_ADDRESS_ECHO_URL pointing at the local echo, as a person would set it. */
	async function init(answers: Array<[RegExp, unknown]>) {
		const {ask, asked} = scripted([...awsAnswers, ...answers]);
		const facts = {aws: noAws.aws, env: {}};
		await runGuidedSetup(fakeTty({TERM: 'xterm', HOIST_ADDRESS_ECHO_URL: echoUrl()}).io, args(), {ask, facts, up: vi.fn(async () => 0)});
		return {asked, sshCidr: loadConfig(join(dir, 'hoist.yml')).config.aws?.sshCidr};
	}

	it('agreed to: the address the echo saw is the default, as one address (/32)', async () => {
		answer = (response) => response.end('198.51.100.23\n');
		const {asked, sshCidr} = await init([]);
		const host = new URL(echoUrl()).host;
		expect(asked).toContain(`Ask ${host} (AWS's address echo) for the public address you connect from?`);
		expect(asked).toContain(`Who may SSH in? (your public address as ${host} sees it; or a range)`);
		expect(sshCidr).toBe('198.51.100.23/32');
	});

	it('an echo that answers something else than an address: the question as without it, saying so', async () => {
		answer = (response) => response.end('<html>captive portal</html>');
		const {asked, sshCidr} = await init([[/Who may SSH in/, '203.0.113.7']]);
		expect(asked).toContain(`Who may SSH in? Your public address (e.g. 203.0.113.7, your router shows it) or a range (${new URL(echoUrl()).host} gave no address)`);
		expect(sshCidr).toBe('203.0.113.7/32');
	});

	it('declined: the echo is never asked', async () => {
		let asked = 0;
		answer = (response) => {
			asked++;
			response.end('198.51.100.23\n');
		};
		const {sshCidr} = await init([[/address echo/, false], [/Who may SSH in/, '203.0.113.7']]);
		expect(asked).toBe(0);
		expect(sshCidr).toBe('203.0.113.7/32');
	});
});

describe('hoist init where it must not ask', () => {
	it('refuses when hoist.yml exists, and offers hoist up', async () => {
		writeFileSync(join(dir, 'hoist.yml'), 'stack: mine\n');
		const {done, tty} = start();
		const error = await done.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).code).toBe('CONFIG_EXISTS');
		expect((error as UserError).nextSteps[0]).toEqual({text: 'Run `hoist up` to create or resume the stack it describes.', command: 'hoist up'});
		expect(tty.screen()).toBe('');
		expect(readFileSync(join(dir, 'hoist.yml'), 'utf8')).toBe('stack: mine\n');
	});

	it('without a terminal: a usage error pointing at the README (exit 2), never a prompt', async () => {
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		let out = '';
		let err = '';
		stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		const code = await main(['init', '--config', join(dir, 'hoist.yml')], {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: stderr as unknown as NodeJS.WriteStream,
			stdin: new PassThrough() as unknown as NodeJS.ReadStream,
			env: {CI: 'true'},
		});
		expect(code).toBe(2);
		expect(out).toBe('');
		expect(err).toContain('The guided setup asks questions, and no one can answer them here (no terminal, CI, or --json).');
		expect(err).toContain('README, section "Configuration"');
		expect(existsSync(join(dir, 'hoist.yml'))).toBe(false);
	});
});
