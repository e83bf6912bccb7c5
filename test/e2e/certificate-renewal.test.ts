// `hoist status` and a certificate's renewal over time, with real certificates: the sandbox's second Pebble
// (extras/pebble-short.sh) issues ones that live seconds, so a test can see one pass its renewal point. The shared
// Pebble and its long certificates are untouched.
import {expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {deleteDnsRecord, instancePodman, setDnsRecord, setShortPebble, type SandboxEnv} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();

interface Renewal {name: string; issuer?: string; notBefore?: string; notAfter?: string; state?: string; reason?: string; renewalWindow?: unknown; renewalWindowError?: string}

async function certificatesInStatus(stack: ReturnType<typeof emulator.stack>): Promise<Renewal[]> {
	const status = await stack.run(['status', '--json']);
	expect(status.code, status.stderr).toBe(0);
	return (JSON.parse(status.stdout) as {server: {certificates?: Renewal[]}}).server.certificates ?? [];
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function caddyContainer(sandbox: SandboxEnv, stack: string): Promise<string> {
	const id = (await instancePodman(sandbox, ['ps', '-q', '--filter', `label=com.docker.compose.project=${stack}`, '--filter', 'label=com.docker.compose.service=hoist-caddy'])).stdout.trim();
	expect(id).not.toBe('');
	return id;
}

it('hoist status: a fresh certificate without a warning; past its renewal point with the CA unreachable, the warning with Caddy\'s reason', async () => {
	const sandbox = emulator.sandbox();
	const {HOIST_SANDBOX_ACME_SHORT_DIRECTORY: directory, HOIST_SANDBOX_ACME_SHORT_ROOT: root} = sandbox;
	expect(directory, 'the short-lived Pebble runs (test/sandbox/extras/pebble-short.sh)').toBeDefined();
	const domain = `renewal-${Date.now().toString(36)}.${sandbox.HOIST_SANDBOX_DNS_ZONE}`;
	await setDnsRecord('all', domain, 'A', sandbox.HOIST_SANDBOX_HOST);
	const stack = emulator.stack({stack: 'renewal', domain, dns: [`expectAddress: ${sandbox.HOIST_SANDBOX_HOST}`], acmeDirectory: directory, acmeRoot: root});
	try {
		const up = await stack.run(['up', '--json']);
		expect(up.code, JSON.stringify(up.events.find((event) => event['type'] === 'step-failed') ?? up.stderr)).toBe(0);

		// Fresh: the certificate Caddy serves, its issuer and lifetime, and when Caddy renews it; no warning.
		const [[fresh], healthy] = await Promise.all([certificatesInStatus(stack), stack.run(['status'])]);
		expect(fresh).toMatchObject({name: domain, issuer: expect.stringMatching(/^Pebble Intermediate CA/), state: 'fine'});
		const issued = Date.parse(fresh!.notBefore!);
		const lifetime = Date.parse(fresh!.notAfter!) - issued;
		expect(lifetime / 1000).toBeCloseTo(Number(sandbox.HOIST_SANDBOX_ACME_SHORT_VALIDITY), -1);
		expect(healthy.stdout).toMatch(new RegExp(`^ {2}${domain.replaceAll('.', '\\.')}: certificate from Pebble Intermediate CA \\S+, \\d+ s left of \\d+ s \\(Caddy renews it from \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)$`, 'm'));
		expect(healthy.stdout).not.toContain('Warning');
		// Pebble 2.4's directory (read over HTTPS trusted through acme.caRoot) has no renewalInfo: no ARI window, and silence.
		expect(fresh).not.toHaveProperty('renewalWindow');
		expect(fresh).not.toHaveProperty('renewalWindowError');
		expect(healthy.stdout).not.toContain('renewal window');

		// The CA goes away. Caddy looks at its certificates every 10 min, and at once when it starts: restarted past the
		// renewal point (a third of the life left), it finds the certificate due and cannot reach the CA.
		await setShortPebble('stop');
		await sleepUntil(issued + lifetime * (2 / 3) + 500);
		const caddy = await caddyContainer(sandbox, 'renewal');
		await instancePodman(sandbox, ['restart', '--time', '1', caddy]);
		const caddyLog = async () => (await instancePodman(sandbox, ['logs', caddy])).stderr;
		await expect.poll(caddyLog, {timeout: 5_000, interval: 250}).toContain('could not get certificate from issuer');

		// A quarter of the life left: for hoist, renewal is overdue (Caddy should have renewed a twelfth of the life ago).
		// Expired is the same warning: a slow machine may get there before status reads the certificate.
		await sleepUntil(issued + lifetime * 0.75 + 500);
		const [[overdue], warned] = await Promise.all([certificatesInStatus(stack), stack.run(['status'])]);
		expect(overdue).toMatchObject({name: domain, notAfter: fresh!.notAfter, state: expect.stringMatching(/^(overdue|expired)$/), reason: expect.stringContaining('connection refused')});
		expect(warned.stdout).toContain(`  ${domain}: certificate from ${fresh!.issuer}, `);
		expect(warned.stdout).toMatch(/^ {4}Warning: renewal looks overdue: Caddy should have renewed it (\d+ s ago, at a third of its life left|a third of its life before it expired)\.$/m);
		// The CA's directory does not answer either: the one quiet line, and the judgement by the lifetime stands.
		expect(overdue!.renewalWindowError).toMatch(/ECONNREFUSED/);
		expect(warned.stdout).toMatch(/^ {4}\(the CA's renewal window could not be read: .*ECONNREFUSED.*; judged by the lifetime alone\)$/m);
		expect(warned.stdout).toMatch(new RegExp(`^ {4}Caddy's log: .*${directory!.replaceAll('.', '\\.').replaceAll('/', '\\/')}.*connection refused`, 'm'));
	} finally {
		await Promise.all([setShortPebble('start'), stack.run(['destroy', '--yes']).then(() => deleteDnsRecord('all', domain, 'A'))]);
	}
}, 120_000);
