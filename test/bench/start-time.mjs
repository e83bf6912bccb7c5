#!/usr/bin/env node
// Start-up benchmark: median wall time of `hoist --version` next to a bare `node -e 0`, so the figure
// shows what hoist itself adds. Run with `npm run bench` (it builds first).
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const cli = fileURLToPath(new URL('../../dist/source/cli.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 25);

function median(command) {
	const times = [];
	for (let index = 0; index < runs + 3; index++) {
		const started = process.hrtime.bigint();
		const result = spawnSync(process.execPath, command, {stdio: 'ignore'});
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}`);
		if (index >= 3) times.push(ms); // the first runs warm the file cache
	}
	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)];
}

const bare = median(['-e', '0']);
const version = median([cli, '--version']);
const help = median([cli, '--help']);
console.log(`runs per command: ${runs}`);
console.log(`node -e 0              median ${bare.toFixed(1)} ms`);
console.log(`hoist --version        median ${version.toFixed(1)} ms  (+${(version - bare).toFixed(1)} ms over bare node)`);
console.log(`hoist --help           median ${help.toFixed(1)} ms  (+${(help - bare).toFixed(1)} ms over bare node)`);
