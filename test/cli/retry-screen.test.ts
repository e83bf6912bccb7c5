import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanEnv, fixtureCliPath} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

/**
 * Issue 17: the retry screen ("r retry · q quit") on a real terminal (util-linux `script`) is no place to hide from
 * a stop. A signal, Ctrl-C typed or the terminal closing ends hoist with the signal's code, the lock released and
 * the journal whole.
 */
const hasScript = spawnSync('script', ['--version']).status === 0;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
let stack: TempStack;
afterEach(() => stack?.cleanup());

interface AtRetry {
	/** hoist's own pid, from its lock. */
	pid: number;
	type(keys: string): void;
	done: Promise<{code: number | null; output: string}>;
}

/** `hoist up` on a terminal, its first step failing, waiting at the retry screen. */
async function atRetryScreen(): Promise<AtRetry> {
	stack = makeTempStack();
	const flag = join(stack.dir, 'fail-flag');
	writeFileSync(flag, '');
	const command = `stty cols 100 rows 40; exec "${process.execPath}" "${fixtureCliPath}" up`;
	const child = spawn('script', ['-qfec', command, '/dev/null'], {
		cwd: stack.dir,
		env: cleanEnv({CI: undefined, TERM: 'xterm-256color', FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'alpha', FIXTURE_FAIL_FLAG: flag}),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const done = new Promise<{code: number | null; output: string}>((resolve) => child.on('close', (code) => resolve({code, output})));
	for (let waited = 0; !output.includes('retry ·'); waited += 50) {
		if (waited > 15_000) throw new Error(`no retry screen:\n${output}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const {pid} = JSON.parse(readFileSync(join(stack.dir, '.hoist', 'lock'), 'utf8')) as {pid: number};
	return {pid, type: (keys) => child.stdin.write(keys), done};
}

/** Nothing left behind: no lock, a journal that parses with the failed run recorded. */
function leftClean(): void {
	expect(existsSync(join(stack.dir, '.hoist', 'lock'))).toBe(false);
	const journal = JSON.parse(readFileSync(join(stack.dir, '.hoist', 'state.json'), 'utf8')) as {steps: Record<string, {status: string}>};
	expect(journal.steps['alpha']?.status).toBe('failed');
}

describe.runIf(hasScript)('the retry screen on a terminal', () => {
	it.each([
		['SIGTERM', 143],
		['SIGINT', 130],
		['SIGHUP', 129],
	] as const)('%s there exits %i, the lock released', async (signal, code) => {
		const screen = await atRetryScreen();
		process.kill(screen.pid, signal);
		const result = await screen.done;
		expect(result.code, result.output).toBe(code);
		expect(result.output).not.toMatch(/Assertion|at .+:\d+:\d+\)/);
		leftClean();
	}, 30_000);

	it('Ctrl-C typed there exits 130', async () => {
		const screen = await atRetryScreen();
		screen.type('\u0003');
		const result = await screen.done;
		expect(result.code, result.output).toBe(130);
		leftClean();
	}, 30_000);

	it('q there still exits with the failed step\'s code', async () => {
		const screen = await atRetryScreen();
		screen.type('q');
		const result = await screen.done;
		expect(result.code, result.output).toBe(2);
		leftClean();
	}, 30_000);

	it.runIf(hasTmux)('closing the terminal there (a tmux window killed) ends hoist by SIGHUP: 129, the lock released, no assertion', async () => {
		stack = makeTempStack();
		writeFileSync(join(stack.dir, 'fail-flag'), '');
		const env = cleanEnv({CI: undefined, TERM: 'xterm-256color', FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'alpha', FIXTURE_FAIL_FLAG: join(stack.dir, 'fail-flag')});
		const exports = Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${shellQuote(value)}`]));
		// The shell around hoist ignores the hangup, so it lives to write down how hoist ended; stderr goes to a file.
		writeFileSync(
			join(stack.dir, 'run.sh'),
			`trap '' HUP\nenv -i ${exports.join(' ')} "${process.execPath}" "${fixtureCliPath}" up 2>stderr.txt\necho $? > code.txt\n`,
		);
		const socket = `hoist-test-${process.pid}`;
		const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {cwd: stack.dir, encoding: 'utf8'});
		try {
			tmux('new-session', '-d', '-x', '100', '-y', '40', '-c', stack.dir, 'sh run.sh');
			for (let waited = 0; !tmux('capture-pane', '-p').stdout.includes('retry ·'); waited += 100) {
				if (waited > 15_000) throw new Error(`no retry screen:\n${tmux('capture-pane', '-p').stdout}`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		} finally {
			tmux('kill-server');
		}
		for (let waited = 0; !existsSync(join(stack.dir, 'code.txt')); waited += 100) {
			if (waited > 10_000) throw new Error('hoist did not end after its terminal closed');
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
		const stderr = readFileSync(join(stack.dir, 'stderr.txt'), 'utf8');
		expect(readFileSync(join(stack.dir, 'code.txt'), 'utf8').trim(), stderr).toBe('129');
		expect(stderr).not.toMatch(/Assertion|ResetStdio|EIO/);
		leftClean();
	}, 40_000);
});

function shellQuote(value: string): string {
	return `'${value.replace(/'/g, `'\\''`)}'`;
}
