import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {startCli, type CliResult} from '../../helpers/run-cli.js';
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
	names: command === 'up' ? /"nextSteps":\["Run `hoist up` again: it resumes at step alpha\."\]/ : /"nextSteps":\["Run `hoist destroy` again to finish removing what is left \(it goes on from step delta\)\."\]/,
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
