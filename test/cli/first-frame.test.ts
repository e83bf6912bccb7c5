import {spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';
import {planShape} from '../../source/commands/up/first-frame.js';
import {VirtualScreen} from '../helpers/fake-tty.js';
import {cleanEnv, cliPath} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

/** `hoist up` on a terminal (util-linux `script`, 100×40) draws its step list before it validates or loads anything. */
const hasScript = spawnSync('script', ['--version']).status === 0;
let stack: TempStack;
afterEach(() => stack?.cleanup());

function upOnTerminal(): Promise<{code: number | null; output: string}> {
	const child = spawn('script', ['-qfec', `stty cols 100 rows 40; exec "${process.execPath}" "${cliPath}" up`, '/dev/null'], {
		cwd: stack.dir,
		env: cleanEnv({CI: undefined, TERM: 'xterm-256color'}),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	return new Promise((resolve) => child.on('close', (code) => resolve({code, output})));
}

const serverConfig = (port: string) =>
	['stack: demo', 'domain: app.example.test', 'compose:', '  service: web', `  port: ${port}`, 'server:', '  host: 10.77.0.2', 'registry:', '  server: ghcr.io', '  username: me', ''].join('\n');

describe.runIf(hasScript)('the first frame of `hoist up`', () => {
	it('is the plan of hoist.yml, drawn before hoist.yml is validated; the error replaces it and .hoist stays untouched', async () => {
		stack = makeTempStack(serverConfig('eighty'));
		const {code, output} = await upOnTerminal();
		expect(code).toBe(2);
		// The first thing on the terminal: the step list, for a server with a registry (no AWS step).
		const erase = output.indexOf('\u001b[10A\r\u001b[J');
		expect(erase).toBeGreaterThan(0);
		expect(stripVTControlCharacters(output.slice(0, erase)).split('\r\n')).toEqual([
			'hoist up',
			'○ Check the compose file',
			'○ Record how to reach the server',
			'○ Wait for SSH',
			'○ Prepare the server (Podman, compose)',
			'○ Log the server in to the registry',
			'○ Upload the stack',
			'○ Start the stack',
			'○ Wait for DNS to point at the server',
			'○ Get and confirm the HTTPS certificate',
			'',
		]);
		// What the person sees in the end: the validation error where the list was.
		const screen = new VirtualScreen();
		screen.write(output.replaceAll('\r\n', '\n'));
		expect(screen.text().trimStart()).toMatch(/^Error: hoist\.yml:5:9: compose\.port/);
		expect(screen.text()).not.toContain('○');
		expect(existsSync(join(stack.dir, '.hoist'))).toBe(false);
	});
});

describe('the plan read from hoist.yml without parsing it', () => {
	it('knows an aws or a server section and a registry section by their top-level keys', () => {
		expect(planShape('stack: a\naws:\n  region: x\n')).toEqual({aws: true, registry: false});
		expect(planShape('stack: a\nserver:\n  host: h\nregistry:\n  server: r\n')).toEqual({aws: false, registry: true});
		// An indented key belongs to another section.
		expect(planShape('stack: a\nserver:\n  host: h\nx-notes:\n  registry: none\n')).toEqual({aws: false, registry: false});
	});
});
