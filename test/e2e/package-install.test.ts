// One whole `hoist up` from the package as people install it (`npm pack`, `npm install -g` into an empty prefix):
// the files that go to the server come from the installed package's templates/, not from the checkout.
import {appendFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {installPackage, type InstalledPackage} from '../helpers/installed-package.js';
import {runCli} from '../helpers/run-cli.js';
import {httpGet} from '../helpers/stack-host.js';

const emulator = freshEmulatorPerTest();
let installed: InstalledPackage;

beforeAll(() => {
	installed = installPackage();
}, 120_000);

afterAll(() => installed?.cleanup());

it('the installed hoist takes a stack from nothing to HTTPS with its own templates, and destroys it', async () => {
	// A shell comment only the installed copy of a template has: the server's copy shows where hoist read it.
	const marker = `# installed copy ${Date.now()}`;
	appendFileSync(join(installed.root, 'templates', 'health-scheduler.sh'), `${marker}\n`);
	const stack = emulator.stack({stack: 'installed'});
	const hoist = (args: string[]) => runCli(args, {cwd: stack.dir, env: stack.env(), executable: installed.bin});

	const up = await hoist(['up', '--json']);
	expect(up.code, JSON.stringify(up.events.find((event) => event['type'] === 'step-failed') ?? up.stderr)).toBe(0);
	expect(up.stderr).toBe('');
	expect(up.events.filter((event) => event['type'] === 'step-done').map((event) => event['stepId'])).toContain('certificate');
	expect(readFileSync('/var/lib/hoist/bootstrap/health-scheduler.sh', 'utf8')).toContain(marker);
	expect((await httpGet(emulator.sandbox(), '/')).body).toContain('hoist fixture app v1');

	const destroy = await hoist(['destroy', '--yes']);
	expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
	expect((await stack.inventory()).taggedCount).toBe(0);
});
