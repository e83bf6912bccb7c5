// A release moves a service's routes by rewriting its upstream file (routeUpstream), not by reloading Caddy. Here the
// current Caddy the sandbox's caddy image is built from serves the Caddyfile hoist renders, on loopback, while the
// shell line a release runs on the server switches the upstream file between two backends again and again under
// visitors on fresh connections: every request is answered, by both backends in turn, and no reload happens at all
// (the admin endpoint is off). A reload of Caddy 2.7 and later drops a connection now and then; a file does not.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {renderCaddyfile, routeUpstream, upstreamsInContainer} from '../../source/server/caddyfile.js';
import {upstreamsLine} from '../../source/server/commands/upstreams.js';
import {stackPaths} from '../../source/server/layout.js';
import {run, sandboxCaddy} from '../sandbox/sandbox.js';

const backends = ['127.0.0.1', '127.0.0.2'];
let dir: string;
let caddyPort: number;
let backendPort: number;
let caddy: ChildProcess | undefined;
const servers: http.Server[] = [];

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

/** The line a release runs on the server, with the stack's upstream directory moved into the test's own. */
async function point(host: string): Promise<void> {
	const line = upstreamsLine('shop', {web: host}).replaceAll(stackPaths('shop').caddyUpstreams, path.join(dir, 'upstreams'));
	const result = await run('sh', ['-c', line]);
	expect(result.code, result.stderr).toBe(0);
}

function get(): Promise<string> {
	return new Promise((resolve, reject) => {
		const request = http.get({host: '127.0.0.1', port: caddyPort, path: '/', agent: false, timeout: 5_000}, (response) => {
			let body = '';
			response.on('data', (chunk: Buffer) => (body += chunk.toString()));
			response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${response.statusCode} ${body}`))));
		});
		request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
		request.on('error', reject);
	});
}

beforeAll(async () => {
	dir = mkdtempSync(path.join(tmpdir(), 'hoist-upstream-'));
	mkdirSync(path.join(dir, 'upstreams'));
	[caddyPort, backendPort] = [await freePort(), await freePort()];
	for (const host of backends) {
		const server = http.createServer((_request, response) => response.end(host));
		await new Promise<void>((resolve) => server.listen(backendPort, host, resolve));
		servers.push(server);
	}
	const rendered = renderCaddyfile({stack: 'shop', address: '127.0.0.1', addressRoutes: [{upstream: routeUpstream('web', backendPort), stripPrefix: false}], acme: {directory: 'https://acme.example.test/dir', caRoot: false}, sites: []});
	const caddyfile = rendered
		.replace('admin localhost:2019', 'admin off')
		.replace('http://127.0.0.1 {', `http://127.0.0.1:${caddyPort} {`)
		.replaceAll(upstreamsInContainer, path.join(dir, 'upstreams'));
	expect(caddyfile).toContain(`reverse_proxy {file.${path.join(dir, 'upstreams')}/web}:${backendPort}`);
	writeFileSync(path.join(dir, 'Caddyfile'), caddyfile);
	await point(backends[0]!);
	caddy = spawn(sandboxCaddy, ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {stdio: 'ignore', env: {...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir}});
	for (let tries = 0; ; tries++) {
		if (await get().then(() => true, () => false)) break;
		if (tries > 100) throw new Error('Caddy did not answer within 10 s');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
});

afterAll(async () => {
	caddy?.kill();
	for (const server of servers) server.close();
	rmSync(dir, {recursive: true, force: true});
});

describe('a service\'s routes moved by its upstream file', () => {
	it('60 switches between two backends under 10 visitors on fresh connections: no request fails, each switch takes the next request', async () => {
		let running = true;
		const failures: string[] = [];
		const answeredBy = new Map<string, number>();
		const visitors = Array.from({length: 10}, async () => {
			while (running) {
				await get().then(
					(body) => answeredBy.set(body, (answeredBy.get(body) ?? 0) + 1),
					(error: Error) => failures.push(error.message),
				);
			}
		});
		for (let switches = 1; switches <= 60; switches++) {
			await point(backends[switches % 2]!);
			// The next request after the rename goes to the backend the file names now.
			expect(await get()).toBe(backends[switches % 2]);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		running = false;
		await Promise.all(visitors);
		const answered = [...answeredBy.values()].reduce((sum, count) => sum + count, 0);
		console.log(`upstream file switches: 60, requests answered: ${answered}, failed: ${failures.length}`);
		expect(failures).toEqual([]);
		expect([...answeredBy.keys()].sort()).toEqual(backends);
		expect(answered).toBeGreaterThan(500);
	});
});
