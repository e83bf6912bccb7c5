#!/usr/bin/env node
// `npm run bench`: hoist's figures in one table, each beside what it is measured against and the goal (issue 13).
// Without the sandbox: start-up (`hoist --version` vs `node -e 0`), the compose check of 1,000 and 5,000 services
// (test/bench/compose-scale.mjs), the wizard's first frame (the first byte the
// Ink run screen writes to a pseudo-terminal, beside `node` writing one byte to the same kind of terminal), and the
// wizard's peak RSS up to a failing first AWS call (AWS at a closed loopback port). Each for tsc's build and the
// bundle. With the sandbox running (test/sandbox/up.sh): test/bench/server-steps.mjs under the sandbox lock adds
// time to HTTPS per step beside the floor (test/bench/floor.sh), SSH round trips, and peak RSS of whole runs.
// A sandbox that is not running is not started (its rows say "skipped: sandbox not running") unless
// BENCH_START_SANDBOX=1: then it is started, and stopped again afterwards, under the sandbox lock.
// Settings: BENCH_RUNS (start-up runs per command, default 25), BENCH_FRAMES (first-frame runs, default 7),
// BENCH_ROUNDS (rounds of the sandbox part, default 1), BENCH_SANDBOX=0 (skip the sandbox part even when it runs).
import {execFileSync, spawnSync} from 'node:child_process';
import {cpus} from 'node:os';
import {join} from 'node:path';
import {builds, inTerminal, median, medianWall, node, offlineStack, repoRoot} from './measure.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 25);
const frames = Number(process.env.BENCH_FRAMES ?? 7);
const say = (line) => process.stderr.write(`${line}\n`);
const ms = (value) => `${value.toFixed(0)} ms`;
const mb = (kib) => `${(kib / 1024).toFixed(0)} MB`;
const times = (value, base) => `${(value / base).toFixed(1)}×`;
const rows = [];
const row = (what, hoist, beside, ratio, goal) => rows.push([what, hoist, beside, ratio, goal]);

say('start-up…');
const bare = medianWall([...node, '-e', '0'], runs);
for (const [build, cli] of Object.entries(builds)) {
	const version = medianWall([...cli, '--version'], runs);
	row(`hoist --version (${build})`, ms(version), `node -e 0: ${ms(bare)}`, times(version, bare), '≤ 2×');
}
const help = medianWall([...builds.bundle, '--help'], runs);
row('hoist --help (bundle)', ms(help), `node -e 0: ${ms(bare)}`, times(help, bare), '');

say('the compose check at scale…');
const composeScale = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'test/bench/compose-scale.mjs')], {encoding: 'utf8'}).trim());
const [fewer, more] = Object.keys(composeScale).map(Number);
row(`compose check, ${more} services`, ms(composeScale[more]), `${fewer} services: ${ms(composeScale[fewer])}`, times(composeScale[more], composeScale[fewer]), `≈ ${more / fewer}× (linear)`);

say('first frame and peak RSS of the wizard…');
const offline = offlineStack();
const failedAtPreflight = (output) => output.includes('Run `hoist up` again');
try {
	const baseline = [];
	for (let index = 0; index < frames; index++) {
		baseline.push((await inTerminal([...node, '-e', "process.stdout.write('x')"], {cwd: offline.dir, env: offline.env})).firstByteMs);
	}
	const terminalBare = median(baseline);
	for (const [build, cli] of Object.entries(builds)) {
		const firstFrames = [];
		const peaks = [];
		for (let index = 0; index < frames; index++) {
			const run = await inTerminal([...cli, 'up'], {cwd: offline.dir, env: offline.env, until: failedAtPreflight, keys: 'q'});
			if (!failedAtPreflight(run.output)) throw new Error(`hoist up (${build}) did not reach its failure screen:\n${run.output.slice(-2000)}`);
			firstFrames.push(run.firstByteMs);
			peaks.push(run.rssKiB);
		}
		row(`wizard's first frame (${build})`, ms(median(firstFrames)), `node -e 0: ${ms(bare)} (1st byte ${ms(terminalBare)})`, times(median(firstFrames), bare), '≤ 3×');
		row(`wizard peak RSS, to preflight (${build})`, mb(median(peaks)), '', '', '≤ 130 MB');
	}
} finally {
	offline.cleanup();
}

