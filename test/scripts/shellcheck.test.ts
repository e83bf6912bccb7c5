// Zero shellcheck findings (any severity) in what goes to the server and in the sandbox scripts.
// Proves the scripts are free of the mistakes shellcheck knows; says nothing about what they do.
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {configSchema} from '../../source/config/schema.js';
import {stackFiles} from '../../source/engine/stack-files.js';
import {stackBundle} from '../../source/server/bundle.js';
import {confirmedSites} from '../../source/server/sites.js';
import {readProject} from '../../source/server/project.js';
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
		expect(templateScripts.map((file) => path.relative(templates, file))).toEqual(['bootstrap.sh', 'health-scheduler.sh', 'host-upgrade.sh', 'stack/hoist-boot.sh']);
		expect(openrc.map((file) => path.relative(templates, file))).toEqual(['openrc/hoist-health.initd', 'openrc/hoist-stack.initd']);
	});

	it.each(templateScripts)('templates: sh -s sh %s', async (file) => {
		await shellcheck(['-s', 'sh', file]);
	});

	// #!/sbin/openrc-run is no shell shellcheck knows: checked as POSIX sh. The file itself disables SC2034 only
	// (openrc-run reads the variables it assigns) and says why.
	it.each(openrc)('templates: OpenRC service as sh %s', async (file) => {
		await shellcheck(['-s', 'sh', file]);
	});

	// The stack's boot script and service as hoist writes them (placeholders filled), for each kind of host. Checked
	// for warnings and errors: the generated compose line sources a file only the server has (SC1091) and shell-quote
	// writes `unix\:///…` (SC1001), notes that are true and harmless.
	it.each(['openrc', 'systemd', 'none'] as const)('rendered for the fixture app on a host with %s: the boot script and the OpenRC service', async (manager) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'hoist-rendered-'));
		try {
			const config = configSchema.parse({stack: 'shop', domain: 'app.example.test', compose: {service: 'web', port: 8080}, aws: {sshCidr: '10.77.0.1/32'}});
			const project = readProject(config, stackFiles(path.join(repoRoot, 'test/fixtures/app')), {});
			const bundle = stackBundle({config, configDir: dir, project, address: '10.77.0.2', manager, compose: {command: ['docker', 'compose'], version: 'v2'}, sites: confirmedSites(config, '10.77.0.2', undefined)});
			const scripts = bundle.filter((file) => file.path.endsWith('.sh') || file.path.startsWith('/etc/init.d/'));
			expect(scripts.map((file) => path.basename(file.path)).sort()).toEqual(manager === 'openrc' ? ['hoist-boot.sh', 'hoist-shop'] : ['hoist-boot.sh']);
			for (const file of scripts) {
				const local = path.join(dir, path.basename(file.path));
				writeFileSync(local, file.content);
				await shellcheck(['-s', 'sh', '-S', 'warning', local]);
			}
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it.each(files(shimDir, (name) => name.endsWith('.sh')))('test shims: -s sh %s', async (file) => {
		await shellcheck(['-s', 'sh', file]);
	});

	const sandbox = path.join(repoRoot, 'test/sandbox');
	it.each(files(sandbox, (name) => name.endsWith('.sh') && !name.includes('/')))('sandbox scripts: bash %s', async (file) => {
		await shellcheck(['-x', '-P', 'SCRIPTDIR', file]);
	});
});
