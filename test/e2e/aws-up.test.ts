import {existsSync, readFileSync, rmSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';

const emulator = freshEmulatorPerTest();

const doneSteps = ['compose', 'preflight', 'ami', 'key-pair', 'security-group', 'launch-instance', 'elastic-ip', 'target', 'ssh-ready', 'bootstrap', 'registry-login', 'upload', 'deploy', 'dns', 'certificate'];

describe('hoist up against the EC2 emulator and the sandbox host', () => {
	it.each([
		['t3.micro', 'x86_64 UEFI', 'alpine-3.23.2-x86_64-uefi-tiny-r0', 'x86_64'],
		['t4g.micro', 'arm64 (Graviton)', 'alpine-3.23.2-aarch64-uefi-tiny-r0', 'arm64'],
		['t2.micro', 'x86_64 legacy BIOS only', 'alpine-3.23.2-x86_64-bios-tiny-r0', 'x86_64'],
	])('%s (%s): one instance, group, key pair and address, all tagged; the checked Alpine line; SSH as alpine works', async (instanceType, _what, imageName, architecture) => {
		const stack = emulator.stack({stack: `up-${instanceType.replace('.', '-')}`, instanceType});
		const result = await stack.run(['up', '--json']);
		expect(result.stderr).toBe('');
		expect(result.code, result.stdout + result.stderr).toBe(0);
		const done = result.events.filter((event) => event['type'] === 'step-done').map((event) => event['stepId']);
		expect(done).toEqual(doneSteps);

		const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as {steps: Record<string, {outputs: Record<string, string>}>};
		expect(journal.steps['ami']?.outputs).toMatchObject({name: imageName, architecture});

		const held = await stack.inventory();
		expect(held.instances).toHaveLength(1);
		const [instance] = held.instances;
		expect(instance).toMatchObject({state: 'running', instanceType, publicIp: '10.77.0.2', keyName: `hoist-${stack.name}`});
		expect(instance?.tags).toMatchObject({'hoist:stack': stack.name, Name: `hoist-${stack.name}`});
		expect(held.securityGroups).toEqual([{id: expect.any(String), name: `hoist-${stack.name}`, rules: 7}]);
		expect(held.keyPairs).toEqual([`hoist-${stack.name}`]);
		expect(held.addresses).toEqual([{allocationId: emulator.sandbox().HOIST_SANDBOX_EIP_ALLOCATION_ID, publicIp: '10.77.0.2', instanceId: instance?.id, tagged: false}]);

		// SSH really worked: the host key of the sandbox host is pinned, and the private key stayed private.
		const hostKey = readFileSync(emulator.sandbox().HOIST_SANDBOX_HOST_KEY, 'utf8').split(' ')[1];
		expect(readFileSync(join(stack.dir, '.hoist', 'known_hosts'), 'utf8')).toContain(`10.77.0.2 ssh-ed25519 ${hostKey} instance=${instance?.id}`);
		expect(statSync(join(stack.dir, '.hoist', 'id_ed25519')).mode & 0o777).toBe(0o600);

		const destroy = await stack.run(['destroy', '--yes']);
		expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
		const after = await stack.inventory();
		expect(after.taggedCount).toBe(0);
		// The user's own Elastic IP survives, detached.
		expect(after.addresses).toEqual([{allocationId: emulator.sandbox().HOIST_SANDBOX_EIP_ALLOCATION_ID, publicIp: '10.77.0.2', tagged: false}]);
		expect(existsSync(join(stack.dir, '.hoist', 'id_ed25519'))).toBe(false);
	});

	it('a second `hoist up` finds every step done (only the compose and account checks run again) and changes nothing', async () => {
		const stack = emulator.stack({stack: 'rerun'});
		expect((await stack.run(['up'])).code).toBe(0);
		const before = await stack.inventory();
		const second = await stack.run(['up', '--json']);
		expect(second.code, second.stdout + second.stderr).toBe(0);
		const reused = second.events.filter((event) => event['type'] === 'step-done').map((event) => [event['stepId'], event['reused']]);
		expect(reused).toEqual(doneSteps.map((id) => [id, id !== 'preflight' && id !== 'compose']));
		expect(await stack.inventory()).toEqual(before);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('destroy finds everything by tag when the journal is gone, and a second destroy is a no-op', async () => {
		const stack = emulator.stack({stack: 'lost-journal'});
		expect((await stack.run(['up'])).code).toBe(0);
		rmSync(join(stack.dir, '.hoist'), {recursive: true});
		const destroy = await stack.run(['destroy', '--yes']);
		expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
		expect((await stack.inventory()).taggedCount).toBe(0);
		expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
	});

	it('an instance type the region does not offer stops at preflight with exit 2 and a next step', async () => {
		const stack = emulator.stack({stack: 'bad-type', instanceType: 't9.huge'});
		const result = await stack.run(['up']);
		expect(result.code).toBe(2);
		expect(result.stdout).toContain('Error: The instance type "t9.huge" is not offered in us-east-1.');
		expect(result.stdout).toContain('Change aws.instanceType in hoist.yml');
		expect((await stack.inventory()).taggedCount).toBe(0);
	});
});
