import {describe, expect, it} from 'vitest';
import {describeServer} from '../../source/commands/status.js';

describe('status: the server as it is now', () => {
	it('one row per container: state, health, restarts, uptime and image with its digest', () => {
		const lines = describeServer({
			reachable: true,
			login: 'alpine@203.0.113.10',
			instance: 'running',
			url: 'http://203.0.113.10/',
			containers: [
				{service: 'db', name: 'shop_db_1', state: 'running', exitCode: 0, health: 'healthy', restarts: 2, upSeconds: 185, image: 'ghcr.io/acme/db:16', digest: `sha256:${'a'.repeat(64)}`},
				{service: 'migrate', name: 'shop_migrate_1', state: 'exited', exitCode: 0, restarts: 0, image: 'ghcr.io/acme/app:3'},
			],
		});
		expect(lines).toEqual([
			'Server alpine@203.0.113.10 — instance running',
			'  http://203.0.113.10/',
			'  SERVICE  STATE       HEALTH   RESTARTS  UP     IMAGE',
			`  db       running     healthy  2         3m05s  ghcr.io/acme/db:16 (sha256:aaaaaaaaaaaa)`,
			'  migrate  exited (0)  -        0         -      ghcr.io/acme/app:3',
		]);
	});

	it('a server that does not answer is said so, with the reason', () => {
		expect(describeServer({reachable: false, login: 'alpine@203.0.113.10', reason: 'the port is closed (connection refused)'})).toEqual([
			'Server alpine@203.0.113.10',
			'  The server does not answer: the port is closed (connection refused)',
			'  The steps above are what hoist last recorded.',
		]);
	});
});