const sandboxUp = spawnSync(join(repoRoot, 'test/sandbox/status.sh'), ['--quiet'], {stdio: 'ignore'}).status === 0;
const startSandbox = !sandboxUp && process.env.BENCH_START_SANDBOX === '1';
if (process.env.BENCH_SANDBOX === '0' || (!sandboxUp && !startSandbox)) {
	const why = sandboxUp ? 'skipped: BENCH_SANDBOX=0' : 'skipped: sandbox not running';
	for (const what of ['time to HTTPS, per step, vs floor', 'SSH round trips', 'peak RSS of hoist up', 'peak RSS of the wizard, whole run']) row(what, why, '', '', '');
} else {
	say('server steps against the sandbox (waits for the sandbox lock)…');
	// With BENCH_START_SANDBOX=1 a sandbox that was not running is started, and stopped again afterwards, under the lock.
	const steps = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'test/bench/server-steps.mjs'))} --json`;
	// The sandbox may have been stopped while this waited for the lock: asked again once the lock is held.
	const start = process.env.BENCH_START_SANDBOX === '1' ? 'test/sandbox/up.sh >&2 || exit 1; started=1' : `echo '{"skipped":true}'; exit 0`;
	const locked = `test/sandbox/status.sh --quiet || { ${start}; }; ${steps}; code=$?; [ -z "\${started:-}" ] || test/sandbox/down.sh >&2; exit $code`;
	const out = execFileSync('flock', ['/tmp/hoist-sandbox.lock', 'sh', '-c', locked], {cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']});
	const server = JSON.parse(out.trim().split('\n').pop());
	if (server.skipped) {
		row('time to HTTPS, per step, vs floor', 'skipped: sandbox not running (stopped while waiting for its lock)', '', '', '');
	} else {
		const serverSteps = ['bootstrap', 'registry-login', 'upload', 'deploy'];
		const total = server.first.steps.reduce((sum, step) => sum + step.ms, 0);
		row(`time to HTTPS (hoist up from nothing, ${server.build}, median of ${server.rounds})`, ms(total), '', '', '');
		for (const step of server.first.steps) {
			const floor = server.floor.find((s) => s.id === step.id);
			const again = server.second.steps.find((s) => s.id === step.id);
			const trips = `${step.roundTrips}${step.polls ? ` +${step.polls} polls` : ''} rt, again ${again?.roundTrips ?? '-'} rt`;
			row(`  ${step.id}`, `${ms(step.ms)}, ${trips}`, floor ? `floor: ${ms(floor.ms)}, ${floor.roundTrips} rt` : '', floor ? times(step.ms, floor.ms) : '', floor ? '' : again && again.roundTrips > 1 ? '≤ 1 rt again' : '');
		}
		const hoistServer = server.first.steps.filter((s) => serverSteps.includes(s.id)).reduce((sum, s) => sum + s.ms, 0);
		const floorServer = server.floor.reduce((sum, s) => sum + s.ms, 0);
		const trips = (steps) => steps.filter((s) => serverSteps.includes(s.id)).reduce((sum, s) => sum + s.roundTrips, 0);
		row('bootstrap+login+upload+deploy', ms(hoistServer), `floor: ${ms(floorServer)}`, times(hoistServer, floorServer), '≤ 1.2×');
		row('  their SSH round trips (+polls)', `${trips(server.first.steps)} +${server.first.steps.filter((s) => serverSteps.includes(s.id)).reduce((sum, s) => sum + s.polls, 0)}`, `floor: ${trips(server.floor)}`, '', '');
		row('SSH connections, first hoist up', String(server.first.connects), '', '', '1');
		row('second hoist up (nothing to do)', `${ms(server.second.wallMs)}, ${server.second.steps.reduce((sum, s) => sum + s.roundTrips + s.polls, 0)} rt`, '', '', '≤ 1 rt per step');
		row('peak RSS of hoist up --json (first run)', mb(server.first.rssKiB), '', '', '≤ 130 MB');
		row('peak RSS of the wizard (Ink, second up)', mb(server.screen.rssKiB), '', '', '≤ 130 MB');
	}
}

const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...[['measure', 'hoist', 'beside', 'ratio', 'goal'], ...rows].map((r) => r[column].length)));
const line = (r) => r.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
console.log(`hoist benchmarks · ${new Date().toISOString().slice(0, 10)} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} · node ${process.version} · ${runs} start-up runs, ${frames} terminal runs (medians)`);
console.log(line(['measure', 'hoist', 'beside', 'ratio', 'goal']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
