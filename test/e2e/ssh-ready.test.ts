import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {AllocateAddressCommand} from '@aws-sdk/client-ec2';
import {expect, it} from 'vitest';
import {ec2For} from '../helpers/aws-inventory.js';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {rotateHostKey} from '../sandbox/sandbox.js';

const emulator = freshEmulatorPerTest();

it('a changed host key stops hoist with a security error, and the pinned key stays', async () => {
	const stack = emulator.stack({stack: 'hostkey'});
	expect((await stack.run(['up'])).code).toBe(0);
	const knownHosts = join(stack.dir, '.hoist', 'known_hosts');
	const pinned = readFileSync(knownHosts, 'utf8');

	await rotateHostKey();
	const again = await stack.run(['up']);
	expect(again.code).toBe(2);
	expect(again.stdout).toContain('✖ Wait for SSH');
	expect(again.stdout).toContain('Error: The SSH host key of 10.77.0.2 has changed; hoist did not connect.');
	expect(again.stdout).toMatch(/was pinned with SHA256:\S+ and now presents SHA256:\S+/);
	expect(again.stdout).toContain(`remove the line for 10.77.0.2 from ${knownHosts}`);
	expect(readFileSync(knownHosts, 'utf8')).toBe(pinned);
	expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
});

it('an address nothing answers on: a bounded, visible wait, then a diagnosis; the journal lets a later run resume there', async () => {
	// 10.77.0.3 lies in the sandbox network but no host has it: "no route to host", like a wrong route table.
	const unreachable = await ec2For(emulator.sandbox()).send(new AllocateAddressCommand({Domain: 'vpc', Address: '10.77.0.3'}));
	const stack = emulator.stack({stack: 'noroute', elasticIp: unreachable.AllocationId!, waitSeconds: 5});
	const started = Date.now();
	const result = await stack.run(['up', '--json']);
	expect(Date.now() - started).toBeLessThan(20_000);
	// An outside condition (the server may answer later with nothing changed here): exit 1, as logs, exec and status.
	expect(result.code).toBe(1);
	const progress = result.events.filter((event) => event['type'] === 'step-progress' && event['stepId'] === 'ssh-ready');
	expect(progress.length).toBeGreaterThan(0);
	expect(String(progress[0]?.['message'])).toMatch(/^attempt 1: no route to the host \(EHOSTUNREACH\); trying again \(\d+s left\)$/);
	const failed = result.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {code: string; message: string; hint: string}};
	expect(failed.stepId).toBe('ssh-ready');
	expect(failed.error.code).toBe('SSH_NOT_READY');
	expect(failed.error.message).toBe('SSH to alpine@10.77.0.3 did not work within 5s (last: no route to the host (EHOSTUNREACH)).');
	expect(failed.error.hint).toBe('The network has no route to 10.77.0.3.');

	const status = await stack.run(['status']);
	expect(status.stdout).toMatch(/✔ elastic-ip +done/);
	expect(status.stdout).toMatch(/✖ ssh-ready +failed/);
	expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	expect((await stack.inventory()).instances).toHaveLength(0);
});
