// One whole `hoist up` from the package as people install it (`npm pack`, `npm install -g` into an empty prefix):
// the files that go to the server come from the installed package's templates/, not from the checkout.
import {spawn} from 'node:child_process';
import {appendFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {freshEmulatorPerTest} from '../helpers/e2e-stack.js';
import {installPackage, type InstalledPackage} from '../helpers/installed-package.js';
import {cleanEnv, runCli} from '../helpers/run-cli.js';
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

	// Again on a terminal (Ink's screen, every step found done, the finish screen): its peak RSS, one of issue 23's goals.
	const screen = await onTerminal(installed.bin, ['up'], stack.dir, stack.env());
	expect(screen.text).toContain('All steps done.');
	expect(screen.peakRssKiB).toBeLessThanOrEqual(130 * 1024);

	const destroy = await hoist(['destroy', '--yes']);
	expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
	expect((await stack.inventory()).taggedCount).toBe(0);
});

/** A command in a pseudo-terminal (util-linux `script`, 100×30), its screen as text and its peak RSS (GNU time). */
function onTerminal(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{code: number | null; text: string; peakRssKiB: number}> {
	const rssFile = join(cwd, 'peak-rss');
	const inner = `stty cols 100 rows 30; exec /usr/bin/time -q -o '${rssFile}' -f %M '${command}' ${args.join(' ')}`;
	const child = spawn('script', ['-qfec', inner, '/dev/null'], {cwd, env: cleanEnv({...env, CI: undefined, TERM: 'xterm-256color'}), stdio: ['pipe', 'pipe', 'pipe']});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	return new Promise((resolve) =>
		child.on('close', (code) => resolve({code, text: stripVTControlCharacters(output), peakRssKiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop())})),
	);
}
