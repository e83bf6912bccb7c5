import {execFileSync} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadComposeProject, type ComposeProject} from '../../../source/compose/project.js';
import {HoistError} from '../../../source/errors.js';
import {readProjectFile} from '../../../source/server/project-file.js';
import {load, problems, projectDir, webWith, type Files} from './project-dir.js';

// Rules 8 and 10: what travels to the server beside the compose file, with which mode, and what cannot.
describe('files that travel', () => {
	it('the compose file (first, byte for byte), .env and env_files (0600), bind mounts, configs and secrets', () => {
		const compose = [
			'# comments and layout are kept: the file travels as it is',
			'services:',
			'  web:',
			'    image: ghcr.io/acme/web:1',
			'    expose: ["8080"]',
			'    env_file: [config/web.env]',
			'    volumes:',
			'      - ./Caddyfile.extra:/etc/extra:ro',
			'      - ./scripts:/scripts',
			'      - {type: bind, source: ./static/index.html, target: /srv/index.html}',
			'      - appdata:/data',
			'      - /var/log/app:/logs',
			'    secrets: [db_password]',
			'    configs: [app_config]',
			'secrets:',
			'  db_password: {file: ./secrets/db_password.txt}',
			'configs:',
			'  app_config: {file: ./app.toml}',
			'volumes:',
			'  appdata:',
			'',
		].join('\n');
		const project = load(compose, {
			files: {
				'.env': 'TAG=1\n',
				'config/web.env': 'API_KEY=secret\n',
				'Caddyfile.extra': 'x',
				'scripts/start.sh': {content: '#!/bin/sh\n', mode: 0o755},
				'scripts/lib/common.sh': {content: 'x', mode: 0o666},
				'scripts/.hoist/id_ed25519': 'not copied',
				'static/index.html': '<h1>hi</h1>',
				'secrets/db_password.txt': {content: 'hunter2', mode: 0o600},
				'app.toml': 'a = 1',
				'unrelated.txt': 'stays home',
			},
		});
		const dir = project.root;
		expect(project.files).toEqual([
			{local: join(dir, 'docker-compose.yml'), remote: 'docker-compose.yml', mode: 0o644, secret: false},
			{local: join(dir, '.env'), remote: '.env', mode: 0o600, secret: true},
			{local: join(dir, 'Caddyfile.extra'), remote: 'Caddyfile.extra', mode: 0o644, secret: false},
			{local: join(dir, 'app.toml'), remote: 'app.toml', mode: 0o644, secret: false},
			{local: join(dir, 'config/web.env'), remote: 'config/web.env', mode: 0o600, secret: true},
			{local: join(dir, 'scripts/lib/common.sh'), remote: 'scripts/lib/common.sh', mode: 0o644, secret: false},
			{local: join(dir, 'scripts/start.sh'), remote: 'scripts/start.sh', mode: 0o755, secret: false},
			{local: join(dir, 'secrets/db_password.txt'), remote: 'secrets/db_password.txt', mode: 0o600, secret: true},
			{local: join(dir, 'static/index.html'), remote: 'static/index.html', mode: 0o644, secret: false},
		]);
		expect(readFileSync(project.files[0]!.local, 'utf8')).toBe(compose);
		expect(project.warnings).toEqual([
			`docker-compose.yml:12:9: services.web.volumes[4]: /var/log/app is a path on the server: it must exist there (hoist copies only files inside ${dir})`,
		]);
	});

	it('a file in two roles gets the stricter mode and stays secret', () => {
		const project = load(webWith('env_file: app.env', 'volumes: ["./app.env:/app/.env:ro"]'), {files: {'app.env': 'A=1\n'}});
		expect(project.files.slice(1)).toEqual([{local: join(project.root, 'app.env'), remote: 'app.env', mode: 0o600, secret: true}]);
	});

	it('a missing env_file is a problem unless it is marked required: false', () => {
		const dir = '(the project)';
		expect(problems(webWith('env_file: [web.env]')).map((line) => line.replace(/\(\/.*\/web\.env\)/, dir))).toEqual([
			'docker-compose.yml:5:16: services.web.env_file[0]: web.env does not exist (the project); create it, or remove it from env_file',
		]);
		const project = load(webWith('env_file:', '  - {path: web.env, required: false}'));
		expect(project.files).toHaveLength(1);
	});

	it('an env_file outside the compose file directory is a problem', () => {
		const lines = problems(webWith('env_file: ../shared.env'), {files: {'../shared.env': 'A=1\n'}});
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(
			/^docker-compose\.yml:5:15: services\.web\.env_file: \.\.\/shared\.env is outside \/.*\/project; hoist copies env files to the server at the same path relative to the compose file, so move it inside$/,
		);
	});

	it('a bind mount outside the directory is a problem; a home path is a warning; a missing folder a warning', () => {
		const outside = problems(webWith('volumes: ["../shared:/shared"]'), {files: {'../shared/a': 'x'}});
		expect(outside).toHaveLength(1);
		expect(outside[0]).toMatch(
			/^docker-compose\.yml:5:15: services\.web\.volumes\[0\]: \.\.\/shared is outside \/.*\/project; hoist copies bind-mounted files to the server at the same path relative to the compose file: move it inside, bake it into the image, or use a named volume$/,
		);
		const project = load(webWith('volumes: ["~/.aws:/root/.aws:ro", "./data:/data"]'));
		expect(project.warnings).toEqual([
			`docker-compose.yml:5:15: services.web.volumes[0]: ~/.aws is a path on the server: it must exist there (hoist copies only files inside ${project.root})`,
			`docker-compose.yml:5:39: services.web.volumes[1]: ./data does not exist here (${project.root}/data); Compose will create an empty folder there on the server`,
		]);
	});

	it('a folder with more than 200 files, or more than 10 MiB, does not travel', () => {
		const many = Object.fromEntries(Array.from({length: 201}, (_, index) => [`assets/f${index}.txt`, 'x']));
		expect(problems(webWith('volumes: ["./assets:/assets"]'), {files: many})).toEqual([
			'docker-compose.yml:5:15: services.web.volumes[0]: ./assets holds more than 200 files; hoist copies folders to the server only up to 200 files and 10 MiB: bake it into the image or use a named volume',
		]);
		const big = {'media/a.bin': Buffer.alloc(6 * 1024 * 1024), 'media/b.bin': Buffer.alloc(5 * 1024 * 1024)};
		expect(problems(webWith('volumes: ["./media:/media"]'), {files: big})).toEqual([
			'docker-compose.yml:5:15: services.web.volumes[0]: ./media holds more than 10 MiB; hoist copies folders to the server only up to 200 files and 10 MiB: bake it into the image or use a named volume',
		]);
		const exactly = Object.fromEntries(Array.from({length: 200}, (_, index) => [`assets/f${index}.txt`, 'x']));
		expect(load(webWith('volumes: ["./assets:/assets"]'), {files: exactly}).files).toHaveLength(201);
	});

	it('a secret or config file that does not exist, or lies outside, is a problem', () => {
		const text = `${webWith()}secrets:\n  token: {file: ./token.txt}\nconfigs:\n  conf: {file: ../conf.toml}\n  ext: {external: true}\n`;
		const lines = problems(text, {files: {'../conf.toml': 'x'}});
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/^docker-compose\.yml:6:17: secrets\.token\.file: \.\/token\.txt does not exist \(\/.*\/project\/token\.txt\)$/);
		expect(lines[1]).toMatch(/^docker-compose\.yml:8:16: configs\.conf\.file: \.\.\/conf\.toml is outside \/.*\/project; hoist copies configs to the server/);
	});
});

