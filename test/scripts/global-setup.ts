// Global setup of the `scripts` vitest project: the tools these tests run (shellcheck, busybox, caddy) come from
// test/sandbox/install-packages.sh, which installs what is missing (as root) and does nothing on a prepared machine.
// No sandbox is started: nothing here needs the network namespace or root once the packages are there.
import {runScriptVisible} from '../sandbox/sandbox.js';

export default async function setup(): Promise<void> {
	const installed = await runScriptVisible('install-packages.sh');
	if (installed !== 0) throw new Error(`test/sandbox/install-packages.sh failed (exit ${installed}): the script tests need its packages`);
}
