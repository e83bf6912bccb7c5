import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';

const emulator = freshEmulatorPerTest();

it('neither the registry token nor the private key reaches the journal, the output or any other state file', async () => {
	const stack = emulator.stack({stack: 'secrets'});
	const token = emulator.sandbox().HOIST_SANDBOX_REGISTRY_PASSWORD;
	const env = {HOIST_REGISTRY_TOKEN: token};
	const runs = [await stack.run(['up', '--json'], env), await stack.run(['status'], env), await stack.run(['status', '--json'], env)];
	expect(runs[0]?.code).toBe(0);

	const stateDir = join(stack.dir, '.hoist');
	const privateKey = readFileSync(join(stateDir, 'id_ed25519'), 'utf8');
	const keyBody = privateKey.split('\n').slice(1, -2).join('');
	expect(keyBody.length).toBeGreaterThan(100);
	const visible = [
		...runs.flatMap((run) => [run!.stdout, run!.stderr]),
		...readdirSync(stateDir).filter((file) => file !== 'id_ed25519').map((file) => readFileSync(join(stateDir, file), 'utf8')),
	].join('\n');
	expect(visible).toContain('"stack": "secrets"'); // the journal is in there
	expect(visible).not.toContain(token);
	for (const line of privateKey.split('\n').slice(1, -2)) expect(visible).not.toContain(line);
	expect((await stack.run(['destroy', '--yes'])).code).toBe(0);
});
