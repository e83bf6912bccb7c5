// The package as people get it: `npm pack` of the checkout, installed with `npm install -g` into an empty prefix, and
// the installed `hoist` run from outside the checkout. The whole `hoist up` from the installed copy is in
// test/e2e/package-install.test.ts.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {installPackage, type InstalledPackage} from '../helpers/installed-package.js';
import {cleanEnv, repoRoot} from '../helpers/run-cli.js';
import {minimalConfig} from '../helpers/temp-stack.js';

let installed: InstalledPackage;
let workDir: string;

beforeAll(() => {
	installed = installPackage();
	workDir = mkdtempSync(join(tmpdir(), 'hoist-installed-'));
}, 120_000);

afterAll(() => {
	installed?.cleanup();
	if (workDir) rmSync(workDir, {recursive: true, force: true});
});

/** The installed hoist, in a directory outside the checkout, without a terminal. */
function hoist(args: string[], cwd = workDir) {
	const result = spawnSync(installed.bin, args, {cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('the package', () => {
	it('holds the bundle, the templates, README, LICENSE and package.json, nothing else, in at most 10 MB', () => {
		const outside = installed.packed.files.filter((file) => !/^(dist\/bundle\/|templates\/)/.test(file) && !['README.md', 'LICENSE', 'package.json'].includes(file));
		expect(outside).toEqual([]);
		expect(installed.packed.files).toContain('dist/bundle/hoist.js');
		expect(installed.packed.files.filter((file) => file.startsWith('templates/')).sort()).toContain('templates/bootstrap.sh');
		expect(installed.packed.files.some((file) => file.endsWith('.map') || file.endsWith('.d.ts'))).toBe(false);
		expect(installed.packed.unpackedSize).toBeLessThanOrEqual(10 * 1024 * 1024);
		const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(manifest['name']).toBe(installed.packed.name);
		expect(manifest['private']).toBeUndefined();
		expect(manifest['dependencies'] ?? {}).toEqual({});
		expect(readFileSync(join(installed.root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
	});

	it('installs offline in under 15 s without a warning, and nothing besides itself', () => {
		expect(installed.install.ms).toBeLessThan(15_000);
		expect(installed.install.stderr).toBe('');
		expect(installed.install.stdout).toMatch(/added 1 package/);
		expect(existsSync(join(installed.root, 'node_modules'))).toBe(false);
	});
});

describe('the installed hoist', () => {
	it('--version prints the package version', () => {
		const result = hoist(['--version']);
		expect(result).toEqual({code: 0, stdout: `${installed.packed.version}\n`, stderr: ''});
	});

	it('--help lists the commands', () => {
		const result = hoist(['--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^hoist — /);
		for (const command of ['init', 'up', 'deploy', 'status', 'destroy']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
	});

	it('init without a terminal asks nothing and exits 2 with the way on', () => {
		const result = hoist(['init']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('no one can answer them here');
		expect(result.stderr).toContain('write hoist.yml and run `hoist up --yes`');
		expect(existsSync(join(workDir, 'hoist.yml'))).toBe(false);
	});

	it('checks a compose file against the schema compiled into the bundle, oneOf branches included', () => {
		const dir = mkdtempSync(join(workDir, 'stack-'));
		writeFileSync(join(dir, 'hoist.yml'), minimalConfig());
		writeFileSync(join(dir, 'docker-compose.yml'), ['services:', '  web:', '    image: busybox', '    enviroment: {A: "1"}', '    ports:', '      - target: http', '        published: 8080', ''].join('\n'));
		const result = hoist(['up', '--json'], dir);
		expect(result.code, result.stderr).toBe(2);
		// Refused before the run (and before .hoist/ is touched): one error event.
		const failed = result.stdout
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as {type: string; error?: {code: string; message: string; hint: string}})
			.find((event) => event.type === 'error');
		expect(existsSync(join(dir, '.hoist'))).toBe(false);
		expect(failed?.error?.code).toBe('COMPOSE_INVALID');
		expect(failed?.error?.message).toBe('docker-compose.yml:4:5: services.web.enviroment: unknown key (did you mean "environment"?)');
		expect(failed?.error?.hint).toContain('docker-compose.yml:6:17: services.web.ports[0].target: expected a whole number, got "http"');
	});
});
