#!/usr/bin/env node
// The server steps against the sandbox, beside a floor: `hoist up` from nothing to the certificate (wall time and SSH
// round trips per step, peak RSS), a second `hoist up` that finds everything done (round trips per step for its
// checks), the same in a terminal (the Ink screen's peak RSS), and test/bench/floor.sh doing the same remote work as
// bootstrap + registry-login + upload + deploy with plain `ssh` over one ControlMaster connection.
// A round trip = one remote command or one file transfer (HOIST_SSH_TRACE's exec and upload lines). A command line
// sent again within the same step is counted as polling, apart. The A record is set before the run, so the DNS step
// finds it at once and the certificate follows.
// Needs a running sandbox, and changes it (resets the emulator and the instance), so hold its lock:
//   flock /tmp/hoist-sandbox.lock node test/bench/server-steps.mjs [--json]       (npm run bench runs it for you)
// Settings: BENCH_ROUNDS (default 1; times are medians over the rounds, peak RSS the highest); BENCH_BUILD=bundle|tsc
// (default bundle: what bin ships); BENCH_TRACES=DIR keeps each run's events and SSH trace; BENCH_ROUTES=2 deploys the
// routed fixture (web on the domain and under /api, admin on admin.<domain>: two services swapped, two names certified).
import {execFileSync, spawn} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {builds, inTerminal, median, repoRoot} from './measure.mjs';

const sandboxDir = process.env.HOIST_SANDBOX_DIR ?? '/var/lib/hoist-sandbox';
const cli = builds[process.env.BENCH_BUILD ?? 'bundle'];
const asJson = process.argv.includes('--json');
const script = (name) => join(repoRoot, 'test/sandbox', name);
const quiet = (file, args, options = {}) => execFileSync(file, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options});
const say = (line) => process.stderr.write(`${line}\n`);

const sandbox = JSON.parse(readFileSync(join(sandboxDir, 'env.json'), 'utf8'));
const host = sandbox.HOIST_SANDBOX_HOST;
const stackName = 'bench';
const domain = `bench-${Date.now().toString(36)}.${sandbox.HOIST_SANDBOX_DNS_ZONE}`;
const routed = process.env.BENCH_ROUTES === '2';
const names = routed ? [domain, `admin.${domain}`] : [domain];
const instancePodman = (...args) =>
	quiet('nsenter', [`--net=/run/netns/${sandbox.HOIST_SANDBOX_NETNS}`, 'env', `CONTAINERS_CONF=${sandboxDir}/instance/containers.conf`,
		`CONTAINERS_STORAGE_CONF=${sandboxDir}/instance/storage.conf`, `CONTAINERS_REGISTRIES_CONF=${sandboxDir}/instance/registries.conf`,
		'/usr/bin/podman', ...args]);
/** A fresh instance as EC2 gives one: nothing deployed, no image pulled yet. */
function freshInstance() {
	quiet(script('instance-reset.sh'), []);
	instancePodman('image', 'rm', '--all', '--force');
}

const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-server-'));
copyFileSync(routed ? join(repoRoot, 'test/fixtures/routed/docker-compose.yml') : sandbox.HOIST_SANDBOX_COMPOSE_FILE, join(dir, 'docker-compose.yml'));
const where = routed
	? ['routes:', `  - {service: web, port: 8080, domains: [${domain}]}`, `  - {service: web, port: 8080, domains: [${domain}], path: /api, stripPrefix: true}`, `  - {service: admin, port: 8080, domains: [${names[1]}]}`]
	: [`domain: ${domain}`, 'compose:', '  service: web', '  port: 8080'];
writeFileSync(join(dir, 'hoist.yml'), [
	`stack: ${stackName}`, ...where,
	'aws:', '  sshCidr: 10.77.0.1/32', '  instanceType: t3.micro', `  elasticIp: ${sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID}`,
	'ssh:', '  waitSeconds: 30',
	'acme:', `  directory: ${sandbox.HOIST_SANDBOX_ACME_DIRECTORY}`, `  caRoot: ${sandbox.HOIST_SANDBOX_ACME_CA}`,
	`  trustRoots: [${sandbox.HOIST_SANDBOX_ACME_ROOT}]`, '  caaIdentities: [pebble.letsencrypt.org]',
	'dns:', `  resolvers: [${sandbox.HOIST_SANDBOX_DNS_BOOTSTRAP}]`, `  publicResolvers: [${sandbox.HOIST_SANDBOX_DNS_RESOLVERS.split(',').join(', ')}]`,
	`  expectAddress: ${host}`,
	'caddy:', `  image: ${sandbox.HOIST_SANDBOX_IMAGE_CADDY}`,
	'registry:', `  server: ${sandbox.HOIST_SANDBOX_REGISTRY}`, `  username: ${sandbox.HOIST_SANDBOX_REGISTRY_USER}`, '',
].join('\n'));
const env = {
	PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8',
	AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
	AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
	AWS_ENDPOINT_URL_EC2: sandbox.AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_STS: sandbox.AWS_ENDPOINT_URL_STS, AWS_REGION: sandbox.AWS_REGION,
	AWS_ACCESS_KEY_ID: sandbox.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: sandbox.AWS_SECRET_ACCESS_KEY,
	HOIST_REGISTRY_TOKEN: sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD,
};

