import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {load, problems, webWith} from './project-dir.js';

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
