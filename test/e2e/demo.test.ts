// The README's demo (test/sandbox/demo.sh), run as a user runs it but without a terminal: plain lines. The global
// setup has the sandbox up already, so the demo resets only its EC2 emulator and leaves the sandbox running (it stops
// only a sandbox it started itself); without --keep it destroys its stack and removes its A record again.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {inventory} from '../helpers/aws-inventory.js';
import {dig, readSandboxEnv, run, runScript, sandboxScripts} from '../sandbox/sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-demo-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Index of the first line matching `pattern` at or after `from` (-1 when none). */
const escape = (text: string) => text.replaceAll('.', '\\.');
const lineIndex = (lines: string[], pattern: RegExp, from = 0) => lines.findIndex((line, index) => index >= from && pattern.test(line));

describe('npm run demo', () => {
	it('runs hoist up of the routed fixture to HTTPS (the watcher waits for both names, the demo adds the records, ready, a Pebble certificate for each), then destroys the stack', async () => {
		const started = Date.now();
		const result = await run(join(sandboxScripts, 'demo.sh'), [], {env: {...process.env, HOIST_DEMO_DIR: dir}, timeoutMs: 300_000});
		const seconds = (Date.now() - started) / 1000;
		const output = result.stdout + result.stderr;
		// Kept for reading: what a user sees, and how long it took.
		writeFileSync(join(tmpdir(), 'hoist-demo-test.log'), `${output}\n(demo.sh: exit ${result.code} after ${seconds.toFixed(1)} s)\n`);
		expect(result.code, output).toBe(0);
		const sandbox = readSandboxEnv();
		const domain = sandbox.HOIST_SANDBOX_DOMAIN;
		const admin = `admin.${domain}`;
		const lines = result.stdout.split('\n');

		// The DNS watcher waits (no records), the demo adds them, the watcher sees each: in that order.
		const watching = lineIndex(lines, /▸ Wait for DNS to point at the server/);
		const name = escape(domain);
		const waiting = lineIndex(lines, new RegExp(`· authoritative ns1\\.example\\.test .* for ${name}: missing, not yet: NXDOMAIN`), watching);
		const adminWaiting = lineIndex(lines, new RegExp(`· authoritative ns1\\.example\\.test .* for ${escape(admin)}: missing, not yet: NXDOMAIN`), watching);
		const added = lineIndex(lines, new RegExp(`the demo added the A records ${name} ${escape(admin)} → ${escape(sandbox.HOIST_SANDBOX_HOST)}`), Math.max(waiting, adminWaiting));
		const ready = lineIndex(lines, new RegExp(`· ${name} is ready after \\d+ s`), added);
		const adminReady = lineIndex(lines, new RegExp(`· ${escape(admin)} is ready after \\d+ s`), added);
		const done = lineIndex(lines, /✔ Wait for DNS to point at the server \(\d/, Math.max(ready, adminReady));
		// Each found after the one before it (-1: not found in that order).
		expect([watching, waiting, adminWaiting, added, ready, adminReady, done].map((index) => index >= 0), output).toEqual([true, true, true, true, true, true, true]);
		// Waited a few rounds before the record came (the demo adds it 8 s after the watcher starts).
		expect(lines.slice(waiting, added).filter((line) => line.includes(`${domain} is not ready after`)).length).toBeGreaterThanOrEqual(3);

		// The certificate from Pebble, the https URL, the time to HTTPS.
		expect(lines.find((line) => /✔ Get and confirm the HTTPS certificate/.test(line)), output).toMatch(/Pebble Intermediate CA/);
		for (const url of [`https://${domain}/`, `https://${domain}/api/`, `https://${admin}/`]) expect(output).toContain(url);
		expect(output).toMatch(/Time to HTTPS: (\d+\.\ds|\d+m\d\ds) \(from the start of this run to the certificate\)/);
		expect(output).toMatch(/Where the \d+(\.\d)? s to HTTPS went/);

		// Then torn down: no instance (or anything else) tagged for the demo stack, the record gone, the journal says destroyed.
		expect(output).toContain('hoist destroy --yes');
		const left = await inventory(sandbox, 'demo');
		expect(left.instances).toEqual([]);
		expect(left.taggedCount).toBe(0);
		for (const left of [domain, admin]) expect((await dig(sandbox.HOIST_SANDBOX_DNS_AUTHORITATIVE.split(',')[0]!, left, 'A')).status).toBe('NXDOMAIN');
		expect(JSON.parse(readFileSync(join(dir, '.hoist', 'state.json'), 'utf8'))).toHaveProperty('destroyedAt');
		// The sandbox was up before (the global setup's): the demo left it running for the other tests.
		expect(output).toContain('The sandbox was up before the demo: left running');
		await runScript('status.sh', ['--quiet']);
	}, 320_000);
});
