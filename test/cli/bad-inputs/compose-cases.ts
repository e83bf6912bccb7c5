import {execFileSync} from 'node:child_process';
import {chmodSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {runCli, type CliResult} from '../../helpers/run-cli.js';
import {mkfifo, put, withConfig, type BadInput} from './case.js';

const nobody = {uid: 65534, gid: 65534};
const canary = 'canary-5ab1e0c9d2f7';
/** What a file outside the project holds: it must never show, travel or be read into the journal. */
const outsideSecret = 'AWS_SECRET_ACCESS_KEY=canary-outside-3c9e';

/**
 * The real CLI with the wizard's own plan (not the fixture plan): the compose step's check runs before the lock and
 * the journal, so every case here is refused with `.hoist/` as it was. Nothing reaches AWS (a closed port).
 */
function realUp(args: string[], asNobody = false) {
	return (dir: string, env: NodeJS.ProcessEnv): Promise<CliResult> => runCli(args, {cwd: dir, env, ...(asNobody ? {user: nobody} : {})});
}

/** A compose file whose web service has `lines` added (indented under it). */
function composeWith(...lines: string[]): string {
	return ['services:', '  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', ...lines.map((line) => `    ${line}`), ''].join('\n');
}

/** A folder beside the stack's folder: outside the project (removed again after the case). */
function outside(dir: string): string {
	const path = outsidePath(dir);
	mkdirSync(path, {recursive: true});
	put(path, 'outside.env', `${outsideSecret}\n`);
	put(path, 'data/creds', `${outsideSecret}\n`);
	return path;
}

const outsidePath = (dir: string) => `${dir}-outside`;

const nothingLeaked = (dir: string, result: CliResult) => {
	rmSync(outsidePath(dir), {recursive: true, force: true});
	expect(`${result.stdout}${result.stderr}`).not.toContain(outsideSecret);
	expect(`${result.stdout}${result.stderr}`).not.toContain(canary);
};

const compose = (name: string, composeText: string, names: RegExp, setup?: (dir: string) => void, extra: Partial<BadInput> = {}): BadInput => ({
	name,
	args: ['up'],
	exit: 2,
	names,
	run: realUp(['up']),
	after: nothingLeaked,
	setup: (dir) => {
		put(dir, 'docker-compose.yml', composeText);
		setup?.(dir);
	},
	...extra,
});

const nested = (levels: number) => `${'${NOPE:-'.repeat(levels)}x${'}'.repeat(levels)}`;
const deepMapping = (levels: number) => ['x-deep:', ...Array.from({length: levels}, (_, level) => `${'  '.repeat(level + 1)}a:`), `${'  '.repeat(levels + 1)}b: 1`].join('\n');

/** Issue 17: the compose file and the files it names, checked on this machine before `.hoist/` is touched. */
export const composeCases: BadInput[] = [
	compose('an env_file that links out of the project', composeWith('env_file: app.env'), /docker-compose\.yml:5:15: services\.web\.env_file: app\.env is a link to .*-outside\/outside\.env, outside /, (dir) => symlinkSync(join(outside(dir), 'outside.env'), join(dir, 'app.env'))),
	compose('a project .env that links out of the project', composeWith(), /\.env:1:1: \.env is a link to .*-outside\/outside\.env, outside /, (dir) => symlinkSync(join(outside(dir), 'outside.env'), join(dir, '.env'))),
	compose('a bind-mounted file that links out', composeWith('volumes: ["./app.env:/app/.env:ro"]'), /docker-compose\.yml:5:15: services\.web\.volumes\[0\]: \.\/app\.env is a link to .*-outside\/outside\.env, outside /, (dir) => symlinkSync(join(outside(dir), 'outside.env'), join(dir, 'app.env'))),
	compose('a bind-mounted folder that links out', composeWith('volumes: ["./data:/data"]'), /services\.web\.volumes\[0\]: \.\/data is a link to .*-outside\/data, outside /, (dir) => symlinkSync(join(outside(dir), 'data'), join(dir, 'data'))),
	compose('a link inside a mounted folder that leads out', composeWith('volumes: ["./data:/data"]'), /services\.web\.volumes\[0\]: \.\/data holds data\/creds, which is a link to .*-outside\/data\/creds, outside /, (dir) => (mkdirSync(join(dir, 'data')), symlinkSync(join(outside(dir), 'data/creds'), join(dir, 'data/creds')))),
	compose('./.hoist mounted', composeWith('volumes: ["./.hoist:/state"]'), /services\.web\.volumes\[0\]: \.\/\.hoist is in \.hoist\/, hoist's own folder \(its journal and SSH key\), which never goes to the server/),
	compose('a subfolder of .hoist mounted', composeWith('volumes: ["./.hoist/keys:/keys"]'), /services\.web\.volumes\[0\]: \.\/\.hoist\/keys is in \.hoist\//, (dir) => mkdirSync(join(dir, '.hoist/keys'))),
	compose('.hoist mounted through a link', composeWith('volumes: ["./state:/state"]'), /services\.web\.volumes\[0\]: \.\/state is a link to .*\/\.hoist, in \.hoist\//, (dir) => symlinkSync('.hoist', join(dir, 'state'))),
	compose(
		'the registry token in image:',
		composeWith().replace('ghcr.io/acme/web:1', 'ghcr.io/acme/web:${HOIST_REGISTRY_TOKEN}'),
		/docker-compose\.yml:3:12: services\.web\.image: the image name holds HOIST_REGISTRY_TOKEN, a secret/,
		undefined,
		{env: () => ({HOIST_REGISTRY_TOKEN: canary})},
	),
	compose('2000 nested ${A:-…} defaults', composeWith().replace('ghcr.io/acme/web:1', `"${nested(2000)}"`), /docker-compose\.yml:3:12: services\.web\.image: references nest more than 32 levels deep/),
	compose('1000 nested YAML mappings', `${composeWith()}${deepMapping(1000)}\n`, /docker-compose\.yml:\d+:\d+: mappings and lists nest more than 64 levels deep here/),
	compose('a secret that is not declared', composeWith('secrets: [db_password]'), /docker-compose\.yml:5:15: services\.web\.secrets\[0\]: "db_password" is not declared under the top-level secrets:/),
	compose('depends_on in a circle', `${composeWith('depends_on: [api]')}  api:\n    image: ghcr.io/acme/api:1\n    depends_on: [web]\n`, /docker-compose\.yml:8:18: services\.api\.depends_on\[0\]: depends_on goes round in a circle: web → api → web/),
	compose('a named pipe as a bind source', composeWith('volumes: ["./pipe:/pipe"]'), /services\.web\.volumes\[0\]: \.\/pipe is a named pipe \(FIFO\); hoist copies only files and folders/, (dir) => mkfifo(join(dir, 'pipe'))),
	compose('hoist deploy with a compose file that links out', composeWith('env_file: app.env'), /services\.web\.env_file: app\.env is a link to/, (dir) => symlinkSync(join(outside(dir), 'outside.env'), join(dir, 'app.env')), {args: ['deploy'], run: realUp(['deploy'])}),
	// Not a refusal: destroy skips the local checks, so a broken compose file cannot keep a stack alive.
	compose('hoist destroy is not stopped by a compose file that links out', composeWith('env_file: app.env'), /Could not reach AWS at 127\.0\.0\.1:9/, (dir) => symlinkSync(join(outside(dir), 'outside.env'), join(dir, 'app.env')), {
		args: ['destroy', '--yes'],
		exit: 1,
		refused: false,
		run: realUp(['destroy', '--yes']),
		env: () => ({AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret'}),
	}),
	compose('a .env the user cannot read', composeWith(), /\.env:1:1: cannot read .*\/\.env: permission denied/, (dir) => (put(dir, '.env', 'A=1\n'), chmodSync(join(dir, '.env'), 0o000)), {asNobody: true, run: realUp(['up'], true)}),
	compose('a bind-mounted folder the user cannot read', composeWith('volumes: ["./data:/data"]'), /services\.web\.volumes\[0\]: \.\/data cannot be read: permission denied/, (dir) => (put(dir, 'data/a', 'x'), chmodSync(join(dir, 'data'), 0o000)), {asNobody: true, run: realUp(['up'], true)}),
	compose('a compose file the user cannot read', composeWith(), /hoist\.yml:1:1: compose\.file: the compose file .*docker-compose\.yml \(the default\) cannot be read: permission denied/, (dir) => chmodSync(join(dir, 'docker-compose.yml'), 0o000), {asNobody: true, run: realUp(['up'], true)}),
	{
		name: 'only compose.yaml, and hoist.yml names the default',
		args: ['up'],
		exit: 2,
		names: /compose\.file: the compose file .*docker-compose\.yml \(the default\) does not exist, but compose\.yaml does: set compose\.file: compose\.yaml in hoist\.yml/,
		setup: (dir) => renameSync(join(dir, 'docker-compose.yml'), join(dir, 'compose.yaml')),
	},
	{
		name: 'ssh.publicKey whose private key has a passphrase',
		args: ['up'],
		exit: 2,
		config: withConfig({append: 'ssh:\n  publicKey: id_test.pub\n'}),
		names: /hoist\.yml:9:14: ssh\.publicKey: the private key .*id_test is protected by a passphrase, and hoist logs in without asking for one/,
		setup: (dir) => {
			execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-C', 'test', '-f', join(dir, 'id_test')]);
			expect(readFileSync(join(dir, 'id_test.pub'), 'utf8')).toMatch(/^ssh-ed25519 /);
		},
	},
];
