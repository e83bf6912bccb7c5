// The DNS watcher and the certificate end to end: the real CLI against the sandbox's EC2 emulator, instance, knot
// (ns1/ns2), unbound (r1–r3 as public resolvers, the bootstrap resolver) and Pebble. The stacks use names unique to
// this file (the sandbox's own app.example.test stays untouched); their records are removed afterwards.
import {existsSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {freshEmulatorPerTest, type E2eStack} from '../helpers/e2e-stack.js';
import {readTrace} from '../helpers/stack-host.js';
import {
	deleteDnsRecord, flushResolvers, instancePodman, queriesSince, queryLogMark, run, setDnsRecord, type DnsServer, type SandboxEnv,
} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();
const tag = Date.now().toString(36);
const zone = 'example.test';
const made: string[] = [];

/** A name unique to this run, removed afterwards. */
function fresh(label: string): string {
	const name = `${label}-${tag}.${zone}`;
	made.push(name, `www.${name}`);
	return name;
}

afterAll(async () => {
	for (const name of made) await deleteDnsRecord('auth', name, 'A');
	await flushResolvers('all');
});

type Event = Record<string, unknown>;
type Summary = {kind: 'dns-summary'; name: string; state: string; round: number; at: number; nextPollAt?: number; negativeTtl?: number; missing: Array<{code: string; server?: string; message: string}>};
type Row = {kind: 'dns-server'; name: string; role: string; server: string; status: string; round: number};

/** A step-detail event's facts: its kind and its data. */
const detail = (event: Event) => {
	const {kind, data} = event['detail'] as {kind: string; data: object};
	return {kind, ...data} as Summary | Row | {kind: string; id?: string; note?: string};
};
const isSummary = (event: Event, name: string): boolean =>
	event['type'] === 'step-detail' && event['stepId'] === 'dns' && detail(event).kind === 'dns-summary' && (detail(event) as Summary).name === name;
const summaryOf = (event: Event) => detail(event) as Summary;

/** Pebble's log from a byte offset on: what reached the CA. */
function pebbleLog(sandbox: SandboxEnv, from = 0): string {
	return readFileSync(join(sandbox.HOIST_SANDBOX_DIR, 'run', 'pebble.log')).subarray(from).toString('utf8');
}
const pebbleSize = (sandbox: SandboxEnv) => statSync(join(sandbox.HOIST_SANDBOX_DIR, 'run', 'pebble.log')).size;
const orders = (text: string) => text.split('\n').filter((line) => /order-plz|new-order/i.test(line));

/** HTTPS as a browser would do it, with the name resolved to the instance in the client (curl --resolve) and Pebble's root trusted. */
async function browse(sandbox: SandboxEnv, name: string): Promise<{status: number; location: string; body: string; issuer: string}> {
	const result = await run('curl', [
		'-sS', '--max-time', '10', '--resolve', `${name}:443:${sandbox.HOIST_SANDBOX_HOST}`, '--cacert', sandbox.HOIST_SANDBOX_ACME_ROOT,
		'--write-out', '\n@@%{http_code} %{redirect_url}', `https://${name}/`,
	]);
	expect(result.code, result.stderr).toBe(0);
	const marker = result.stdout.lastIndexOf('\n@@');
	const [status = '0', location = ''] = result.stdout.slice(marker + 3).trim().split(' ');
	const issuer = await run('sh', ['-c', `echo | openssl s_client -connect ${sandbox.HOIST_SANDBOX_HOST}:443 -servername ${name} 2>/dev/null | openssl x509 -noout -issuer`]);
	return {status: Number(status), location, body: result.stdout.slice(0, marker), issuer: issuer.stdout.trim()};
}

async function caddyStartedAt(sandbox: SandboxEnv, stack: string): Promise<string> {
	const id = (await instancePodman(sandbox, ['ps', '-q', '--filter', `label=com.docker.compose.project=${stack}`, '--filter', 'label=com.docker.compose.service=hoist-caddy'])).stdout.trim();
	expect(id).not.toBe('');
	return (await instancePodman(sandbox, ['inspect', '--format', '{{.State.StartedAt}}', id])).stdout.trim();
}

const caddyfileOnServer = (stack: string) => readFileSync(`/srv/hoist/${stack}/hoist-caddy/Caddyfile`, 'utf8');

async function destroy(stack: E2eStack): Promise<void> {
	expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
}

describe('DNS watched, then the certificate from Pebble', () => {
	it('record absent, then on ns1 only (ns2 named as lagging), then on both: ready within one poll; Caddy reloaded; certificate confirmed; https answers from web', async () => {
		const sandbox = emulator.sandbox();
		const host = sandbox.HOIST_SANDBOX_HOST;
		const domain = fresh('cert');
		const alias = `www.${domain}`;
		const stack = emulator.stack({stack: 'certs', domain, aliases: [alias], dns: [`expectAddress: ${host}`, 'timeoutMinutes: 3']});
		await flushResolvers('all');
		const mark = await queryLogMark();
		const pebbleAtStart = pebbleSize(sandbox);
		const trace = join(stack.dir, 'trace.jsonl');

		const up = stack.start(['up', '--json'], {HOIST_SSH_TRACE: trace});
		const first = await up.waitForEvent((event) => isSummary(event, domain) && summaryOf(event).state === 'waiting');
		const absent = summaryOf(first);
		expect(absent.negativeTtl).toBe(30);
		expect(absent.missing.map((m) => [m.code, m.server])).toEqual([['DNS_NXDOMAIN', `ns1.${zone}`], ['DNS_NXDOMAIN', `ns2.${zone}`]]);
		expect(String(first['line'])).toContain('resolvers may cache its absence for up to 30 s');
		// Deployed and serving HTTP, but no site block for the domain yet: nothing has asked the CA.
		expect(caddyfileOnServer('certs')).not.toContain(domain);
		const caddyStarted = await caddyStartedAt(sandbox, 'certs');

		await setDnsRecord('ns1', domain, 'A', host);
		await setDnsRecord('ns1', alias, 'A', host);
		const lagging = summaryOf(await up.waitForEvent((event) => isSummary(event, domain) && summaryOf(event).state === 'waiting' && summaryOf(event).missing.length === 1));
		expect(lagging.missing).toEqual([expect.objectContaining({code: 'DNS_NXDOMAIN', server: `ns2.${zone}`})]);
		for (const resolver of ['r1', 'r2', 'r3'] as DnsServer[]) expect(await queriesSince(mark, resolver, {name: domain}), resolver).toEqual([]);

		const interval = (lagging.nextPollAt ?? lagging.at) - lagging.at;
		await setDnsRecord('ns2', domain, 'A', host);
		await setDnsRecord('ns2', alias, 'A', host);
		const changedAt = Date.now();
		const ready = await up.waitForEvent((event) => isSummary(event, domain) && summaryOf(event).state === 'ready');
		const delay = Number(ready['at']) - changedAt;
		// Within one poll: the wait in force when the change landed, plus one round (a few ms here).
		expect(delay).toBeLessThanOrEqual(interval + 1500);
		const pebbleWhenReady = pebbleSize(sandbox);

		const result = await up.done;
		const failure = result.events.find((event) => event['type'] === 'step-failed');
		expect(result.code, JSON.stringify(failure ?? result.stderr, null, 2)).toBe(0);

		// No ACME order before DNS was ready; orders once the domain block was in.
		expect(orders(pebbleLog(sandbox, pebbleAtStart).slice(0, pebbleWhenReady - pebbleAtStart))).toEqual([]);
		expect(orders(pebbleLog(sandbox, pebbleWhenReady)).length).toBeGreaterThan(0);
		// The public resolvers were first asked once the authoritative servers agreed.
		for (const resolver of ['r1', 'r2', 'r3'] as DnsServer[]) {
			const asked = await queriesSince(mark, resolver, {name: domain});
			expect(asked.length, resolver).toBeGreaterThan(0);
			expect(Math.min(...asked.map((q) => q.at)), resolver).toBeGreaterThanOrEqual(Math.floor(changedAt / 1000) * 1000);
		}
		const rows = result.events.filter((event) => event['type'] === 'step-detail' && detail(event).kind === 'dns-server').map((event) => detail(event) as Row);
		const lastRound = Math.max(...rows.filter((r) => r.name === domain).map((r) => r.round));
		expect(rows.filter((r) => r.name === domain && r.round === lastRound).map((r) => [r.role, r.status])).toEqual([
			['authoritative', 'ok'], ['authoritative', 'ok'], ['public', 'current'], ['public', 'current'], ['public', 'current'],
		]);

		// The domain block came by a reload: the same Caddy container, not restarted.
		expect(caddyfileOnServer('certs')).toContain(`\n${domain} {\n\treverse_proxy {file./etc/caddy/upstreams/web}:8080 {\n\t\tlb_try_duration 5s\n\t}\n}\n`);
		expect(caddyfileOnServer('certs')).toContain(`\n${alias} {\n\tredir https://${domain}{uri} permanent\n}\n`);
		expect(await caddyStartedAt(sandbox, 'certs')).toBe(caddyStarted);
		const done = result.events.find((event) => event['type'] === 'step-done' && event['stepId'] === 'certificate')!;
		expect(String(done['summary'])).toMatch(new RegExp(`^Pebble Intermediate CA [0-9a-f]+ for ${domain.replaceAll('.', '\\.')}, www\\.`));
		// The finish facts as one JSON event: the URL, the issuer, and how long HTTPS took in this run.
		const finish = result.events.find((event) => event['type'] === 'finish') as {url: string; https: boolean; certificate: {issuer: string}; httpsAfterMs: number};
		expect(finish.url).toBe(`https://${domain}/`);
		expect(finish.https).toBe(true);
		expect(finish.certificate.issuer).toMatch(/^Pebble Intermediate CA/);
		expect(finish.httpsAfterMs).toBeGreaterThan(0);
		expect(readTrace(trace).filter((entry) => entry.type === 'connect')).toHaveLength(1);

		const page = await browse(sandbox, domain);
		expect(page.status).toBe(200);
		expect(page.body).toContain('hoist fixture app v1');
		expect(page.issuer).toMatch(/Pebble Intermediate CA/);
		const redirect = await browse(sandbox, alias);
		expect([301, 308]).toContain(redirect.status);
		expect(redirect.location).toBe(`https://${domain}/`);

		// A second hoist up keeps the domain block and asks nothing new of anyone.
		const again = await stack.run(['up', '--json']);
		expect(again.code, again.stdout).toBe(0);
		const ran = again.events.filter((event) => event['type'] === 'step-done' && event['reused'] !== true).map((event) => event['stepId']);
		expect(ran).toEqual(['compose', 'preflight']);
		expect(caddyfileOnServer('certs')).toContain(`\n${domain} {`);

		// hoist dns on its own: the journal's address, the watch, no SSH.
		const alone = join(stack.dir, 'alone.jsonl');
		const watched = await stack.run(['dns', '--json'], {HOIST_SSH_TRACE: alone});
		expect(watched.code, watched.stdout).toBe(0);
		expect((watched.events[0] as {steps: Array<{id: string}>}).steps.map((s) => s.id)).toEqual(['target', 'dns']);
		expect(watched.events.find((event) => isSummary(event, domain) && summaryOf(event).state === 'ready')).toBeDefined();
		expect(watched.events.find((event) => event['type'] === 'message')).toMatchObject({lines: [`DNS is right, and https://${domain}/ has its certificate.`]});
		expect(existsSync(alone) ? readTrace(alone) : []).toEqual([]);

		await destroy(stack);
	});

	it('while the record points elsewhere no ACME order reaches Pebble (its log), and hoist up stops at the DNS step; fixed, it resumes there', async () => {
		const sandbox = emulator.sandbox();
		const host = sandbox.HOIST_SANDBOX_HOST;
		const domain = fresh('away');
		await setDnsRecord('auth', domain, 'A', '10.77.0.9');
		const stack = emulator.stack({stack: 'away', domain, dns: [`expectAddress: ${host}`, 'timeoutMinutes: 0.2']});
		const pebbleAtStart = pebbleSize(sandbox);

		const failed = await stack.run(['up', '--json']);
		expect(failed.code, failed.stdout).toBe(2);
		const stop = failed.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {code: string; message: string; nextSteps: Array<{text: string; command?: string}>}};
		expect(stop.stepId).toBe('dns');
		expect(stop.error.code).toBe('DNS_NOT_READY');
		expect(stop.error.message).toMatch(new RegExp(`^DNS for ${domain.replaceAll('.', '\\.')} is not ready after \\d+ s: ns1\\.example\\.test still answers 10\\.77\\.0\\.9`));
		expect(stop.error.nextSteps).toContainEqual({text: 'When it is fixed, run `hoist up` again: it resumes at this step.', command: 'hoist up'});
		expect(stop.error.nextSteps).toContainEqual({text: 'Meanwhile `hoist dns` shows what each server answers.', command: 'hoist dns'});
		const last = summaryOf(failed.events.filter((event) => isSummary(event, domain)).at(-1)!);
		expect(last.state).toBe('timeout');
		expect(orders(pebbleLog(sandbox, pebbleAtStart))).toEqual([]);
		expect(caddyfileOnServer('away')).not.toContain(domain);

		await setDnsRecord('auth', domain, 'A', host);
		const fixed = await stack.run(['up', '--json']);
		expect(fixed.code, fixed.stdout).toBe(0);
		const ran = fixed.events.filter((event) => event['type'] === 'step-done' && event['reused'] !== true).map((event) => event['stepId']);
		// The DNS step's check finds DNS right now (done, without waiting); the certificate step does its work.
		expect(ran).toEqual(['compose', 'preflight', 'certificate']);
		expect(fixed.events.find((event) => event['type'] === 'step-done' && event['stepId'] === 'dns')).toMatchObject({reused: true});
		expect(orders(pebbleLog(sandbox, pebbleAtStart)).length).toBeGreaterThan(0);
		expect((await browse(sandbox, domain)).status).toBe(200);
		await destroy(stack);
	});

	it('when Caddy cannot get a certificate, its log (read over SSH) says why, and the step explains it with the next step', async () => {
		const sandbox = emulator.sandbox();
		const host = sandbox.HOIST_SANDBOX_HOST;
		const domain = fresh('noca');
		await setDnsRecord('auth', domain, 'A', host);
		// DNS is right, but the CA's directory is a port where nothing listens: Caddy's requests are refused.
		const directory = 'https://10.77.0.1:14001/dir';
		const stack = emulator.stack({stack: 'noca', domain, acmeDirectory: directory, dns: [`expectAddress: ${host}`, 'timeoutMinutes: 1']});
		const started = Date.now();
		const result = await stack.run(['up', '--json']);
		expect(result.code, result.stdout).toBe(1);
		expect(Date.now() - started).toBeLessThan(120_000); // explained from the log, not after the whole wait
		const stop = result.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {code: string; message: string; output: string; command: string; nextSteps: Array<{text: string; command?: string}>}};
		expect(stop.stepId).toBe('certificate');
		expect(stop.error).toMatchObject({
			code: 'CERTIFICATE_TIMEOUT',
			message: `Caddy could not reach the ACME CA at 10.77.0.1:14001 (${directory}).`,
			command: `caddy: obtain a certificate for ${domain}`,
		});
		expect(stop.error.output).toMatch(/10\.77\.0\.1:14001.*connection refused/);
		expect(stop.error.nextSteps[0]?.text).toContain(`Check that the server can reach ${directory}`);
		// DNS was right: the domain block stays, and Caddy keeps trying on its own.
		expect(caddyfileOnServer('noca')).toContain(`\n${domain} {`);
		await destroy(stack);
	});
});