/** Loads docker-compose.yml from a project made of `files`, after `arrange` added links and pipes to it. */
function loadArranged(compose: string, files: Files, arrange: (dir: string) => void, stateDir?: string): ComposeProject | string[] {
	const dir = projectDir({'docker-compose.yml': compose, ...files});
	arrange(dir);
	try {
		return loadComposeProject({file: join(dir, 'docker-compose.yml'), env: {}, web: [{service: 'web', port: 8080}], ...(stateDir ? {stateDir: join(dir, stateDir)} : {})});
	} catch (error) {
		if (!(error instanceof HoistError) || error.code !== 'COMPOSE_INVALID') throw error;
		return [error.message, ...(error.hint ?? '').split('\n').filter((line) => /^\S+:\d+:\d+: /.test(line))].map((line) => line.split(dirname(dir)).join('<root>'));
	}
}

describe('links and .hoist/ (issue 17)', () => {
	const outsideFiles = {'../outside.env': 'AWS_SECRET=canary\n', '../outside/creds': 'canary'};

	it.each([
		['an env_file', webWith('env_file: app.env'), (dir: string) => symlinkSync('../outside.env', join(dir, 'app.env')), 'docker-compose.yml:5:15: services.web.env_file: app.env is a link to <root>/outside.env, outside <root>/project; hoist copies env files to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link'],
		['a bind-mounted file', webWith('volumes: ["./conf.env:/conf.env"]'), (dir: string) => symlinkSync(join(dir, '../outside.env'), join(dir, 'conf.env')), 'docker-compose.yml:5:15: services.web.volumes[0]: ./conf.env is a link to <root>/outside.env, outside <root>/project; hoist copies bind-mounted files to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link'],
		['a bind-mounted folder', webWith('volumes: ["./data:/data"]'), (dir: string) => symlinkSync('../outside', join(dir, 'data')), 'docker-compose.yml:5:15: services.web.volumes[0]: ./data is a link to <root>/outside, outside <root>/project; hoist copies bind-mounted files to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link'],
		['a file through a linked folder', webWith('env_file: conf/app.env'), (dir: string) => (symlinkSync('../outside', join(dir, 'conf')), symlinkSync('creds', join(dir, '../outside/app.env'))), 'docker-compose.yml:5:15: services.web.env_file: conf/app.env is a link to <root>/outside/creds, outside <root>/project; hoist copies env files to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link'],
		['a link inside a mounted folder', webWith('volumes: ["./data:/data"]'), (dir: string) => (mkdirSync(join(dir, 'data')), symlinkSync('../../outside/creds', join(dir, 'data/creds'))), 'docker-compose.yml:5:15: services.web.volumes[0]: ./data holds data/creds, which is a link to <root>/outside/creds, outside <root>/project; hoist copies bind-mounted files to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link'],
		['a secret', `${webWith()}secrets:\n  key: {file: ./key.txt}\n`, (dir: string) => symlinkSync('../outside/creds', join(dir, 'key.txt')), 'docker-compose.yml:6:15: secrets.key.file: ./key.txt is a link to <root>/outside/creds, outside <root>/project; hoist copies secrets to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link'],
	])('%s that leads out of the project is refused, naming the link and its target', (_, compose, arrange, message) => {
		expect(loadArranged(compose, outsideFiles, arrange)).toEqual([message]);
	});

	it('the project .env that leads out of the project is refused at .env', () => {
		expect(loadArranged(webWith(), outsideFiles, (dir) => symlinkSync('../outside.env', join(dir, '.env')))).toEqual([
			'.env:1:1: .env is a link to <root>/outside.env, outside <root>/project; hoist copies the project .env to the server, so it would send a file from elsewhere on this machine: copy it into the project, or remove the link',
		]);
	});

	it.each([
		['mounted directly', webWith('volumes: ["./.hoist:/state"]'), () => undefined, 'docker-compose.yml:5:15: services.web.volumes[0]: ./.hoist is in .hoist/, hoist\'s own folder (its journal and SSH key), which never goes to the server; name another path'],
		['a subfolder mounted', webWith('volumes: ["./.hoist/keys:/keys"]'), () => undefined, 'docker-compose.yml:5:15: services.web.volumes[0]: ./.hoist/keys is in .hoist/, hoist\'s own folder (its journal and SSH key), which never goes to the server; name another path'],
		['an env_file in it', webWith('env_file: .hoist/state.json'), () => undefined, 'docker-compose.yml:5:15: services.web.env_file: .hoist/state.json is in .hoist/, hoist\'s own folder (its journal and SSH key), which never goes to the server; name another path'],
		['mounted through a link', webWith('volumes: ["./state:/state"]'), (dir: string) => symlinkSync('.hoist', join(dir, 'state')), 'docker-compose.yml:5:15: services.web.volumes[0]: ./state is a link to <root>/project/.hoist, in .hoist/, hoist\'s own folder (its journal and SSH key), which never goes to the server; name another path'],
		['reached by a link in a mounted folder', webWith('volumes: ["./data:/data"]'), (dir: string) => (mkdirSync(join(dir, 'data')), symlinkSync('../.hoist/id_ed25519', join(dir, 'data/key'))), 'docker-compose.yml:5:15: services.web.volumes[0]: ./data holds data/key, which is a link to <root>/project/.hoist/id_ed25519, in .hoist/, hoist\'s own folder (its journal and SSH key), which never goes to the server; name another path'],
	])('.hoist/ %s is refused', (_, compose, arrange, message) => {
		expect(loadArranged(compose, {'.hoist/id_ed25519': 'PRIVATE', '.hoist/state.json': '{}', '.hoist/keys/a': 'x'}, arrange)).toEqual([message]);
	});

	it('hoist\'s folder is refused by where it really is, also when .hoist is a link to a folder of another name', () => {
		const found = loadArranged(webWith('volumes: ["./state:/state"]'), {'state/id_ed25519': 'PRIVATE'}, (dir) => symlinkSync('state', join(dir, '.hoist')), '.hoist');
		expect(found).toEqual(['docker-compose.yml:5:15: services.web.volumes[0]: ./state is in .hoist/, hoist\'s own folder (its journal and SSH key), which never goes to the server; name another path']);
	});

	it('links that stay inside travel as the files they point at, under their own names', () => {
		const project = loadArranged(webWith('env_file: [app.env, shared/link.env]', 'volumes: ["./data:/data"]'), {'real.env': 'A=1\n', 'data/a.txt': 'a', 'shared/.keep': ''}, (dir) => {
			symlinkSync('real.env', join(dir, 'app.env'));
			symlinkSync('../real.env', join(dir, 'shared/link.env'));
			symlinkSync('a.txt', join(dir, 'data/b.txt'));
		});
		if (Array.isArray(project)) throw new Error(project.join('\n'));
		expect(project.files.slice(1).map(({local, remote}) => [remote, relative(project.dir, local)])).toEqual([
			['app.env', 'real.env'],
			['data/a.txt', 'data/a.txt'],
			['data/b.txt', 'data/a.txt'],
			['shared/link.env', 'real.env'],
		]);
	});

	it('a named pipe as a bind source says what it is (not "ENOTDIR")', () => {
		const found = loadArranged(webWith('volumes: ["./pipe:/pipe"]'), {}, (dir) => execFileSync('mkfifo', [join(dir, 'pipe')]));
		expect(found).toEqual(['docker-compose.yml:5:15: services.web.volumes[0]: ./pipe is a named pipe (FIFO); hoist copies only files and folders to the server']);
	});
});

describe('a compose file that is a link (issue 17)', () => {
	it('travels under its own name as the file it points at, which the upload reads without following a link', () => {
		const project = loadArranged('', {'deploy/prod.yml': webWith()}, (dir) => {
			rmSync(join(dir, 'docker-compose.yml'));
			symlinkSync('deploy/prod.yml', join(dir, 'docker-compose.yml'));
		});
		if (Array.isArray(project)) throw new Error(project.join('\n'));
		expect(project.files[0]).toMatchObject({remote: 'docker-compose.yml', local: join(project.dir, 'deploy/prod.yml')});
		expect(readProjectFile(project.files[0]!.local).toString()).toBe(webWith());
	});
});
