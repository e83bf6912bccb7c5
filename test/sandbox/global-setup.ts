// Global setup of the `e2e` vitest project: brings the sandbox up once per run and hands its environment to the
// tests (`inject('sandbox')`). A sandbox that cannot start fails the run; nothing is ever skipped.
// A sandbox that is already up and healthy (started by hand) is used as it is and left running afterwards;
// set HOIST_SANDBOX_KEEP=1 to leave a sandbox that this setup started running too.
import type {TestProject} from 'vitest/node';
import {
	assertSandboxEndpoints, machineState, readSandboxEnv, runScriptVisible, type MachineState, type SandboxEnv,
} from './sandbox.js';

declare module 'vitest' {
	export interface ProvidedContext {
		sandbox: SandboxEnv;
		/** The machine before this run's `up` (null when the sandbox was already up): what `down` must restore. */
		machineBeforeUp: MachineState | null;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	// Refuse outright if anything would send AWS calls elsewhere than the sandbox.
	assertSandboxEndpoints(process.env);
	for (const [key, value] of Object.entries(project.config.env ?? {})) {
		if (typeof value === 'string') assertSandboxEndpoints({[key]: value});
	}
	if (process.getuid?.() !== 0) {
		throw new Error('The e2e suite needs the sandbox, which needs root (network namespace, user, daemons). Run as root.');
	}

	let startedHere = false;
	let before: MachineState | null = null;
	if ((await runScriptVisible('status.sh', ['--quiet'])) !== 0) {
		const installed = await runScriptVisible('install-packages.sh');
		if (installed !== 0) throw new Error(`test/sandbox/install-packages.sh failed (exit ${installed})`);
		// Leftovers of an earlier sandbox whose daemons died (a killed run, a restarted machine) go first, so that
		// `before` is the machine without any sandbox and `down` is held to restoring exactly that.
		const cleaned = await runScriptVisible('down.sh');
		if (cleaned !== 0) throw new Error(`test/sandbox/down.sh could not clean an earlier sandbox (exit ${cleaned})`);
		before = await machineState(); // after the install: packages add system users and tools, the sandbox must not
		const up = await runScriptVisible('up.sh', ['--restart']);
		if (up !== 0) {
			await runScriptVisible('down.sh'); // leave the machine clean; the run still fails
			throw new Error(`test/sandbox/up.sh failed (exit ${up}); see its output above`);
		}
		startedHere = true;
	}

	const env = readSandboxEnv(); // also checks that every endpoint in it is local
	project.provide('sandbox', env);
	project.provide('machineBeforeUp', before);

	return async () => {
		if (!startedHere || process.env['HOIST_SANDBOX_KEEP'] === '1') return;
		const code = await runScriptVisible('down.sh');
		if (code !== 0) throw new Error(`test/sandbox/down.sh failed (exit ${code})`);
	};
}
