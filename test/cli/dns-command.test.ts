import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {Journal} from '../../source/engine/journal.js';
import {Redactor} from '../../source/engine/redactor.js';
import type {Target} from '../../source/remote/target.js';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack, minimalConfig, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack;
beforeEach(() => {
	// Resolvers that do not exist: a DNS question sent anyway would fail loudly, never leave the machine.
	stack = makeTempStack(minimalConfig({extra: 'dns:\n  resolvers: [127.0.0.1]\n  publicResolvers: []\n'}));
});
afterEach(() => stack.cleanup());

function recordTarget(publicAddress: string): void {
	mkdirSync(`${stack.dir}/.hoist`, {recursive: true, mode: 0o700}); // as hoist makes it: no note about tightening it
	const journal = Journal.open(stack.journal, 'demo', new Redactor());
	journal.beginRun('up');
	const privateKeyPath = `${stack.dir}/.hoist/id_ed25519`;
	// What `hoist up` records on AWS: the target step reads the AWS steps' records, asking AWS nothing.
	const records: Record<string, object> = {
		'key-pair': {keyName: 'hoist-demo', keyPairId: 'key-0abc', privateKeyPath, generated: true},
		'launch-instance': {instanceId: 'i-0abc', availabilityZone: 'us-east-1a', privateIp: '172.31.0.10'},
		'elastic-ip': {allocationId: 'eipalloc-0abc', publicIp: publicAddress, ownedByHoist: true},
		target: {kind: 'aws', host: publicAddress, port: 22, user: 'alpine', privateKeyPath, identity: 'i-0abc', publicAddress} satisfies Target,
	};
	for (const [id, outputs] of Object.entries(records)) {
		journal.startStep(id);
		journal.finishStep(id, outputs, 5, false);
	}
	journal.endRun('ok');
}

it('hoist dns without a server yet: says so, exit 2, and points at hoist up', async () => {
	const result = await runCli(['dns'], {cwd: stack.dir});
	expect(result.code).toBe(2);
	// Refused before the screen starts, like every refusal before .hoist/ is touched.
	expect(result.stderr).toContain('This stack has no server yet: nothing to point DNS at.');
	expect(result.stderr).toContain('Run `hoist up` first');
});

it('hoist dns for a server on a private address: the target from the journal, the watch skipped with the reason, no question asked', async () => {
	recordTarget('10.77.0.2');
	const result = await runCli(['dns', '--json'], {cwd: stack.dir});
	expect(result.code, result.stdout + result.stderr).toBe(0);
	const started = result.events[0] as {command: string; steps: Array<{id: string; view?: string}>};
	expect(started).toMatchObject({command: 'dns', steps: [{id: 'target'}, {id: 'dns', view: 'dns-watcher'}]});
	expect(result.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], event['reused']])).toEqual([['target', true], ['dns', false]]);
	const dns = result.events.find((event) => event['type'] === 'step-done' && event['stepId'] === 'dns');
	expect(String(dns?.['summary'])).toMatch(/^skipped: 10\.77\.0\.2 is not a public address \(private \(RFC 1918\)\): Let's Encrypt cannot reach it, so hoist skips the DNS and certificate steps \(for HTTPS: set acme\.directory to an ACME CA on the same network, such as step-ca, or dns\.expectAddress/);
	expect(result.events.some((event) => event['type'] === 'step-detail')).toBe(false);
});

it('hoist dns for a server on a private address with an ACME CA on a private network: watched without dns.expectAddress, saying why', async () => {
	writeFileSync(stack.config, `${readFileSync(stack.config, 'utf8')}  timeoutMinutes: 0.03\nacme:\n  directory: https://10.77.0.1:14000/dir\n`);
	recordTarget('10.77.0.2');
	const result = await runCli(['dns', '--json'], {cwd: stack.dir});
	// No resolver answers on 127.0.0.1: the watch gives up after 2 s, having watched (not skipped) the private address.
	expect(result.code, result.stdout + result.stderr).toBe(2);
	const logs = result.events.filter((event) => event['type'] === 'step-log').map((event) => String(event['line']));
	expect(logs).toEqual([expect.stringMatching(/^10\.77\.0\.2 is not a public address \(private \(RFC 1918\)\), but the ACME CA at 10\.77\.0\.1:14000 is on a private network too \(10\.77\.0\.1 is private \(RFC 1918\)\) and can reach it/)]);
	expect(result.events.find((event) => event['type'] === 'step-failed')).toMatchObject({stepId: 'dns', error: {code: 'DNS_NOT_READY'}});
	const summary = result.events.find((event) => event['type'] === 'step-detail' && (event['detail'] as {kind: string}).kind === 'dns-summary');
	expect((summary?.['detail'] as {data: unknown}).data).toMatchObject({record: {type: 'A', name: 'app.example.test', value: '10.77.0.2'}});
});

it('a domain written in capitals with the trailing dot and a quoted port, as compose files have them: accepted, the normalised name said once before the run and the one watched', async () => {
	writeFileSync(stack.config, readFileSync(stack.config, 'utf8').replace('domain: app.example.test', 'domain: App.Example.TEST.').replace('  port: 8080', '  port: "8080"').replace('  publicResolvers: []', '  publicResolvers: []\n  expectAddress: 10.77.0.2\n  timeoutMinutes: 0.03'));
	recordTarget('10.77.0.2');
	const result = await runCli(['dns', '--json'], {cwd: stack.dir});
	// No resolver answers on 127.0.0.1, so the watch gives up after 2 s: what matters here is the name it watched.
	expect(result.code).toBe(2);
	const messages = result.events.filter((event) => event['type'] === 'message').map((event) => event['lines']);
	expect(messages).toEqual([['hoist.yml:2:9: "App.Example.TEST." is app.example.test (DNS names ignore case, and a trailing dot is the same name): hoist uses this form for Caddy, DNS and the certificate.']]);
	const watched = result.events.filter((event) => event['type'] === 'step-detail').map((event) => (event['detail'] as {data: {name: string; record: {name: string}}}).data);
	expect(watched.length).toBeGreaterThan(0);
	expect(watched.every((detail) => detail.name === 'app.example.test' && detail.record.name === 'app.example.test')).toBe(true);
	expect(result.stdout.match(/App\.Example/g)).toHaveLength(1);
});
