import {spawn, spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanEnv, fixtureCliPath} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

/**
 * What only a terminal shows: the destroy question and the Ink screen. util-linux `script` gives hoist a
 * pseudo-terminal (100×40); keys are typed into it after a pause.
 */
const hasScript = spawnSync('script', ['--version']).status === 0;
let stack: TempStack;
afterEach(() => stack?.cleanup());

function onTerminal(args: string[], keys: string, env: NodeJS.ProcessEnv = {}): Promise<{code: number | null; output: string}> {
	const command = `stty cols 100 rows 40; exec "${process.execPath}" "${fixtureCliPath}" ${args.join(' ')}`;
	const child = spawn('script', ['-qfec', command, '/dev/null'], {
		cwd: stack.dir,
		env: cleanEnv({CI: undefined, TERM: 'xterm-256color', FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), ...env}),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	setTimeout(() => child.stdin.write(keys), 1500);
	setTimeout(() => child.stdin.end(), 3000);
	return new Promise((resolve) => child.on('close', (code) => resolve({code, output})));
}

describe.runIf(hasScript)('on a terminal', () => {
	it('answering "n" to `hoist destroy` is a decline, not an interruption: exit 0, nothing destroyed', async () => {
		stack = makeTempStack();
		const result = await onTerminal(['destroy'], 'n\r');
		expect(result.output).toContain('Destroy stack "demo"');
		expect(result.output).toContain('Nothing was destroyed.');
		expect(result.code).toBe(0);
	}, 15_000);

	it('the destroy question on an existing server with no journal names where it looks, not an AWS tag', async () => {
		stack = makeTempStack(['stack: demo', 'domain: app.example.test', 'compose:', '  service: web', '  port: 8080', 'server:', '  host: 10.0.0.5', ''].join('\n'));
		const result = await onTerminal(['destroy'], 'n\r');
		expect(result.output).toContain('Destroy stack "demo" (what hoist put on 10.0.0.5 for it: the compose project demo');
		expect(result.output).not.toContain('hoist:stack');
		expect(result.code).toBe(0);
	}, 15_000);

	it('the Ink screen has colours, and none with NO_COLOR', async () => {
		// eslint-disable-next-line no-control-regex -- an ANSI colour sequence starts with ESC
		const colour = /\u001b\[3\dm/;
		stack = makeTempStack();
		const coloured = await onTerminal(['up'], '');
		expect(coloured.output).toContain('All steps done.');
		expect(coloured.output).toMatch(colour);
		stack.cleanup();
		stack = makeTempStack();
		const plain = await onTerminal(['up'], '', {NO_COLOR: '1'});
		expect(plain.code).toBe(0);
		expect(plain.output).toContain('All steps done.');
		expect(plain.output).not.toMatch(colour);
	}, 20_000);
});
