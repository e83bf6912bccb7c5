import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {repoRoot} from './run-cli.js';

export interface InstalledPackage {
	/** The installed `hoist` (prefix/bin/hoist), as a user's PATH would find it. */
	bin: string;
	/** The installed package's own folder (prefix/lib/node_modules/<name>). */
	root: string;
	/** What `npm pack` put in the tarball. */
	packed: {name: string; version: string; files: string[]; unpackedSize: number};
	install: {ms: number; stdout: string; stderr: string};
	cleanup(): void;
}

/**
 * Packs the checkout's package (the bundle must be built: `npm run build`) and installs the tarball globally into
 * an empty prefix, offline: the package has no dependency, so npm needs nothing from the registry.
 */
export function installPackage(): InstalledPackage {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-package-'));
	const prefix = join(dir, 'prefix');
	// --ignore-scripts: prepack would build again; the tests run on the build that is there.
	const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], repoRoot);
	const [packed] = JSON.parse(pack.stdout) as Array<{name: string; version: string; filename: string; unpackedSize: number; files: Array<{path: string}>}>;
	if (!packed) throw new Error(`npm pack said nothing: ${pack.stderr}`);
	const started = Date.now();
	const install = npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], dir);
	const ms = Date.now() - started;
	return {
		bin: join(prefix, 'bin', 'hoist'),
		root: join(prefix, 'lib', 'node_modules', packed.name),
		packed: {name: packed.name, version: packed.version, files: packed.files.map((file) => file.path), unpackedSize: packed.unpackedSize},
		install: {ms, stdout: install.stdout, stderr: install.stderr},
		cleanup: () => rmSync(dir, {recursive: true, force: true}),
	};
}

function npm(args: string[], cwd: string): {stdout: string; stderr: string} {
	// npm's own settings from a surrounding `npm test` (npm_config_*) would change where and how it installs.
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
	const result = spawnSync('npm', args, {cwd, env, encoding: 'utf8', timeout: 120_000});
	if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${String(result.status)}:\n${result.stdout}\n${result.stderr}`);
	return {stdout: result.stdout, stderr: result.stderr};
}