/** `hoist ARGS --json` under GNU time, with the SSH trace: steps with their time window, trace entries, peak RSS. */
function hoistJson(args) {
	const trace = join(dir, `trace-${Date.now()}.jsonl`);
	const rssFile = join(dir, 'rss');
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn('/usr/bin/time', ['-q', '-o', rssFile, '-f', '%M', ...cli, ...args, '--json'], {
			cwd: dir, env: {...env, CI: 'true', HOIST_SSH_TRACE: trace}, stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			const wallMs = Date.now() - started;
			if (code !== 0) return reject(new Error(`hoist ${args.join(' ')} exited ${code}:\n${stdout.slice(-3000)}\n${stderr}`));
			if (process.env.BENCH_TRACES) {
				// Kept for a closer look: the events and the SSH trace of each run.
				const name = `${args[0]}-${Date.now()}`;
				if (existsSync(trace)) cpSync(trace, join(process.env.BENCH_TRACES, `${name}.trace.jsonl`), {force: true});
				writeFileSync(join(process.env.BENCH_TRACES, `${name}.events.jsonl`), stdout);
			}
			const events = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
			const entries = existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
			resolve({wallMs, rssKiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()), steps: perStep(events, entries), connects: entries.filter((e) => e.type === 'connect').length});
		});
	});
}

/**
 * Each step's wall time and its trace entries (an entry belongs to the last step started before it): round trips,
 * and repeats of a command line within the step (polls) apart.
 */
function perStep(events, entries) {
	const steps = [];
	for (const event of events) {
		if (event.type === 'step-started') steps.push({id: event.stepId, from: event.at, roundTrips: 0, polls: 0, uploads: 0, seen: new Set()});
		if (event.type === 'step-done' || event.type === 'step-failed') {
			Object.assign(steps.findLast((s) => s.id === event.stepId), {ms: event.durationMs, reused: event.reused === true});
		}
	}
	for (const entry of entries) {
		if (entry.type !== 'exec' && entry.type !== 'upload') continue;
		const step = steps.findLast((s) => s.from <= entry.at);
		if (!step) continue;
		const key = entry.type === 'exec' ? entry.line : `upload ${entry.path}`;
		if (step.seen.has(key)) step.polls++;
		else step.roundTrips++;
		if (entry.type === 'upload') step.uploads++;
		step.seen.add(key);
	}
	return steps.map(({seen, from, ...step}) => step);
}

