import {describe, expect, it} from 'vitest';
import {load, problems} from './project-dir.js';

// Rule 2 at the level of a project: sources (.env beside the file, then the environment, which wins), the
// located problems and warnings, and which variables must travel because they came from the environment.
const compose = [
	'services:',
	'  web:',
	'    image: ghcr.io/acme/web:${TAG:-latest}',
	'    expose: ["${PORT}"]',
	'    environment:',
	'      DATABASE_URL: postgres://${DB_USER}@db/shop',
	'',
].join('\n');

describe('variables', () => {
	it('takes values from .env, lets the environment win, and records what came from the environment', () => {
		const project = load(compose, {files: {'.env': 'TAG=from-dotenv\nPORT=8080\nDB_USER=app\n'}, env: {TAG: 'from-env', UNUSED: 'x'}});
		expect(project.services['web']?.image).toBe('ghcr.io/acme/web:from-env');
		expect(project.services['web']?.exposedPorts).toEqual([8080]);
		expect(project.fromEnvironment).toEqual({TAG: 'from-env'});
		expect(project.warnings).toEqual([]);
	});

	it('an empty environment value still wins over .env for ${VAR-default}, and is recorded', () => {
		const text = compose.replace('${TAG:-latest}', '1${TAG-.0}');
		const project = load(text, {files: {'.env': 'TAG=-rc\nPORT=8080\nDB_USER=app\n'}, env: {TAG: ''}});
		expect(project.services['web']?.image).toBe('ghcr.io/acme/web:1');
		expect(project.fromEnvironment).toEqual({TAG: ''});
	});

	it('an unset plain variable becomes empty, with one warning naming it at its first use', () => {
		const project = load(compose, {env: {PORT: '8080'}});
		expect(project.services['web']?.image).toBe('ghcr.io/acme/web:latest');
		expect(project.warnings).toEqual([
			'docker-compose.yml:6:21: services.web.environment.DATABASE_URL: DB_USER is set neither in the environment nor in .env, so it becomes an empty string',
		]);
		expect(project.fromEnvironment).toEqual({PORT: '8080'});
	});

	it('an unset ${VAR:?message} is a problem naming the variable and the message', () => {
		const text = compose.replace('${TAG:-latest}', '${TAG:?set TAG to the release to deploy}');
		expect(problems(text, {env: {PORT: '8080', DB_USER: 'app'}})).toEqual([
			'docker-compose.yml:3:12: services.web.image: TAG is not set (set TAG to the release to deploy); set it in the environment or in .env',
		]);
	});

	it('a bad reference and a bad .env line are located in their own files, the compose file first', () => {
		const text = compose.replace('postgres://${DB_USER}@db/shop', 'pa$1word');
		expect(problems(text, {files: {'.env': 'PORT=8080\nbad line\n'}})).toEqual([
			'docker-compose.yml:6:21: services.web.environment.DATABASE_URL: a "$" must start a variable ($NAME or ${NAME}); write $$ for a literal $',
			'.env:2:1: "bad line" is not a variable name; lines look like NAME=value',
		]);
	});

	it('references inside .env that reach the environment are recorded too', () => {
		const project = load(compose, {files: {'.env': 'PORT=8080\nDB_USER=${LOGNAME}_app\n'}, env: {LOGNAME: 'deploy'}});
		expect(project.fromEnvironment).toEqual({LOGNAME: 'deploy'});
	});

	it('environment entries without a value pass through from the environment, so they travel too', () => {
		const text = [
			'services:',
			'  web:',
			'    image: ghcr.io/acme/web:1',
			'    expose: ["8080"]',
			'    environment: [STRIPE_KEY, SENTRY_DSN, "MODE=prod"]',
			'  worker:',
			'    image: ghcr.io/acme/worker:1',
			'    environment:',
			'      QUEUE_URL:',
			'',
		].join('\n');
		const project = load(text, {env: {STRIPE_KEY: 'sk_live_x'}, files: {'.env': 'QUEUE_URL=amqp://queue\n'}});
		expect(project.fromEnvironment).toEqual({STRIPE_KEY: 'sk_live_x'});
		expect(project.warnings).toEqual([
			'docker-compose.yml:5:31: services.web.environment[1]: SENTRY_DSN comes from the environment Compose runs in, but it is set neither in yours nor in .env',
		]);
	});
});
