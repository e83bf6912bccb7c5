import {spawn, type StdioOptions} from 'node:child_process';
import {chmodSync, closeSync, existsSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {cleanEnv, fixtureCliPath, startCli, type CliResult} from '../../helpers/run-cli.js';
import {stateFile, type BadInput} from './case.js';

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
/** What the tests assert per signal; test/unit/exit-codes.test.ts holds the README to it. */
export const signalExitCodes: Record<Signal, number> = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129};

/** A signal while hoist starts up (as soon as it listens for it): nothing may change, and the exit says which signal. */
const atStartup = (signal: Signal): BadInput => ({
	name: `${signal} during start-up`,
	args: ['up'],
	exit: signalExitCodes[signal],
	refused: true,
	names: /Stopped: .*Nothing was changed\.[\s\S]*Run `hoist up` again/,
	env: () => ({FIXTURE_SIGNAL_AT_STARTUP: signal}),
	after: (dir) => expect(existsSync(join(dir, '.hoist', 'lock'))).toBe(false),
});

/** A signal while a step runs: the step goes back to pending, the lock is released, the advice names the command. */
const midRun = (signal: Signal, command: 'up' | 'destroy'): BadInput => ({
	name: `${signal} during hoist ${command}`,
	args: command === 'up' ? ['up', '--json'] : ['destroy', '--yes', '--json'],
	exit: signalExitCodes[signal],
	refused: false,
	names: command === 'up'
		? /"nextSteps":\[\{"text":"Run `hoist up` again: it resumes at step alpha\.","command":"hoist up"\}\]/
		: /"nextSteps":\[\{"text":"Run `hoist destroy` again to finish removing what is left \(it goes on from step delta\)\.","command":"hoist destroy"\}\]/,
	run: async (dir, env): Promise<CliResult> => {
		const run = startCli(command === 'up' ? ['up', '--json'] : ['destroy', '--yes', '--json'], {cwd: dir, fixture: true, env: {...env, FIXTURE_SLOW_MS: '6000'}});
		await run.waitForEvent((event) => event['type'] === 'step-started');
		await new Promise((resolve) => setTimeout(resolve, 150));
		run.child.kill(signal);
		return run.done;
	},
	after: (dir, result) => {
		expect(result.events.at(-1)).toMatchObject({type: 'run-finished', result: 'cancelled'});
		expect(existsSync(join(dir, '.hoist', 'lock'))).toBe(false);
		const journal = JSON.parse(readFileSync(join(dir, stateFile), 'utf8')) as {steps: Record<string, {status: string}>; runs: Array<{result?: string}>};
		expect(Object.values(journal.steps).map((step) => step.status)).not.toContain('running');
		expect(journal.runs.at(-1)?.result).toBe('cancelled');
		if (command === 'up') expect(journal.steps['alpha']?.status).toBe('pending');
	},
});

export const signalCases: BadInput[] = [
	atStartup('SIGINT'),
	atStartup('SIGTERM'),
	atStartup('SIGHUP'),
	midRun('SIGINT', 'up'),
	midRun('SIGTERM', 'up'),
	midRun('SIGHUP', 'up'),
	midRun('SIGTERM', 'destroy'),
	midRun('SIGHUP', 'destroy'),
];

/**
 * Runs hoist with its stdout (or stderr) closed under it: read one chunk and close the pipe, as `| head -1` does, or
 * a file that is always full (/dev/full). A step is slow, so the output closes while it runs.
 */
function withOutput(args: string[], output: 'read one chunk' | 'stdout on /dev/full' | 'stderr on /dev/full') {
	return (dir: string, env: NodeJS.ProcessEnv): Promise<CliResult> => {
		const full = openSync('/dev/full', 'w');
		const stdio: StdioOptions = output === 'stdout on /dev/full' ? ['ignore', full, 'pipe'] : output === 'stderr on /dev/full' ? ['ignore', 'pipe', full] : 'pipe';
		const child = spawn(process.execPath, [fixtureCliPath, ...args], {cwd: dir, env: cleanEnv({...env, FIXTURE_SLOW_MS: '1500'}), stdio});
		closeSync(full);
		let stdout = '';
		let stderr = '';
		child.stdout?.once('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (output === 'read one chunk') child.stdout?.destroy();
		});
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		return new Promise((resolve) => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr, events: []})));
	};
}

/** Without the note about tightening .hoist/, the first line is the run's own. */
const privateStateDir = (dir: string) => chmodSync(join(dir, '.hoist'), 0o700);

/** The run stopped like Ctrl-C's: no step left running, alpha back to pending, the run cancelled, the lock gone. */
function stoppedCleanly(dir: string): void {
	expect(existsSync(join(dir, '.hoist', 'lock'))).toBe(false);
	const journal = JSON.parse(readFileSync(join(dir, stateFile), 'utf8')) as {steps: Record<string, {status: string}>; runs: Array<{result?: string}>};
	expect(Object.values(journal.steps).map((step) => step.status)).not.toContain('running');
	expect(journal.steps['alpha']?.status).toBe('pending');
	expect(journal.runs.at(-1)?.result).toBe('cancelled');
}

/** Issue 17: a closed or full output is a quiet stop (exit 141, as SIGPIPE), never a crash that leaves the lock. */
export const outputCases: BadInput[] = [
	{name: 'hoist up | head -1', args: ['up'], exit: 141, refused: false, names: /hoist up: 4 steps/, setup: privateStateDir, run: withOutput(['up'], 'read one chunk'), after: stoppedCleanly},
	{name: 'hoist up --json | head -1', args: ['up', '--json'], exit: 141, refused: false, names: /"type":"run-started"/, setup: privateStateDir, run: withOutput(['up', '--json'], 'read one chunk'), after: stoppedCleanly},
	{name: 'hoist up > /dev/full', args: ['up'], exit: 141, refused: false, names: /^$/, run: withOutput(['up'], 'stdout on /dev/full'), after: stoppedCleanly},
	{
		name: 'a config error that cannot be printed (stderr on /dev/full) keeps its exit code',
		args: ['up'],
		exit: 2,
		config: 'stack: [',
		names: /^$/,
		run: withOutput(['up'], 'stderr on /dev/full'),
	},
];
