// Zero downtime in a soak: ten `hoist deploy`s in a row under a steady stream of visitors through Caddy, over HTTPS
// (Pebble's certificate for a name of this file's own) and over plain HTTP to the server's address at the same time.
// About 4 minutes; its own timeout below.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {freshEmulatorPerTest, type E2eStack} from '../helpers/e2e-stack.js';
import {plainGet, requestLoops, secureGet} from '../helpers/request-loop.js';
import {deleteDnsRecord, flushResolvers, instancePodman, run, setDnsRecord, type SandboxEnv} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();
const domain = `soak-${Date.now().toString(36)}.example.test`;

afterAll(async () => {
	await deleteDnsRecord('auth', domain, 'A');
	await flushResolvers('all');
});

/** The order the issue measured 14 failed requests in: every swap, from every version to every other. */
const versions = ['v2', 'v1', 'v3', 'v1', 'v2', 'v3', 'v2', 'v1', 'v3', 'v1'];
/** HTTPS as a browser does it: the name in SNI and Host, Pebble's root trusted, the name resolved to the server. */
const secureHealth = (sandbox: SandboxEnv) => secureGet(sandbox.HOIST_SANDBOX_HOST, domain, '/health', readFileSync(sandbox.HOIST_SANDBOX_ACME_ROOT));

async function ok(stack: E2eStack, args: string[]) {
	const result = await stack.run([...args, '--json']);
	const failure = result.events.find((event) => event['type'] === 'step-failed');
	expect(result.code, JSON.stringify(failure ?? result.stderr, null, 2)).toBe(0);
	return result;
}

describe('zero downtime in a soak', () => {
	it('ten deploys in a row (v2 v1 v3 v1 v2 v3 v2 v1 v3 v1) under 20 requests/s over HTTPS and 20 over HTTP: not one failed', async () => {
		const sandbox = emulator.sandbox();
		const host = sandbox.HOIST_SANDBOX_HOST;
		await setDnsRecord('auth', domain, 'A', host);
		await flushResolvers('all');
		const stack = emulator.stack({stack: 'soak', domain, dns: [`expectAddress: ${host}`, 'timeoutMinutes: 3']});
		writeFileSync(join(stack.dir, 'hoist.yml'), readFileSync(join(stack.dir, 'hoist.yml'), 'utf8').replace('  port: 8080\n', '  port: 8080\n  healthPath: /health\n'));
		await ok(stack, ['up']);
		expect((await secureHealth(sandbox)()).status).toBe(200);
		// Caddy's reloads hand waiting connections to the new listener instead of resetting them (see renderOverlay).
		expect(readFileSync('/srv/hoist/soak/compose.hoist.yml', 'utf8')).toContain('net.ipv4.tcp_migrate_req: 1');
		const caddy = (await instancePodman(sandbox, ['ps', '-q', '--filter', 'label=com.docker.compose.project=soak', '--filter', 'label=com.docker.compose.service=hoist-caddy'])).stdout.trim();
		const pid = (await instancePodman(sandbox, ['inspect', '--format', '{{.State.Pid}}', caddy])).stdout.trim();
		expect((await run('nsenter', ['-t', pid, '-n', 'cat', '/proc/sys/net/ipv4/tcp_migrate_req'])).stdout.trim(), `Caddy ${caddy} pid ${pid}`).toBe('1');
		// The Caddy that serves the visitors below (the sandbox's stand-in image, or whatever HOIST_SANDBOX_IMAGE_CADDY names).
		const servingCaddy = (await instancePodman(sandbox, ['exec', caddy, 'caddy', 'version'])).stdout.trim();
		expect(servingCaddy).toMatch(/^v?2\./);

		const secure = requestLoops({https: secureHealth(sandbox)});
		const plain = requestLoops({http: plainGet(host, '/health')});
		const started = Date.now();
		const progress: Array<{at: number; message: string}> = [];
		for (const version of versions) {
			writeFileSync(join(stack.dir, '.env'), `WEB_TAG=${version}\n`);
			const deployed = await ok(stack, ['deploy']);
			progress.push(...deployed.events.filter((event) => event['type'] === 'step-progress').map((event) => ({at: Number(event['at']), message: String(event['message'])})));
		}
		const seen = {https: await secure.stop(), http: await plain.stop()};
		console.log(`soak: ${versions.length} deploys in ${Math.round((Date.now() - started) / 1000)} s; HTTPS ${seen.https.failures.length} of ${seen.https.sent} requests failed, HTTP ${seen.http.failures.length} of ${seen.http.sent}`);
		// What the deploy was doing when a request was sent: the step it had last said it was at. The slowest answer is
		// printed too: a request Caddy held through lb_try_duration would show there, not as a failure.
		const during = (line: string) => progress.filter((entry) => entry.at <= Date.parse(line.slice(0, 24))).at(-1)?.message ?? 'before the first deploy';
		for (const [label, {slowest}] of Object.entries(seen)) console.log(`soak: slowest ${label} answer ${slowest.ms} ms (${slowest.at} — during: ${during(slowest.at)})`);
		for (const failure of [...seen.https.failures, ...seen.http.failures]) console.log(`${failure} — during: ${during(failure)}`);
		// The one fault the sandbox's Caddy has and the image hoist deploys does not: Debian's Caddy 2.6 loads its
		// certificates from storage only after a reloaded server already listens, so a handshake in that window gets a
		// TLS "internal error" alert (caddyserver/caddy#5589, fixed in 2.7 by #5623; `caddy:2` is newer). It is seen
		// at most about once per soak; it is allowed once, only when the Caddy that served is older than 2.7, and
		// printed; anything else, or more of it, fails. The sandbox's image is built from Debian 12's package (2.6.2): a
		// newer Caddy (trixie-backports' 2.11.2, tried) drops a connection now and then on a reload, which this soak
		// then fails on (2 of 3,088 HTTPS requests) — a fault of the swap on today's `caddy:2`, open (README).
		const oldCaddy = /^v?2\.[0-6]\./.test(servingCaddy);
		const knownCaddyFault = oldCaddy ? seen.https.failures.filter((failure) => /alert internal error/i.test(failure)).slice(0, 1) : [];
		if (knownCaddyFault.length > 0) console.log(`soak: allowed once on the serving Caddy ${servingCaddy} (caddyserver/caddy#5589): ${knownCaddyFault[0]}`);
		expect(seen.https.failures.filter((failure) => !knownCaddyFault.includes(failure))).toEqual([]);
		expect(seen.http.failures).toEqual([]);
		expect(seen.https.sent).toBeGreaterThan(versions.length * 100);
		expect(JSON.parse((await secureHealth(sandbox)()).body)).toMatchObject({version: 'v1'});
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	}, 15 * 60_000);
});
