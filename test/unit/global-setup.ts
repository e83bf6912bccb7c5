// Global setup of the `unit` vitest project: nothing to start, but three tools the unit tests run besides Node must be
// there (sh runs the command builders, openssl makes the TLS tests' certificates, ssh-keygen checks hoist's keys).
// A missing one is said once, here, instead of as a failure in the middle of a test.
import {spawnSync} from 'node:child_process';

const tools = [
	{command: 'sh', package: 'dash'},
	{command: 'openssl', package: 'openssl'},
	{command: 'ssh-keygen', package: 'openssh-client'},
];

export default function setup(): void {
	const missing = tools.filter(({command}) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
	if (missing.length > 0) {
		throw new Error(`The unit tests need ${missing.map((tool) => `${tool.command} (Debian: ${tool.package})`).join(', ')}: install ${missing.length === 1 ? 'it' : 'them'}, or run test/sandbox/install-packages.sh as root.`);
	}
}
