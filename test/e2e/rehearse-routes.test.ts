// `hoist rehearse` of the routed fixture (issue 25): web on shop.practice.test and, prefix stripped, under /api;
// admin on admin.backoffice.test, a zone of its own (the names of a stack can span zones). The instance host
// (10.77.0.2) plays the practice server, hoist.yml's own target is AWS (never called), and no sandbox DNS serves
// either zone: the rehearsal DNS stand-in is authoritative for both, and its Pebble resolves both names through it.
import {execFileSync} from 'node:child_process';
import {copyFileSync, existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {Journal} from '../../source/engine/journal.js';
import {stepOutputs} from '../../source/engine/outputs.js';
import {Redactor} from '../../source/engine/redactor.js';
import {e2eStack, type E2eStack} from '../helpers/e2e-stack.js';
import {repoRoot} from '../helpers/run-cli.js';
import {freshPracticeServer, noAws, practiceKey} from '../helpers/practice-server.js';
import {clearAuthorizedKeys, instancePodman, type SandboxEnv} from '../sandbox/sandbox.js';

let sandbox: SandboxEnv;
let stack: E2eStack;
const web = 'shop.practice.test';
const admin = 'admin.backoffice.test';
const started = Date.now();

beforeAll(async () => {
	// A fresh practice server, without a rehearsal of another test (its stand-ins would hold 53, 80 and 443).
	const practice = await freshPracticeServer();
	sandbox = practice.sandbox;
	stack = e2eStack(sandbox, {
		stack: 'bazaar',
		routes: [
			`{service: web, port: 8080, domains: [${web}], healthPath: /health}`,
			`{service: web, port: 8080, domains: [${web}], path: /api, stripPrefix: true}`,
			`{service: admin, port: 8080, domains: [${admin}], healthPath: /health}`,
		],
		extra: practice.settings,
	});
	copyFileSync(join(repoRoot, 'test/fixtures/routed/docker-compose.yml'), join(stack.dir, 'docker-compose.yml'));
	await practiceKey(stack.dir);
});

afterAll(async () => {
	if (stack && existsSync(join(stack.dir, '.hoist', 'rehearsal', 'state.json'))) await stack.run(['rehearse', '--end'], noAws);
	await clearAuthorizedKeys();
	stack?.cleanup();
	console.log(`rehearse-routes.test.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** What the finish screen tells the person to run: curl at the practice server, trusting the rehearsal root only. */
function curl(url: string): string {
	const root = join(stack.dir, '.hoist', 'rehearsal', 'root.pem');
	return execFileSync('curl', ['-sS', '--max-time', '10', '--cacert', root, '--resolve', `${new URL(url).hostname}:443:${sandbox.HOIST_SANDBOX_HOST}`, url], {encoding: 'utf8'});
}

const version = (url: string) => (JSON.parse(curl(url)) as {version: string}).version;

it('rehearses a routed stack whose names span two zones: the watcher waits for each, each gets the rehearsal CA\'s certificate, each URL answers from its service; --end leaves nothing', async () => {
	const hostKey = readFileSync(sandbox.HOIST_SANDBOX_HOST_KEY, 'utf8').trim().split(' ').slice(0, 2).join(' ');
	const run = stack.start(['rehearse', '--on', `alpine@${sandbox.HOIST_SANDBOX_HOST}`, '--identity', 'vm_key', '--host-key', hostKey, '--yes', '--json'], noAws);
	const waitingFor = (name: string) => run.waitForEvent((event) => {
		const detail = event['detail'] as {kind?: string; data?: {name: string; state: string}} | undefined;
		return event['type'] === 'step-detail' && detail?.kind === 'dns-summary' && detail.data?.name === name && detail.data.state === 'waiting';
	});
	await Promise.all([waitingFor(web), waitingFor(admin)]);
	const zones = await stack.run(['rehearse', 'dns', 'list'], noAws);
	expect(zones.stdout).toContain('practice.test. 60 SOA ns1.practice.test.');
	expect(zones.stdout).toContain('backoffice.test. 60 SOA ns1.backoffice.test.');
	for (const name of [web, admin]) {
		const set = await stack.run(['rehearse', 'dns', 'set', 'A', name, sandbox.HOIST_SANDBOX_HOST], noAws);
		expect(set.code, set.stdout + set.stderr).toBe(0);
	}
	const result = await run.done;
	expect(result.code, result.stderr + result.stdout.slice(-3000)).toBe(0);
	const summaries = Object.fromEntries(result.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], String(event['summary'])]));
	expect(summaries['dns']).toContain(`${web}, ${admin} → ${sandbox.HOIST_SANDBOX_HOST}`);
	// The certificate step confirmed one certificate per name, each checked against the rehearsal root.
	const journal = Journal.read(join(stack.dir, '.hoist', 'rehearsal', 'state.json'), new Redactor())!;
	expect(stepOutputs(journal.data, 'certificate')).toMatchObject({status: 'issued', certificates: [
		{name: web, issuer: expect.stringMatching(/Pebble/i)}, {name: admin, issuer: expect.stringMatching(/Pebble/i)},
	]});
	const message = result.events.filter((event) => event['type'] === 'message').flatMap((event) => event['lines'] as string[]).join('\n');
	for (const url of [`https://${web}/`, `https://${web}/api/`, `https://${admin}/`]) {
		const name = new URL(url).hostname;
		expect(message).toContain(`curl --cacert .hoist/rehearsal/root.pem --resolve ${name}:443:${sandbox.HOIST_SANDBOX_HOST} ${url}`);
	}

	// Each URL from its own service, its certificate verified against the rehearsal root alone; /api/health is web's /health.
	expect(curl(`https://${web}/`)).toContain('hoist fixture app v1');
	expect(version(`https://${web}/api/health`)).toBe('v1');
	expect(version(`https://${admin}/health`)).toBe('admin-v1');

	const ended = await stack.run(['rehearse', '--end'], noAws);
	expect(ended.code, ended.stdout + ended.stderr).toBe(0);
	const names = async (args: string[]) => (await instancePodman(sandbox, args)).stdout.split('\n').filter((name) => name.includes('bazaar-rehearsal'));
	expect(await names(['ps', '--all', '--format', '{{.Names}}'])).toEqual([]);
	expect(await names(['volume', 'ls', '--format', '{{.Name}}'])).toEqual([]);
	expect(await names(['network', 'ls', '--format', '{{.Name}}'])).toEqual([]);
	expect(existsSync('/srv/hoist') ? readdirSync('/srv/hoist').filter((name) => name.startsWith('bazaar-rehearsal')) : []).toEqual([]);
	expect(existsSync(join(stack.dir, '.hoist', 'rehearsal'))).toBe(false);
}, 300_000);
