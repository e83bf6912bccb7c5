// Measuring helpers shared by the benchmarks: wall times of short commands, the first byte a program writes to a
// terminal, and peak RSS. Nothing here talks to the sandbox.
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The two builds as a command line: tsc's file tree run by node (what the tests run), and esbuild's bundle run by its
 * shebang, as the `hoist` that package.json's bin installs is (the shebang carries a V8 flag).
 */
export const builds = {
	tsc: [process.execPath, join(repoRoot, 'dist/source/cli.js')],
	bundle: [join(repoRoot, 'dist/bundle/hoist.js')],
};
export const node = [process.execPath];

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quote = (word) => `'${String(word).replaceAll("'", `'\\''`)}'`;

/** Median wall time (ms) of a command line, after a few warm-up runs that fill the file cache. */
export function medianWall([file, ...args], runs, options = {}) {
	const times = [];
	for (let index = 0; index < runs + 3; index++) {
		const started = process.hrtime.bigint();
		const result = spawnSync(file, args, {stdio: 'ignore', ...options});
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}`);
		if (index >= 3) times.push(ms);
	}
	return median(times);
}

/**
 * Median wall times (ms) of several command lines measured in turns (one run of each per round, after warm-up
 * rounds), so that a machine busy with other work slows them alike and their ratios hold. `expect` gives a command's
 * exit code when it is not 0.
 */
export function medianWalls(commands, runs, {expect = {}, ...options} = {}) {
	const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
	for (let round = 0; round < runs + 3; round++) {
		for (const [name, [file, ...args]] of Object.entries(commands)) {
			const started = process.hrtime.bigint();
			const result = spawnSync(file, args, {stdio: 'ignore', ...options});
			const ms = Number(process.hrtime.bigint() - started) / 1e6;
			if (result.status !== (expect[name] ?? 0)) throw new Error(`${file} ${args.join(' ')} exited ${result.status}`);
			if (round >= 3) times[name].push(ms);
		}
	}
	return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
}

/**
 * Runs a command line in a pseudo-terminal (util-linux `script`, 100×30) and resolves with the time from spawning to the
 * first byte on the terminal, to the moment `visible(output)` first holds (e.g. a step title: the first frame), the full
 * output, and the peak RSS in KiB (GNU time, %M). `until(output)` says when the run has shown enough; then `keys` are
 * typed (e.g. "q") and the run may end by itself within `graceMs`, else it gets SIGTERM (hoist stops cleanly on it).
 */
export function inTerminal(command, {cwd, env, visible = () => true, until = () => true, keys = '', graceMs = 3000, timeoutMs = 30_000}) {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-tty-'));
	const rssFile = join(dir, 'rss');
	const inner = `stty cols 100 rows 30; exec /usr/bin/time -q -o ${quote(rssFile)} -f %M ${command.map(quote).join(' ')}`;
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('script', ['-qfec', inner, '/dev/null'], {cwd, env: {TERM: 'xterm-256color', ...env}, stdio: ['pipe', 'pipe', 'pipe']});
		let firstByteMs;
		let visibleMs;
		let output = '';
		let asked = false;
		const stopTimer = setTimeout(() => stop('SIGTERM'), timeoutMs);
		const stop = (signal) => {
			// script runs a shell that execs GNU time, which runs hoist: signal hoist itself, script's deepest descendant.
			const node = deepestDescendant(child.pid);
			try {
				process.kill(node ?? child.pid, signal);
			} catch {
				// already gone
			}
		};
		child.stdout.on('data', (chunk) => {
			const now = Number(process.hrtime.bigint() - started) / 1e6;
			firstByteMs ??= now;
			output += chunk.toString();
			if (visibleMs === undefined && visible(output)) visibleMs = now;
			if (!asked && until(output)) {
				asked = true;
				if (keys) child.stdin.write(keys);
				setTimeout(() => stop('SIGTERM'), graceMs).unref();
			}
		});
		child.on('error', reject);
		child.on('close', () => {
			clearTimeout(stopTimer);
			let rssKiB;
			try {
				rssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
			} catch {
				rssKiB = undefined;
			}
			rmSync(dir, {recursive: true, force: true});
			resolve({firstByteMs, visibleMs, output, rssKiB});
		});
	});
}

function deepestDescendant(pid) {
	const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], {encoding: 'utf8'}).stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
	let current = pid;
	let found;
	for (;;) {
		const next = table.find(([, parent]) => parent === current);
		if (!next) return found;
		current = found = next[0];
	}
}

/**
 * A stack folder for runs that never reach anything: AWS at a closed loopback port, so `hoist up` draws its screen,
 * loads what the first step needs and fails at preflight. Returns the folder and the environment.
 */
export function offlineStack() {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-offline-'));
	copyFileSync(join(repoRoot, 'test/fixtures/app/docker-compose.yml'), join(dir, 'docker-compose.yml'));
	writeFileSync(join(dir, 'hoist.yml'), 'stack: bench\ndomain: app.example.test\ncompose:\n  service: web\n  port: 8080\naws:\n  sshCidr: 10.77.0.1/32\n  region: us-east-1\n');
	const env = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		LANG: 'C.UTF-8',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
		AWS_CONFIG_FILE: '/dev/null',
		AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
		AWS_ACCESS_KEY_ID: 'bench',
		AWS_SECRET_ACCESS_KEY: 'bench',
		AWS_REGION: 'us-east-1',
	};
	return {dir, env, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}
