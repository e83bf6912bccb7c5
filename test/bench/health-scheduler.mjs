#!/usr/bin/env node
// Benchmark of templates/health-scheduler.sh on the sandbox (podman 4.3.1): what it costs to keep three
// healthchecked containers checked for BENCH_SECONDS (default 60), beside an idle `sleep` started the same way.
// CPU = utime+stime of the scheduler's shell plus cutime+cstime (every podman call it waited for), from
// /proc/<pid>/stat; memory = the shell's VmHWM. With --calls, podman runs through a wrapper on PATH
// (GNU time) that counts the calls and records each one's CPU and max RSS; the wrapper's own cost then
// inflates the CPU total, so the default run has no wrapper.
// Needs a running sandbox; it uses the shared sandbox, so hold its lock:
//   flock /tmp/hoist-sandbox.lock node test/bench/health-scheduler.mjs [--calls]     (or: npm run bench:health)
// Settings: BENCH_SECONDS (60), BENCH_INTERVALS (seconds, comma separated; default 2,10,30), BENCH_SCAN (the scheduler's default, 5).
import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const scheduler = fileURLToPath(new URL('../../templates/health-scheduler.sh', import.meta.url));
const sandboxDir = process.env.HOIST_SANDBOX_DIR ?? '/var/lib/hoist-sandbox';
const sandbox = JSON.parse(readFileSync(join(sandboxDir, 'env.json'), 'utf8'));
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const intervals = (process.env.BENCH_INTERVALS ?? '2,10,30').split(',').map(Number);
const scan = process.env.BENCH_SCAN ?? '5';
const ticks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim());
const image = sandbox.HOIST_SANDBOX_IMAGE_MIGRATE;
const tag = `bench-${process.pid}`;
const names = intervals.map((_, i) => `hoist-hs-${tag}-${i}`);
const instrumented = process.argv.includes('--calls');

const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-health-'));
const calls = join(dir, 'calls');
writeFileSync(calls, '');
// podman on PATH: records "<subcommand>|<max RSS KiB>|<user s>|<sys s>|<wall s>" per call, then runs the real one.
writeFileSync(join(dir, 'podman'), `#!/bin/sh\nexec /usr/bin/time -a -o ${calls} -f "$1|%M|%U|%S|%e" /usr/bin/podman "$@"\n`);
chmodSync(join(dir, 'podman'), 0o755);

