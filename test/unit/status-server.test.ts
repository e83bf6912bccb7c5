import {describe, expect, it} from 'vitest';
import {describe as describeJournal, describeServer} from '../../source/commands/status.js';
import type {JournalData} from '../../source/engine/journal.js';

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

	it('once the certificate is confirmed: the https URL, the issuer and the expiry', () => {
		const lines = describeServer({
			reachable: true,
			login: 'alpine@203.0.113.10',
			url: 'https://shop.example.com/',
			certificate: {issuer: 'Let\'s Encrypt R11', notAfter: '2027-02-27T10:00:00Z', staging: true},
			containers: [],
		});
		expect(lines.slice(0, 3)).toEqual([
			'Server alpine@203.0.113.10',
			'  https://shop.example.com/',
			'  certificate from Let\'s Encrypt R11, valid until 2027-02-27 (staging: browsers warn)',
		]);
	});
});

describe('status: the routes', () => {
	it('every route\'s URL with its service when there are several; the one URL as before otherwise', () => {
		const server = {reachable: true as const, login: 'alpine@203.0.113.10', url: 'https://shop.example.com/', containers: []};
		const routes = [{url: 'https://shop.example.com/', service: 'web'}, {url: 'https://shop.example.com/api/', service: 'api'}, {url: 'https://admin.shop.example.com/', service: 'admin'}];
		expect(describeServer({...server, routes}).slice(1, 4)).toEqual(['  https://shop.example.com/ (web)', '  https://shop.example.com/api/ (api)', '  https://admin.shop.example.com/ (admin)']);
		expect(describeServer({...server, routes: routes.slice(0, 1)})[1]).toBe('  https://shop.example.com/');
	});
});

describe('status: the releases in the journal', () => {
	const web = (digit: string) => ({web: {image: 'ghcr.io/acme/web:latest', digest: `sha256:${digit.repeat(64)}`}});
	const journal = (extra: Partial<JournalData>): JournalData => ({
		schema: 3, stack: 'shop', runId: 'r', createdAt: '', updatedAt: '', runs: [], resources: {}, steps: {}, releases: [], ...extra,
	});

	it('lists the newest five, marks the current one and says when a rollback pinned the images', () => {
		const releases = [1, 2, 3, 4, 5, 6].map((number) => ({number, at: `2026-11-0${number}T10:00:00Z`, command: number === 6 ? 'rollback' : 'deploy', services: web(String(number)), ...(number === 6 ? {restored: 4} : {})}));
		const lines = describeJournal(journal({releases, pinnedRelease: 4}));
		const start = lines.findIndex((line) => line.startsWith('Releases'));
		expect(lines.slice(start)).toEqual([
			'Releases (the last 5 of 6; `hoist rollback N` brings one back):',
			'    release 2: web sha256:222222222222 — hoist deploy, 2026-11-02T10:00:00Z',
			'    release 3: web sha256:333333333333 — hoist deploy, 2026-11-03T10:00:00Z',
			'    release 4: web sha256:444444444444 — hoist deploy, 2026-11-04T10:00:00Z',
			'    release 5: web sha256:555555555555 — hoist deploy, 2026-11-05T10:00:00Z',
			'  → release 6 (back to release 4): web sha256:666666666666 — hoist rollback, 2026-11-06T10:00:00Z',
			'  Pinned to the images of release 4 until the next `hoist deploy`.',
		]);
	});

	it('says nothing about releases before the first deploy', () => {
		expect(describeJournal(journal({})).join('\n')).not.toContain('Releases');
	});
});
