import type {ReactElement} from 'react';
import {CancelledError, cancellationOf} from '../errors.js';
import type {CommandIo} from './io.js';

/**
 * The one place that hands the terminal between @inquirer/prompts (questions) and Ink (screens). Commands ask and
 * show through it and never touch stdin themselves: every switch waits a tick and keeps stdin referenced (see
 * handOverStdin), and Ctrl-C at a question is the same clean stop everywhere.
 */

type Prompts = typeof import('@inquirer/prompts');
export type InputQuestion = Parameters<Prompts['input']>[0];
export type PasswordQuestion = Parameters<Prompts['password']>[0];
export type ConfirmQuestion = Parameters<Prompts['confirm']>[0];
export interface Choice<Value> {
	name: string;
	value: Value;
	description?: string;
	/** What stays on the screen once chosen (default: name). */
	short?: string;
}
export interface SelectQuestion<Value> {
	message: string;
	choices: Array<Choice<Value>>;
	default?: Value;
}

/** The questions a command may ask; tests of a question sequence can pass their own. */
export interface Ask {
	input(question: InputQuestion): Promise<string>;
	password(question: PasswordQuestion): Promise<string>;
	confirm(question: ConfirmQuestion): Promise<boolean>;
	select<Value>(question: SelectQuestion<Value>): Promise<Value>;
}

/** Questions on the command's terminal. Ctrl-C (or SIGTERM/SIGHUP) at a question throws CancelledError. */
export function terminalAsk(io: CommandIo): Ask {
	const context = () => ({input: io.stdin, output: io.stdout, signal: io.cancellation.signal});
	const asked = async <Answer>(question: (prompts: Prompts) => Promise<Answer>): Promise<Answer> => {
		const prompts = await import('@inquirer/prompts');
		let answer: Answer;
		try {
			answer = await question(prompts);
		} catch (error) {
			// Inquirer rejects with ExitPromptError on Ctrl-C (raw mode turns it into a key) and AbortPromptError on a signal.
			if (error instanceof Error && !['ExitPromptError', 'AbortPromptError'].includes(error.name)) throw error;
			const stop = io.cancellation.signal.aborted ? cancellationOf(io.cancellation.signal) : new CancelledError();
			throw new CancelledError(`${stop.message} Nothing was changed.`, [], stop.signal);
		}
		await handOverStdin(io);
		return answer;
	};
	return {
		input: (question) => asked((prompts) => prompts.input(question, context())),
		password: (question) => asked((prompts) => prompts.password(question, context())),
		confirm: (question) => asked((prompts) => prompts.confirm(question, context())),
		select: <Value>(question: SelectQuestion<Value>) => asked((prompts) => prompts.select<Value>(question, context())),
	};
}

/**
 * Draws a screen that takes no keys once, leaves it on the terminal, and hands the terminal back for the question
 * that follows (the plan before "go on?", the resume screen before "what now?").
 */
export async function showScreen(io: CommandIo, element: ReactElement): Promise<void> {
	const {render} = await import('ink');
	const instance = render(element, {stdout: io.stdout, stdin: io.stdin, stderr: io.stderr, exitOnCtrlC: false, patchConsole: false});
	// React commits the first frame in a microtask; unmounting before it would leave nothing on screen.
	await new Promise((resolve) => setImmediate(resolve));
	instance.unmount();
	await instance.waitUntilExit();
	await handOverStdin(io);
}

/**
 * The prompt's readline closes stdin on the next tick and Ink's unmount unrefs it; mounting Ink in the same tick
 * would lose its keys, and a prompt after Ink would not keep the process alive. Wait a tick and keep
 * stdin referenced.
 */
export async function handOverStdin(io: CommandIo): Promise<void> {
	await new Promise<void>((resolve) => setImmediate(resolve));
	io.stdin.ref();
}
