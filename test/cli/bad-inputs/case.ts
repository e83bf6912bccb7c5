import {execFileSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {CliResult} from '../../helpers/run-cli.js';

/** The classes of bad input issue 8 names; every class has cases, and more may be added to any of them. */
export type InputClass = 'config' | 'cli' | 'journal' | 'lock' | 'environment' | 'file system' | 'signals' | 'compose';

export interface BadInput {
	name: string;
	/** hoist's arguments; the fixture plan stands in for the wizard, so nothing reaches AWS. */
	args: string[];
	/** hoist.yml's text (default: the minimal valid one). */
	config?: string;
	/** Arranges the stack's folder before the run (a journal is there already: see `journalBefore`). */
	setup?: (dir: string) => void;
	env?: (dir: string) => NodeJS.ProcessEnv;
	exit: number;
	/** The output names what went wrong and where (a file, a field, a variable, a step). */
	names: RegExp | ((dir: string) => RegExp);
	/** Runs hoist some other way (signals); the default is one run to the end. */
	run?: (dir: string, env: NodeJS.ProcessEnv) => Promise<CliResult>;
	/** More to check afterwards. */
	after?: (dir: string, result: CliResult) => void;
	/** As the user nobody: file modes do not stop root. */
	asNobody?: boolean;
	/** Whether the command refuses (then the journal's bytes must not change); default: exit 1, 2 or 70. */
	refused?: boolean;
}

export type Cases = Record<InputClass, BadInput[]>;

/** The journal every case starts from: a done step and a resource, so a change to it would show. */
export function journalBefore(stack = 'demo', lastRunFinished = true): string {
	const at = '2026-01-01T00:00:00.000Z';
	return `${JSON.stringify(
		{
			schema: 1,
			stack,
			runId: '20260101T000000Z-abcdef',
			createdAt: at,
			updatedAt: at,
			steps: {alpha: {status: 'done', outputs: {id: 'alpha'}, startedAt: at, finishedAt: at, durationMs: 1, reused: false}},
			resources: {'instance:i-0abc': {type: 'instance', id: 'i-0abc', ownedByHoist: true, region: 'eu-west-1', createdAt: at}},
			runs: [{command: 'up', startedAt: at, ...(lastRunFinished ? {finishedAt: at, result: 'ok'} : {})}],
		},
		null,
		2,
	)}\n`;
}

/** Writes a file below the stack's folder, making its folders. */
export function put(dir: string, path: string, content: string | Buffer): void {
	mkdirSync(dirname(join(dir, path)), {recursive: true});
	writeFileSync(join(dir, path), content);
}

/** A valid hoist.yml with one line replaced, or lines appended. */
export function withConfig(change: {replace?: [string, string]; append?: string}): string {
	let text = ['stack: demo', 'domain: app.example.test', 'compose:', '  service: web', '  port: 8080', 'aws:', '  sshCidr: 10.77.0.1/32', ''].join('\n');
	if (change.replace) text = text.replace(change.replace[0], change.replace[1]);
	return text + (change.append ?? '');
}

export const stateFile = '.hoist/state.json';

/** A named pipe (node has no mkfifo; coreutils has, wherever these tests run). */
export function mkfifo(path: string): void {
	execFileSync('mkfifo', [path]);
}
