// Routes end to end (issue 25): the routed fixture (web on the domain and, prefix stripped, under /api; admin on its
// own name) deployed by the real CLI on the sandbox; each URL over HTTPS with Pebble's certificate; a release of both
// services under request loops on every URL. One stack for the whole file (CI budget).
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {requestLoops, secureGet} from '../helpers/request-loop.js';
import {repoRoot} from '../helpers/run-cli.js';
import {deleteDnsRecord, flushResolvers, readSandboxEnv, setDnsRecord, type SandboxEnv} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();

const admin = (sandbox: SandboxEnv) => `admin.${sandbox.HOIST_SANDBOX_DOMAIN}`;

// The sandbox starts without records for its domain: this file sets both names and removes them again.
afterAll(async () => {
	const sandbox = readSandboxEnv();
	for (const name of [sandbox.HOIST_SANDBOX_DOMAIN, admin(sandbox)]) await deleteDnsRecord('auth', name, 'A');
	await flushResolvers('all');
});
type Event = Record<string, unknown>;

/** One HTTPS GET on a fresh connection, SNI and Host = name, at the sandbox host, trusting Pebble's root only. */
const get = (sandbox: SandboxEnv, name: string, path: string) => secureGet(sandbox.HOIST_SANDBOX_HOST, name, path, readFileSync(sandbox.HOIST_SANDBOX_ACME_ROOT))();

const version = async (sandbox: SandboxEnv, name: string, path: string) => (JSON.parse((await get(sandbox, name, path)).body) as {version: string}).version;

describe('routes', () => {
	it('web on the domain and under /api (prefix stripped), admin on its own name: DNS waits for both, each URL over HTTPS from its service; a release of both under load fails no request', async () => {
		const sandbox = emulator.sandbox();
		const domain = sandbox.HOIST_SANDBOX_DOMAIN;
		const adminName = admin(sandbox);
		await setDnsRecord('auth', domain, 'A', sandbox.HOIST_SANDBOX_HOST);
		await deleteDnsRecord('auth', adminName, 'A');
		await flushResolvers('all');
		const stack = emulator.stack({
			stack: 'routed',
			routes: [
				`{service: web, port: 8080, domains: [${domain}], healthPath: /health}`,
				`{service: web, port: "8080", domains: [${domain}], path: /api, stripPrefix: true}`,
				`{service: admin, port: 8080, domains: [${adminName}], healthPath: /health}`,
			],
			dns: [`expectAddress: ${sandbox.HOIST_SANDBOX_HOST}`, 'timeoutMinutes: 3'],
		});
		copyFileSync(join(repoRoot, 'test/fixtures/routed/docker-compose.yml'), join(stack.dir, 'docker-compose.yml'));

		// The watcher waits for admin's name (the domain's record is there): one row group per name.
		const up = stack.start(['up', '--json']);
		const isSummary = (event: Event, name: string, state: string) =>
			event['type'] === 'step-detail' && (event['detail'] as {kind: string}).kind === 'dns-summary'
			&& (event['detail'] as {data: {name: string}}).data.name === name && (event['detail'] as {data: {state: string}}).data.state === state;
		await up.waitForEvent((event) => isSummary(event, adminName, 'waiting'));
		await setDnsRecord('auth', adminName, 'A', sandbox.HOIST_SANDBOX_HOST);
		const result = await up.done;
		const failure = result.events.find((event) => event['type'] === 'step-failed');
		expect(result.code, JSON.stringify(failure ?? result.stderr, null, 2)).toBe(0);
		expect(result.events.some((event) => isSummary(event, domain, 'ready'))).toBe(true);
		expect(result.events.find((event) => event['type'] === 'step-done' && event['stepId'] === 'dns')).toMatchObject({summary: expect.stringContaining(`${domain}, ${adminName} → ${sandbox.HOIST_SANDBOX_HOST}`)});
		expect(result.events.find((event) => event['type'] === 'finish')).toMatchObject({routes: [
			{url: `https://${domain}/`, service: 'web'}, {url: `https://${domain}/api/`, service: 'web'}, {url: `https://${adminName}/`, service: 'admin'},
		]});

		// Each URL from its own service, with Pebble's certificate; /api/health is web's /health (the prefix stripped).
		const root = await get(sandbox, domain, '/');
		expect(root).toMatchObject({status: 200, body: expect.stringContaining('hoist fixture app v1')});
		expect(root.issuer).toMatch(/Pebble/i);
		expect(await version(sandbox, domain, '/api/health')).toBe('v1');
		expect(await version(sandbox, adminName, '/health')).toBe('admin-v1');
		expect((await get(sandbox, domain, '/apiary')).status).toBe(404); // a prefix is a path segment, not a string start
		expect((await get(sandbox, adminName, '/')).issuer).toMatch(/Pebble/i);

		// A new version of both services: each swapped beside its old container while every URL is asked.
		writeFileSync(join(stack.dir, '.env'), 'WEB_TAG=v2\n');
		const ca = readFileSync(sandbox.HOIST_SANDBOX_ACME_ROOT);
		const urls = [[domain, '/health'], [domain, '/api/health'], [adminName, '/health']] as const;
		const load = requestLoops(Object.fromEntries(urls.map(([name, path]) => [`${name}${path}`, secureGet(sandbox.HOIST_SANDBOX_HOST, name, path, ca)])));
		const deployed = await stack.run(['deploy', '--json']);
		const {failures, versions: seen} = await load.stop();
		expect(deployed.code, deployed.stderr).toBe(0);
		expect(failures).toEqual([]);
		for (const [url, versions] of seen) expect(versions.length, url).toBeGreaterThan(20);
		expect(seen.get(`${domain}/api/health`)!.at(-1)).toBe('v2');
		expect(seen.get(`${adminName}/health`)!.at(-1)).toBe('admin-v2');
		const status = JSON.parse((await stack.run(['status', '--json'])).stdout) as {server: {routes: unknown[]}};
		expect(status.server.routes).toEqual([
			{url: `https://${domain}/`, service: 'web'}, {url: `https://${domain}/api/`, service: 'web'}, {url: `https://${adminName}/`, service: 'admin'},
		]);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	}, 300_000);
});
