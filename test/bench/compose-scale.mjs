// The compose check of a file with many services, for `npm run bench` (issue 17: 2,000 services took 4.9 s and
// 5,000 over 27 s while the check grew with the square of the services). Prints {services: ms} as JSON; each figure
// is the median of a few runs in this process, after one run that compiles the Compose schema.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadComposeProject} from '../../dist/source/compose/project.js';

const sizes = [1000, 5000];
const runs = 3;

function composeWith(count) {
	const lines = ['services:'];
	for (let index = 0; index < count; index++) {
		lines.push(`  s${index}:`, '    image: ghcr.io/acme/job:1', '    depends_on:', `      ${index + 1 < count ? `s${index + 1}` : 'web'}: {condition: service_healthy}`);
	}
	lines.push('  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', '');
	return lines.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-compose-'));
try {
	const check = (count) => {
		const file = join(dir, 'docker-compose.yml');
		writeFileSync(file, composeWith(count));
		const started = performance.now();
		loadComposeProject({file, env: {}, web: {service: 'web', port: 8080}});
		return performance.now() - started;
	};
	check(1);
	const result = {};
	for (const size of sizes) {
		const times = Array.from({length: runs}, () => check(size)).sort((a, b) => a - b);
		result[size] = times[Math.floor(runs / 2)];
	}
	console.log(JSON.stringify(result));
} finally {
	rmSync(dir, {recursive: true, force: true});
}
