#!/usr/bin/env node
// Benchmark of the DNS watcher against the sandbox's knot ns1/ns2: how long after an authoritative change the watcher
// reports the name ready. Each trial watches a fresh name (absent at first) with the real watch loop and the real
// clock (the dns step's code path: watchNames, polling 2 s at first and backing off to 30 s), changes the record on
// both authoritative servers CHANGE seconds after the watch started, and measures from the moment the change is
// committed to the end of the first round that says "ready". Goal: within one poll interval (the wait that was
// running when the change landed, plus the round itself). Prints figures; it is not a test.
// Needs a running sandbox (test/sandbox/up.sh); it changes the shared sandbox's DNS, so hold its lock:
//   flock /tmp/hoist-sandbox.lock node test/bench/dns-watch.mjs      (or: npm run bench:dns, which builds first)
// Settings: BENCH_CHANGES (seconds after the start, comma separated; default 1,5,15,40).
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {systemClock} from '../../dist/source/engine/clock.js';
import {watchNames} from '../../dist/source/dns/watch-loop.js';

const sandboxDir = process.env.HOIST_SANDBOX_DIR ?? '/var/lib/hoist-sandbox';
const script = (name) => fileURLToPath(new URL(`../sandbox/${name}`, import.meta.url));
const changes = (process.env.BENCH_CHANGES ?? '1,5,15,40').split(',').map(Number);

try {
	execFileSync(script('status.sh'), ['--quiet'], {stdio: 'ignore'});
} catch {
	console.error('The sandbox is not running: start it with test/sandbox/up.sh (under flock /tmp/hoist-sandbox.lock).');
	process.exit(2);
}
const sandbox = JSON.parse(readFileSync(join(sandboxDir, 'env.json'), 'utf8'));
const address = sandbox.HOIST_SANDBOX_EIP_ADDRESS;
const record = (...args) => execFileSync(script('dns-record.sh'), args, {stdio: ['ignore', 'ignore', 'pipe']});

async function trial(changeAfterS, index) {
	const name = `bench-${process.pid}-${index}.${sandbox.HOIST_SANDBOX_DNS_ZONE}`;
	record('auth', 'delete', name, 'A');
	const started = Date.now();
	let changedAt;
	let waitInForce;
	let lastWait;
	let rounds = 0;
	const timer = setTimeout(() => {
		waitInForce = lastWait;
		record('auth', 'set', name, 'A', address, '60');
		changedAt = Date.now();
	}, changeAfterS * 1000);
	const ready = await watchNames({
		names: [name],
		expectAddress: address,
		privateTargetOk: true,
		caaIdentities: [],
		caName: 'Pebble',
		bootstrap: [sandbox.HOIST_SANDBOX_DNS_BOOTSTRAP],
		publicResolvers: [],
		clock: systemClock,
		timeoutMs: (changeAfterS + 120) * 1000,
		onRound: (round) => {
			rounds = round.round;
		},
		onWait: (_round, nextInMs) => {
			lastWait = nextInMs;
		},
		giveUp: () => new Error(`${name} never became ready`),
	});
	clearTimeout(timer);
	record('auth', 'delete', name, 'A');
	const reportedAt = ready.at;
	return {changeAfterS, waitInForce: waitInForce ?? 0, delay: reportedAt - changedAt, rounds, total: reportedAt - started};
}

const results = [];
for (const [index, change] of changes.entries()) results.push(await trial(change, index));

console.log(`DNS watcher: delay from an authoritative change (ns1 and ns2, committed) to the round reporting it ready`);
console.log('change at   poll wait in force   delay    rounds   within one poll');
for (const r of results) {
	const within = r.delay <= r.waitInForce + 1000;
	console.log(`${`${r.changeAfterS} s`.padEnd(11)} ${`${(r.waitInForce / 1000).toFixed(2)} s`.padEnd(20)} ${`${(r.delay / 1000).toFixed(2)} s`.padEnd(8)} ${String(r.rounds).padEnd(8)} ${within ? 'yes' : 'NO'}`);
}
const worst = Math.max(...results.map((r) => r.delay - r.waitInForce));
console.log(`worst delay beyond the wait in force: ${(worst / 1000).toFixed(2)} s`);
