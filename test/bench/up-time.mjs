#!/usr/bin/env node
// Benchmark of the provisioning half against the local sandbox: wall time of `hoist up` from nothing to
// "SSH ready", of a second `hoist up` that finds everything done, and of `hoist destroy`, plus how many
// AWS API calls each makes (counted by a loopback proxy in front of the emulator). Needs a running sandbox:
//   test/sandbox/up.sh && npm run build && node test/bench/up-time.mjs
import {spawn} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, request} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const cli = fileURLToPath(new URL('../../dist/source/cli.js', import.meta.url));
const sandboxDir = process.env.HOIST_SANDBOX_DIR ?? '/var/lib/hoist-sandbox';
const sandbox = JSON.parse(readFileSync(join(sandboxDir, 'env.json'), 'utf8'));
const rounds = Number(process.env.BENCH_RUNS ?? 5);
const target = new URL(sandbox.AWS_ENDPOINT_URL_EC2);

let calls = 0;
const proxy = createServer((req, res) => {
	calls++;
	const upstream = request({host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers}, (answer) => {
		res.writeHead(answer.statusCode ?? 502, answer.headers);
		answer.pipe(res);
	});
	req.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${proxy.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-'));
copyFileSync(sandbox.HOIST_SANDBOX_COMPOSE_FILE, join(dir, 'docker-compose.yml'));
writeFileSync(join(dir, 'hoist.yml'), `stack: bench
domain: ${sandbox.HOIST_SANDBOX_DOMAIN}
compose:
  service: web
  port: 8080
aws:
  sshCidr: 10.77.0.1/32
  elasticIp: ${sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID}
`);
const env = {
	PATH: process.env.PATH,
	HOME: process.env.HOME,
	CI: 'true',
	AWS_EC2_METADATA_DISABLED: 'true',
	AWS_REGION: sandbox.AWS_REGION,
	AWS_ACCESS_KEY_ID: sandbox.AWS_ACCESS_KEY_ID,
	AWS_SECRET_ACCESS_KEY: sandbox.AWS_SECRET_ACCESS_KEY,
	AWS_ENDPOINT_URL_EC2: endpoint,
	AWS_ENDPOINT_URL_STS: endpoint,
};

async function timed(args) {
	calls = 0;
	const started = process.hrtime.bigint();
	// Asynchronous, so the proxy in this process keeps answering while hoist runs.
	const result = await new Promise((resolve) => {
		const child = spawn(process.execPath, [cli, ...args], {cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (code) => resolve({code, stderr}));
	});
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	if (result.code !== 0) throw new Error(`hoist ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
	return {ms, calls};
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const samples = {fresh: [], again: [], destroy: []};
try {
	for (let round = 0; round < rounds; round++) {
		samples.fresh.push(await timed(['up']));
		samples.again.push(await timed(['up']));
		samples.destroy.push(await timed(['destroy', '--yes']));
	}
} finally {
	proxy.close();
	rmSync(dir, {recursive: true, force: true});
}
console.log(`rounds: ${rounds} (sandbox at ${sandboxDir})`);
for (const [name, label] of [['fresh', 'hoist up, nothing there yet → SSH ready'], ['again', 'hoist up, everything already done'], ['destroy', 'hoist destroy --yes']]) {
	const runs = samples[name];
	console.log(`${label.padEnd(42)} median ${median(runs.map((run) => run.ms)).toFixed(0)} ms, ${median(runs.map((run) => run.calls))} AWS calls`);
}