const instance = (command, extra = {}) => [
	'nsenter', `--net=/run/netns/${sandbox.HOIST_SANDBOX_NETNS}`, 'env', `PATH=${instrumented ? `${dir}:` : ''}/usr/sbin:/usr/bin:/sbin:/bin`,
	`CONTAINERS_CONF=${sandboxDir}/instance/containers.conf`, `CONTAINERS_STORAGE_CONF=${sandboxDir}/instance/storage.conf`,
	`CONTAINERS_REGISTRIES_CONF=${sandboxDir}/instance/registries.conf`, `HOME=${sandboxDir}/instance/root`,
	...Object.entries(extra).map(([k, v]) => `${k}=${v}`), ...command,
];
const podman = (...args) => {
	const [cmd, ...rest] = instance(['/usr/bin/podman', ...args]);
	return execFileSync(cmd, rest, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim();
};
const start = (command, extra) => {
	const [cmd, ...rest] = instance(command, extra);
	return spawn(cmd, rest, {stdio: ['ignore', 'pipe', 'pipe']});
};

function usage(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
	// fields after "(comm) ": state=0 … utime=11 stime=12 cutime=13 cstime=14 (stat fields 14-17)
	const own = (f[11] + f[12]) / ticks;
	const children = (f[13] + f[14]) / ticks;
	const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	return {own, children, hwm};
}

let pulled = false;
let schedulerProcess;
let baseline;
try {
	try {
		podman('image', 'exists', image);
	} catch {
		podman('pull', '-q', '--creds', `${sandbox.HOIST_SANDBOX_REGISTRY_USER}:${sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD}`, image);
		pulled = true;
	}
	intervals.forEach((interval, i) => {
		podman('run', '-d', '--name', names[i], '--health-cmd', 'test -d /tmp', '--health-interval', `${interval}s`,
			'--entrypoint', '/bin/sh', image, '-c', `sleep ${seconds + 60}`);
	});

	schedulerProcess = start(['/bin/busybox', 'ash', scheduler], {HOIST_HEALTH_SCAN: scan});
	baseline = start(['/bin/busybox', 'sleep', String(seconds + 5)]);
	let output = '';
	schedulerProcess.stdout.on('data', (chunk) => (output += chunk));
	schedulerProcess.stderr.on('data', (chunk) => (output += chunk));

	process.stderr.write(`running ${seconds} s with ${intervals.length} containers (intervals ${intervals.join(', ')} s, scan ${scan} s)…\n`);
	await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
	const s = usage(schedulerProcess.pid);
	const b = usage(baseline.pid);
	schedulerProcess.kill('SIGTERM');
	await new Promise((resolve) => schedulerProcess.on('exit', resolve));

	const records = readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
		const [sub, rss, user, sys, wall] = line.split('|');
		return {sub, rss: Number(rss), cpu: Number(user) + Number(sys), wall: Number(wall)};
	});
	const bySub = new Map();
	for (const r of records) bySub.set(r.sub, [...(bySub.get(r.sub) ?? []), r]);
	const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
	const ms = (x) => `${(x * 1000).toFixed(0)} ms`;
	const pct = (x) => `${((x / seconds) * 100).toFixed(2)} %`;

	const total = s.own + s.children;
	console.log(`health scheduler on the sandbox: ${seconds} s, ${intervals.length} containers with healthchecks every ${intervals.join(', ')} s, scan ${scan} s${instrumented ? ', podman calls through GNU time' : ''}`);
	console.log('');
	console.log('                              CPU (user+sys)   of one core   peak RSS');
	console.log(`scheduler shell               ${ms(s.own).padStart(14)}   ${pct(s.own).padStart(11)}   ${String(s.hwm).padStart(6)} KiB`);
	const largest = instrumented ? `${String(Math.max(0, ...records.map((r) => r.rss))).padStart(6)} KiB (largest call)` : '    (--calls)';
	console.log(`podman calls it ran           ${ms(s.children).padStart(14)}   ${pct(s.children).padStart(11)}   ${largest}`);
	console.log(`total                         ${ms(total).padStart(14)}   ${pct(total).padStart(11)}`);
	console.log(`idle sleep (baseline)         ${ms(b.own + b.children).padStart(14)}   ${pct(b.own + b.children).padStart(11)}   ${String(b.hwm).padStart(6)} KiB`);
	if (instrumented) {
		console.log('');
		console.log('podman calls (through GNU time)   count   median CPU   median wall   median max RSS');
		for (const [sub, rs] of bySub) {
			console.log(`  ${sub.padEnd(31)}  ${String(rs.length).padStart(5)}   ${ms(median(rs.map((r) => r.cpu))).padStart(10)}   ${ms(median(rs.map((r) => r.wall))).padStart(11)}   ${String(median(rs.map((r) => r.rss))).padStart(8)} KiB`);
		}
		const expected = intervals.reduce((sum, interval) => sum + Math.ceil(seconds / interval), 0);
		console.log(`  (healthchecks at the containers' intervals in ${seconds} s: about ${expected})`);
	}
	console.log('');
	console.log('scheduler output:');
	console.log(output.trim().replace(/^/gm, '  '));
} finally {
	if (schedulerProcess && schedulerProcess.exitCode === null) schedulerProcess.kill('SIGKILL');
	if (baseline && baseline.exitCode === null) baseline.kill('SIGKILL');
	try {
		podman('rm', '-f', '-i', '-t', '0', ...names);
		if (pulled) podman('rmi', image);
	} catch (error) {
		process.stderr.write(`cleanup: ${error.message}\n`);
	}
	rmSync(dir, {recursive: true, force: true});
}
