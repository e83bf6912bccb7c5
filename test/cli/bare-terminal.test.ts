import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanEnv, fixtureCliPath} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';
import {keepCapture} from '../screens/artifacts.js';

/**
 * Bare `hoist` on a terminal (util-linux `script` gives it a pseudo-terminal, 100×40): the resume screen, then the
 * inquirer question under it, then the chosen command's own Ink screen, all in one process.
 */
const hasScript = spawnSync('script', ['--version']).status === 0;
let stack: TempStack;
afterEach(() => stack?.cleanup());

const DOWN = '\u001b[B';

function terminal(args: string[], env: NodeJS.ProcessEnv) {
	const command = `stty cols 100 rows 40; exec "${process.execPath}" "${fixtureCliPath}" ${args.join(' ')}`;
	const child = spawn('script', ['-qfec', command, '/dev/null'], {
		cwd: stack.dir,
		env: cleanEnv({CI: undefined, TERM: 'xterm-256color', ...env}),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
	return {
		text: () => stripVTControlCharacters(output),
		async waitFor(pattern: RegExp, timeoutMs = 8000): Promise<void> {
			const deadline = Date.now() + timeoutMs;
			while (!pattern.test(stripVTControlCharacters(output))) {
				if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${stripVTControlCharacters(output)}`);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			// Let the prompt finish drawing and take the keyboard before typing.
			await new Promise((resolve) => setTimeout(resolve, 150));
		},
		keys: (keys: string) => child.stdin.write(keys),
		/** Ends on its own, with the keyboard still open. */
		exited,
		async exit(): Promise<number | null> {
			child.stdin.end();
			return exited;
		},
	};
}

describe.runIf(hasScript)('bare `hoist` on a terminal', () => {
	const envOf = () => ({FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), FIXTURE_FAIL: 'beta', FIXTURE_FAIL_FLAG: join(stack.dir, 'flag')});

	async function failedUp(): Promise<void> {
		writeFileSync(envOf().FIXTURE_FAIL_FLAG, '');
		const first = terminal(['up'], envOf());
		await first.waitFor(/r retry · q quit/);
		first.keys('q');
		expect(await first.exit()).toBe(2);
	}

	it('after a failed up: the resume screen, then "Resume" finishes the run on its own screen', async () => {
		stack = makeTempStack();
		await failedUp();
		const screen = terminal([], envOf());
		await screen.waitFor(/What now\?/);
		keepCapture('bare-resume-terminal', screen.text());
		expect(screen.text()).toContain('The last `hoist up` of stack demo failed at step beta (Fixture step beta).');
		expect(screen.text()).toContain('Error: fixture step beta failed on purpose');
		expect(screen.text()).toMatch(/❯ Resume \(at step beta\)/);
		expect(screen.text()).toContain('Restart from a step you choose');
		expect(screen.text()).toContain('Destroy what hoist created for this stack');
		// The cause is fixed; Enter picks "Resume", which is `hoist up`.
		rmSync(envOf().FIXTURE_FAIL_FLAG);
		screen.keys('\r');
		await screen.waitFor(/All steps done\./);
		expect(await screen.exit()).toBe(0);
		expect(readFileSync(envOf().FIXTURE_EFFECTS, 'utf8').split('\n').filter(Boolean)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
	}, 30_000);

	it('"Restart from a step" lists the plan\'s steps (the stopped one preselected) and runs `hoist up --from` the chosen one', async () => {
		stack = makeTempStack();
		await failedUp();
		rmSync(envOf().FIXTURE_FAIL_FLAG);
		const screen = terminal([], envOf());
		await screen.waitFor(/What now\?/);
		screen.keys(DOWN);
		await screen.waitFor(/❯ Restart from a step you choose/);
		screen.keys('\r');
		await screen.waitFor(/Run again from which step\?/);
		expect(screen.text()).toMatch(/❯ beta — Fixture step beta/);
		expect(screen.text()).toContain('alpha — Fixture step alpha');
		screen.keys('\u001b[A');
		await screen.waitFor(/❯ alpha — Fixture step alpha/);
		screen.keys('\r');
		await screen.waitFor(/All steps done\./);
		expect(await screen.exit()).toBe(0);
		// alpha ran again although it was done: --from alpha.
		expect(readFileSync(envOf().FIXTURE_EFFECTS, 'utf8').split('\n').filter(Boolean)).toEqual(['alpha', 'alpha', 'beta', 'gamma', 'delta']);
	}, 30_000);

	it('"Destroy" hands over to `hoist destroy`, which asks its own question; "n" changes nothing', async () => {
		stack = makeTempStack();
		await failedUp();
		const screen = terminal([], envOf());
		await screen.waitFor(/What now\?/);
		screen.keys(`${DOWN}${DOWN}`);
		await screen.waitFor(/❯ Destroy what hoist created/);
		screen.keys('\r');
		await screen.waitFor(/Destroy stack "demo"/);
		screen.keys('n\r');
		await screen.waitFor(/Nothing was destroyed\./);
		expect(await screen.exit()).toBe(0);
		expect(readFileSync(envOf().FIXTURE_EFFECTS, 'utf8').split('\n').filter(Boolean)).toEqual(['alpha']);
	}, 30_000);

	it('no journal yet: offers to run `hoist up`; yes runs it to the end', async () => {
		stack = makeTempStack();
		const screen = terminal([], {FIXTURE_EFFECTS: join(stack.dir, 'effects.log')});
		await screen.waitFor(/Run `hoist up` now/);
		expect(screen.text()).toContain('Nothing has run for stack demo yet');
		screen.keys('y\r');
		await screen.waitFor(/All steps done\./);
		expect(await screen.exit()).toBe(0);
		expect(existsSync(stack.journal)).toBe(true);
	}, 30_000);

	it('`up --yes` on a terminal asks nothing, not even retry: a failed step ends the run (exit 2) with no key pressed', async () => {
		stack = makeTempStack();
		writeFileSync(envOf().FIXTURE_FAIL_FLAG, '');
		const screen = terminal(['up', '--yes'], envOf());
		const code = await Promise.race([screen.exited, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 8000))]);
		expect(code).toBe(2);
		expect(screen.text()).toContain('Fixture step beta failed');
		expect(screen.text()).not.toContain('r retry');
		await screen.exit();
	}, 20_000);

	it('Ctrl-C at the resume question is an interruption: exit 130, nothing changed', async () => {
		stack = makeTempStack();
		await failedUp();
		const before = readFileSync(stack.journal, 'utf8');
		const screen = terminal([], envOf());
		await screen.waitFor(/What now\?/);
		screen.keys('\u0003');
		await screen.waitFor(/Nothing was changed\./);
		expect(await screen.exit()).toBe(130);
		expect(readFileSync(stack.journal, 'utf8')).toBe(before);
	}, 30_000);

	it('no hoist.yml: the guided setup starts (hoist init\'s first question); Ctrl-C there writes nothing', async () => {
		stack = makeTempStack();
		rmSync(stack.config);
		const screen = terminal([], envOf());
		await screen.waitFor(/\? Your compose file \(docker-compose\.yml\)/);
		screen.keys('\u0003');
		expect(await screen.exit()).toBe(130);
		expect(existsSync(stack.config)).toBe(false);
	}, 20_000);
});