const serverSteps = ['bootstrap', 'registry-login', 'upload', 'deploy'];
const results = {domain, routes: routed ? 2 : 1, build: process.env.BENCH_BUILD ?? 'bundle'};
const key = join(dir, 'floor_ed25519');
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const floorEnv = (files) => ({
	PATH: process.env.PATH, HOME: process.env.HOME,
	FLOOR_HOST: host, FLOOR_USER: sandbox.HOIST_SANDBOX_SSH_USER, FLOOR_KEY: key, FLOOR_KNOWN_HOSTS: sandbox.HOIST_SANDBOX_KNOWN_HOSTS,
	FLOOR_STACK: stackName, FLOOR_FILES: files, FLOOR_REGISTRY: sandbox.HOIST_SANDBOX_REGISTRY, FLOOR_REGISTRY_USER: sandbox.HOIST_SANDBOX_REGISTRY_USER,
});
/** The median of each step's time over the rounds; round trips as the first round counted them. */
const medianSteps = (runs) => runs[0].map((step) => ({...step, ms: median(runs.map((steps) => steps.find((s) => s.id === step.id)?.ms ?? 0))}));
try {
	say(`server steps: ${rounds} round(s); A record ${names.join(', ')} → ${host}`);
	for (const name of names) quiet(script('dns-record.sh'), ['auth', 'set', name, 'A', host, '60']);
	quiet(script('dns-record.sh'), ['all', 'flush']);
	quiet('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key, '-C', 'hoist-bench-floor']);
	quiet(script('authorize-key.sh'), ['add', `${key}.pub`]);
	const runs = {first: [], second: [], floor: []};
	for (let round = 0; round < rounds; round++) {
		quiet(script('moto-reset.sh'), []);
		freshInstance();
		rmSync(join(dir, '.hoist'), {recursive: true, force: true});
		say(`round ${round + 1}: hoist up (from nothing to the certificate)…`);
		runs.first.push(await hoistJson(['up']));
		say(`round ${round + 1}: hoist up again (nothing to do)…`);
		runs.second.push(await hoistJson(['up']));
		if (round === 0) {
			say('hoist up again in a terminal (the Ink screen)…');
			const screen = await inTerminal([...cli, 'up'], {cwd: dir, env, until: (output) => output.includes('answers (Caddy in front of'), graceMs: 10_000, timeoutMs: 120_000});
			results.screen = {rssKiB: screen.rssKiB, firstByteMs: screen.firstByteMs, finished: screen.output.includes('answers (Caddy in front of')};
		}
		// The floor's inputs: the files hoist put in the stack's directory on the server (the instance shares this filesystem).
		const files = join(dir, 'floor-files');
		rmSync(files, {recursive: true, force: true});
		cpSync(`/srv/hoist/${stackName}`, files, {recursive: true, filter: (path) => !path.includes('.hoist-docker')});
		say(`round ${round + 1}: hoist destroy…`);
		await hoistJson(['destroy', '--yes']);
		freshInstance();
		say(`round ${round + 1}: floor, the same remote work with plain ssh…`);
		const floorOut = execFileSync(join(repoRoot, 'test/bench/floor.sh'), [], {
			encoding: 'utf8', input: sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD, stdio: ['pipe', 'pipe', 'pipe'], env: floorEnv(files),
		});
		// floor.sh prints "step <name> <ms> <round trips>" per step.
		runs.floor.push(floorOut.split('\n').filter((line) => line.startsWith('step ')).map((line) => {
			const [, id, ms, roundTrips] = line.split(' ');
			return {id, ms: Number(ms), roundTrips: Number(roundTrips)};
		}));
	}
	const whole = (list) => ({...list[0], wallMs: median(list.map((run) => run.wallMs)), rssKiB: Math.max(...list.map((run) => run.rssKiB)), steps: medianSteps(list.map((run) => run.steps))});
	Object.assign(results, {rounds, first: whole(runs.first), second: whole(runs.second), floor: medianSteps(runs.floor)});
} finally {
	try {
		if (existsSync(`${key}.pub`)) quiet(script('authorize-key.sh'), ['remove', `${key}.pub`]);
		for (const name of names) quiet(script('dns-record.sh'), ['auth', 'delete', name, 'A']);
		freshInstance();
		quiet(script('moto-reset.sh'), []);
	} catch (error) {
		say(`cleanup: ${error.message}`);
	}
	rmSync(dir, {recursive: true, force: true});
}

if (asJson) {
	process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
	const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
	console.log(`server steps against the sandbox (${results.build} build, ${results.routes} route(s), medians of ${results.rounds} round(s)), ${results.first.connects} SSH connection(s) in the first run`);
	console.log('step              first up        round trips (+polls)   second up round trips   floor          floor round trips');
	for (const step of results.first.steps) {
		const again = results.second.steps.find((s) => s.id === step.id);
		const floor = results.floor.find((s) => s.id === step.id);
		console.log(`${step.id.padEnd(17)} ${sec(step.ms).padStart(9)}   ${`${step.roundTrips} (+${step.polls})`.padStart(14)}          ${String(again?.roundTrips ?? '-').padStart(10)}       ${floor ? sec(floor.ms).padStart(9) : '        -'}   ${floor ? String(floor.roundTrips).padStart(8) : ''}`);
	}
	const sum = (steps) => steps.filter((s) => serverSteps.includes(s.id)).reduce((total, s) => total + s.ms, 0);
	console.log(`bootstrap+login+upload+deploy: hoist ${sec(sum(results.first.steps))}, floor ${sec(sum(results.floor))} (${(sum(results.first.steps) / sum(results.floor)).toFixed(2)}×)`);
	console.log(`peak RSS: hoist up --json ${(results.first.rssKiB / 1024).toFixed(0)} MB, the Ink screen (second up) ${(results.screen.rssKiB / 1024).toFixed(0)} MB`);
}
