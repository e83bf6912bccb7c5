// up/down lifecycle: down stops exactly what up started and restores the machine, also after a half-failed up;
// down is a no-op when nothing is up; up is quick on a warm machine and a no-op when already up.
// Timings are printed, not asserted tightly. This file leaves the sandbox up, as the global setup expects.
import {readFileSync} from 'node:fs';
import {afterAll, describe, expect, inject, it} from 'vitest';
import {
	machineState, processStart, readSandboxEnv, recordedDaemons, runScriptVisible, sandboxProcesses, type MachineState,
} from './sandbox.js';

const env = inject('sandbox');
let reference: MachineState | null = inject('machineBeforeUp');

async function timed(script: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<{code: number; seconds: number}> {
	const started = performance.now();
	const code = await runScriptVisible(script, args, {...process.env, ...extraEnv});
	const seconds = (performance.now() - started) / 1000;
	console.log(`[lifecycle] ${[script, ...args].join(' ')} exited ${code} after ${seconds.toFixed(1)} s`);
	return {code, seconds};
}

function manifest(): string {
	try {
		return readFileSync(`${env.HOIST_SANDBOX_DIR}/manifest`, 'utf8');
	} catch {
		return '';
	}
}

/** Asserts that nothing of the sandbox is left, given what the manifest recorded before `down`. */
async function expectMachineClean(recorded: string): Promise<MachineState> {
	const daemons = recorded.split('\n').filter((line) => line.startsWith('pid '));
	for (const line of daemons) {
		const [, name, pid = '0', start] = line.split(' ');
		expect(processStart(Number(pid)), `${name} (pid ${pid}) still running`).not.toBe(start);
	}
	expect(sandboxProcesses()).toEqual([]);
	const state = await machineState();
	expect(state.netns.split(' ')).not.toContain(env.HOIST_SANDBOX_NETNS);
	expect(state.links).not.toContain('hoist-veth');
	expect(state.addresses).not.toContain('10.77.0.');
	expect(state.iptables + state.nftables).not.toMatch(/NETAVARK|netavark|10\.77\.0\./);
	if (recorded.includes('\nuser alpine\n')) expect(state.users).not.toMatch(/^alpine:/m);
	if (recorded.includes('\nremove /etc/doas.conf\n')) expect(state.doasConf).toBe('<absent>');
	if (reference) expect(state).toEqual(reference);
	return state;
}

afterAll(async () => {
	// Whatever happened above, later test files need a running sandbox.
	if ((await runScriptVisible('status.sh', ['--quiet'])) !== 0) await timed('up.sh', ['--restart']);
}, 180_000);

describe('sandbox lifecycle', () => {
	it('down stops every recorded daemon and restores the machine', async () => {
		expect(recordedDaemons().length).toBeGreaterThanOrEqual(9);
		const recorded = manifest();
		const {code, seconds} = await timed('down.sh');
		expect(code).toBe(0);
		expect(seconds).toBeLessThan(10);
		const state = await expectMachineClean(recorded);
		reference ??= state; // sandbox was up before this run: compare the later steps with this clean state
	});

	it('down when nothing is up is a no-op', async () => {
		const {code} = await timed('down.sh');
		expect(code).toBe(0);
		expect(await machineState()).toEqual(reference);
	});

	it('down cleans up after a half-failed up', async () => {
		const {code} = await timed('up.sh', ['--restart'], {HOIST_SANDBOX_FAIL_AFTER: 'daemons'});
		expect(code).not.toBe(0);
		const recorded = manifest();
		const alive = recordedDaemons().filter((daemon) => processStart(daemon.pid) === daemon.start);
		expect(alive.length).toBeGreaterThan(0); // the failure really left daemons, a netns and a user behind
		expect((await machineState()).netns).toContain(env.HOIST_SANDBOX_NETNS);
		expect((await timed('down.sh')).code).toBe(0);
		await expectMachineClean(recorded);
	});

	it('up from a warm machine brings it back with the same endpoints and credentials', async () => {
		const {code, seconds} = await timed('up.sh');
		expect(code).toBe(0);
		expect(seconds).toBeLessThan(60);
		expect(await runScriptVisible('status.sh')).toBe(0);
		const now = readSandboxEnv();
		expect(now.AWS_ENDPOINT_URL_EC2).toBe(env.AWS_ENDPOINT_URL_EC2);
		expect(now.HOIST_SANDBOX_EIP_ALLOCATION_ID).toBe(env.HOIST_SANDBOX_EIP_ALLOCATION_ID);
		expect(now.HOIST_SANDBOX_REGISTRY_PASSWORD).toBe(env.HOIST_SANDBOX_REGISTRY_PASSWORD);
	});

	it('up when already up leaves the running sandbox alone', async () => {
		const before = recordedDaemons();
		const {code} = await timed('up.sh');
		expect(code).toBe(0);
		expect(recordedDaemons()).toEqual(before);
		for (const daemon of before) expect(processStart(daemon.pid)).toBe(daemon.start);
	});
});
