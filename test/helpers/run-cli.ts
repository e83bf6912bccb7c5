import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {assertSandboxEndpoints} from '../sandbox/sandbox.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** tsc's build by default; HOIST_TEST_CLI=dist/bundle/hoist.js runs the same tests against the bundle that bin ships (e2e does). */
export const cliPath = process.env['HOIST_TEST_CLI'] ? path.resolve(repoRoot, process.env['HOIST_TEST_CLI']) : `${repoRoot}dist/source/cli.js`;
export const fixtureCliPath = `${repoRoot}test/fixtures/fixture-cli.mjs`;

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** stdout parsed as JSON lines, when --json was given. */
	events: Array<Record<string, unknown>>;
}

export interface CliRun {
	child: ChildProcess;
	done: Promise<CliResult>;
	/** Resolves when a JSON event matching the predicate appears on stdout. */
	waitForEvent(match: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function assertBuilt(): void {
	if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` (npm test does it first).`);
}

/** Only what a run needs: no inherited AWS profile, credentials or endpoint-ignoring switches from the developer's shell. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		PATH: process.env['PATH'],
		HOME: process.env['HOME'],
		LANG: 'C.UTF-8',
		CI: 'true',
		// Without credentials the SDK would ask the instance metadata service at 169.254.169.254: never from a test.
		AWS_EC2_METADATA_DISABLED: 'true',
		// A closed loopback port: a run that was not pointed at the emulator fails instead of reaching AWS.
		AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
		AWS_CONFIG_FILE: '/dev/null',
		AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
		...extra,
	};
	return env;
}

/**
 * Refuses to start hoist unless every AWS service it calls resolves to a local endpoint: a test that would
 * reach real AWS is a bug, so it must not run at all.
 */
export function assertLocalAws(env: NodeJS.ProcessEnv): void {
	assertSandboxEndpoints(env);
	for (const service of ['EC2', 'STS']) {
		if (!env[`AWS_ENDPOINT_URL_${service}`] && !env['AWS_ENDPOINT_URL']) {
			throw new Error(`No AWS_ENDPOINT_URL_${service} or AWS_ENDPOINT_URL: hoist would call real AWS. Tests always point it at the sandbox.`);
		}
	}
}

export interface CliOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	fixture?: boolean;
	/** An executable to run instead of the checkout's build: an installed copy's `hoist` (test/helpers/installed-package.ts). */
	executable?: string;
	input?: string;
	/** Run as another user (tests of file permissions, which root would not feel). */
	user?: {uid: number; gid: number};
}

export function startCli(args: string[], options: CliOptions): CliRun {
	const env = cleanEnv(options.env);
	// Before the build is looked for: a refusal must not depend on whether dist/ exists.
	assertLocalAws(env);
	if (!options.executable) assertBuilt();
	const [command, ...argv] = options.executable ? [options.executable, ...args] : [process.execPath, options.fixture ? fixtureCliPath : cliPath, ...args];
	const child = spawn(command!, argv, {
		cwd: options.cwd,
		env,
		stdio: ['pipe', 'pipe', 'pipe'],
		...(options.user ?? {}),
	});
	child.stdin?.end(options.input ?? '');
	let stdout = '';
	let stderr = '';
	const events: Array<Record<string, unknown>> = [];
	const waiters: Array<{match: (event: Record<string, unknown>) => boolean; resolve: (event: Record<string, unknown>) => void}> = [];
	let partial = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
		partial += chunk.toString();
		let newline;
		while ((newline = partial.indexOf('\n')) >= 0) {
			const line = partial.slice(0, newline);
			partial = partial.slice(newline + 1);
			if (!line.startsWith('{')) continue;
			const event = JSON.parse(line) as Record<string, unknown>;
			events.push(event);
			for (const waiter of [...waiters]) {
				if (waiter.match(event)) {
					waiters.splice(waiters.indexOf(waiter), 1);
					waiter.resolve(event);
				}
			}
		}
	});
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<CliResult>((resolve) => {
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr, events}));
	});
	return {
		child,
		done,
		waitForEvent: (match) =>
			new Promise((resolve, reject) => {
				const seen = events.find(match);
				if (seen) return resolve(seen);
				waiters.push({match, resolve});
				void done.then(() => reject(new Error(`the run ended before the expected event; stdout:\n${stdout}\nstderr:\n${stderr}`)));
			}),
	};
}

export async function runCli(args: string[], options: CliOptions): Promise<CliResult> {
	return startCli(args, options).done;
}
