// Zero shellcheck findings (any severity) in what goes to the server and in the sandbox scripts.
// Proves the scripts are free of the mistakes shellcheck knows; says nothing about what they do.
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {run} from '../sandbox/sandbox.js';
import {repoRoot, shimDir, templates} from './harness.js';

function files(dir: string, keep: (name: string) => boolean): string[] {
	return readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter(keep).map((name) => path.join(dir, name)).sort();
}

async function shellcheck(args: string[]): Promise<void> {
	const result = await run('shellcheck', ['--format=gcc', ...args]);
	expect(result.stdout + result.stderr, `shellcheck ${args.join(' ')}`).toBe('');
	expect(result.code).toBe(0);
}

describe('shellcheck', () => {
	it('is installed (test/sandbox/install-packages.sh installs it)', async () => {
		const result = await run('shellcheck', ['--version']);
		expect(result.code).toBe(0);
	});

	const templateScripts = files(templates, (name) => name.endsWith('.sh'));
	const openrc = files(path.join(templates, 'openrc'), () => true);
	it('finds the templates', () => {
		expect(templateScripts.map((file) => path.relative(templates, file))).toEqual(['bootstrap.sh', 'health-scheduler.sh']);
		expect(openrc.map((file) => path.relative(templates, file))).toEqual(['openrc/hoist-health.initd']);
	});

	it.each(templateScripts)('templates: sh -s sh %s', async (file) => {
		await shellcheck(['-s', 'sh', file]);
	});

	// #!/sbin/openrc-run is no shell shellcheck knows: checked as POSIX sh. The file itself disables SC2034 only
	// (openrc-run reads the variables it assigns) and says why.
	it.each(openrc)('templates: OpenRC service as sh %s', async (file) => {
		await shellcheck(['-s', 'sh', file]);
	});

	it.each(files(shimDir, (name) => name.endsWith('.sh')))('test shims: -s sh %s', async (file) => {
		await shellcheck(['-s', 'sh', file]);
	});

	const sandbox = path.join(repoRoot, 'test/sandbox');
	it.each(files(sandbox, (name) => name.endsWith('.sh') && !name.includes('/')))('sandbox scripts: bash %s', async (file) => {
		await shellcheck(['-x', '-P', 'SCRIPTDIR', file]);
	});
});
