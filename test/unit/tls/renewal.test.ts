import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import tls from 'node:tls';
import {describe, expect, it} from 'vitest';
import {parseCaddyLog, worstFailure} from '../../../source/tls/caddy-log.js';
import {probeCertificate} from '../../../source/tls/probe.js';
import {renewalLines, renewalOf} from '../../../source/tls/renewal.js';

const day = 24 * 3600 * 1000;
const at = (iso: string) => new Date(iso);

describe('when renewal looks overdue: against the certificate\'s own lifetime', () => {
	it('a 90-day certificate: fine until 30 days are left, renewing until 22.5, overdue after, then expired', () => {
		const [from, to] = [at('2026-10-01T00:00:00Z'), at('2026-12-30T00:00:00Z')];
		expect(renewalOf(from, to, to.getTime() - 31 * day).state).toBe('fine');
		expect(renewalOf(from, to, to.getTime() - 29 * day).state).toBe('renewing');
		expect(renewalOf(from, to, to.getTime() - 22 * day).state).toBe('overdue');
		expect(renewalOf(from, to, to.getTime() + 1000).state).toBe('expired');
		expect(renewalOf(from, to, 0).renewAt.toISOString()).toBe('2026-11-30T00:00:00.000Z');
	});

	it('a 6-day certificate with a day left is overdue (a fixed "warn under 7 days" would cry wolf all its life); a 90-day one with 20 days left is too', () => {
		expect(renewalOf(at('2026-12-01T00:00:00Z'), at('2026-12-07T00:00:00Z'), at('2026-12-06T00:00:00Z').getTime()).state).toBe('overdue');
		expect(renewalOf(at('2026-12-01T00:00:00Z'), at('2026-12-07T00:00:00Z'), at('2026-12-02T00:00:00Z').getTime()).state).toBe('fine');
		expect(renewalOf(at('2026-10-01T00:00:00Z'), at('2026-12-30T00:00:00Z'), at('2026-12-10T00:00:00Z').getTime()).state).toBe('overdue');
	});

	it('the status lines: issuer and time left; overdue says since when and Caddy\'s reason, or where to look', () => {
		const fine = renewalOf(at('2026-10-01T00:00:00Z'), at('2026-12-30T00:00:00Z'), at('2026-10-02T00:00:00Z').getTime());
		expect(renewalLines('app.example.com', 'R11', fine)).toEqual(['app.example.com: certificate from R11, 89 days left of 90 days (Caddy renews it from 2026-11-30 00:00 UTC)']);
		const overdue = renewalOf(at('2026-12-01T00:00:00Z'), at('2026-12-07T00:00:00Z'), at('2026-12-06T00:00:00Z').getTime());
		const lines = renewalLines('app.example.com', 'R11', overdue, 'acme:error:rateLimited - too many certificates');
		expect(lines[0]).toBe('app.example.com: certificate from R11, 24 h left of 6 days');
		expect(lines[1]).toBe('  Warning: renewal looks overdue: Caddy should have renewed it 24 h ago, at a third of its life left.');
		expect(lines[2]).toBe('  Caddy\'s log: acme:error:rateLimited - too many certificates');
		expect(renewalLines('app.example.com', 'R11', overdue)[2]).toContain('hoist logs hoist-caddy');
	});

	it('the reason comes from Caddy\'s log line about the renewal that failed', () => {
		const log = `{"level":"error","ts":1796601600,"logger":"tls.renew","msg":"will retry","error":"[app.example.com] Renew: HTTP 429 urn:ietf:params:acme:error:rateLimited - too many certificates","attempt":3,"retrying_in":300}`;
		expect(worstFailure(parseCaddyLog(log), ['app.example.com'])?.error).toContain('rateLimited');
	});
});

describe('with the CA\'s ARI window: Caddy renews inside it', () => {
	// A 90-day certificate with a window like Let's Encrypt's: two thirds of the life, ±1% of it (about 22 h).
	const [from, to] = [at('2026-10-01T00:00:00Z'), at('2026-12-30T00:00:00Z')];
	const window = {start: at('2026-11-29T02:24:00Z'), end: at('2026-11-30T21:36:00Z'), retryAfterMs: 6 * 3600 * 1000};
	const hour = 3600 * 1000;

	it('before the window: fine, and the line names the window; inside it: renewing; after it (and Caddy\'s next ARI poll): overdue', () => {
		const before = renewalOf(from, to, at('2026-11-20T00:00:00Z').getTime(), window);
		expect(before.state).toBe('fine');
		expect(renewalLines('app.example.com', 'R11', before)).toEqual(['app.example.com: certificate from R11, 40 days left of 90 days (Caddy renews it in the CA\'s renewal window, 2026-11-29 02:24 – 2026-11-30 21:36 UTC)']);
		const inside = renewalOf(from, to, window.start.getTime() + hour, window);
		expect(inside.state).toBe('renewing');
		expect(renewalLines('app.example.com', 'R11', inside)[0]).toMatch(/\(Caddy renews it now: in the CA's renewal window, 2026-11-29 02:24 – 2026-11-30 21:36 UTC\)$/);
		// Its end plus a Retry-After (6 h) and Caddy's 10-minute check: only then overdue, long before a quarter of the life.
		expect(renewalOf(from, to, window.end.getTime() + 6 * hour, window).state).toBe('renewing');
		const after = renewalOf(from, to, window.end.getTime() + 7 * hour, window);
		expect(after.state).toBe('overdue');
		expect(renewalOf(from, to, window.end.getTime() + 7 * hour).state).toBe('renewing');
		expect(renewalLines('app.example.com', 'R11', after, 'acme:error:rateLimited')).toEqual([
			'app.example.com: certificate from R11, 29 days left of 90 days',
			'  Warning: renewal looks overdue: Caddy should have renewed it in the CA\'s renewal window (2026-11-29 02:24 – 2026-11-30 21:36 UTC), which ended 7 h ago.',
			'  Caddy\'s log: acme:error:rateLimited',
		]);
	});

	it('the grace after the window follows the CA\'s Retry-After, within RFC 9773\'s bounds (a minute to a day)', () => {
		const soon = {...window, retryAfterMs: 1000};
		expect(renewalOf(from, to, window.end.getTime() + 10 * 60_000, soon).state).toBe('renewing');
		expect(renewalOf(from, to, window.end.getTime() + 12 * 60_000, soon).state).toBe('overdue');
		const lazy = {...window, retryAfterMs: 30 * 24 * hour};
		expect(renewalOf(from, to, window.end.getTime() + 24 * hour, lazy).state).toBe('renewing');
		expect(renewalOf(from, to, window.end.getTime() + 25 * hour, lazy).state).toBe('overdue');
	});

	it('a window later than a third of the life left: Caddy still renews at a third, and a quarter left is overdue as without ARI', () => {
		const late = {start: at('2026-12-20T00:00:00Z'), end: at('2026-12-25T00:00:00Z')};
		const renewal = renewalOf(from, to, at('2026-12-01T00:00:00Z').getTime(), late);
		expect(renewal).toMatchObject({state: 'renewing', byWindow: false, early: false});
		expect(renewalLines('app.example.com', 'R11', renewal)[0]).toMatch(/\(Caddy renews it now: a third of its life is left\)$/);
		expect(renewalOf(from, to, at('2026-12-10T00:00:00Z').getTime(), late).state).toBe('overdue');
	});

	it('a window the CA moved into the past (a revocation): "the CA asks for an early renewal", with its explanation; Let\'s Encrypt\'s regular windows are not early', () => {
		const now = at('2026-10-20T12:00:00Z').getTime();
		const revoked = {start: at('2026-10-20T11:00:00Z'), end: at('2026-10-20T11:30:00Z'), explanationUrl: 'https://community.example/incident'};
		const renewal = renewalOf(from, to, now, revoked);
		expect(renewal).toMatchObject({state: 'renewing', early: true});
		expect(renewalLines('app.example.com', 'R11', renewal)).toEqual([
			'app.example.com: certificate from R11, 71 days left of 90 days (Caddy renews it now: in the CA\'s renewal window, 2026-10-20 11:00 – 2026-10-20 11:30 UTC)',
			'  The CA asks for an early renewal: https://community.example/incident',
		]);
		const {explanationUrl: _url, ...unexplained} = revoked;
		expect(renewalLines('app.example.com', 'R11', renewalOf(from, to, now, unexplained))[1]).toBe('  The CA asks for an early renewal.');
		const overdue = renewalOf(from, to, now + 7 * hour, revoked);
		expect(overdue.state).toBe('overdue');
		expect(renewalLines('app.example.com', 'R11', overdue)[2]).toBe('  The CA asks for an early renewal: https://community.example/incident');
		// A 6-day certificate: Let's Encrypt's window sits at half its life (±1%): regular, not early.
		const [short, shortEnd] = [at('2026-12-01T00:00:00Z'), at('2026-12-07T00:00:00Z')];
		const half = {start: at('2026-12-03T22:33:36Z'), end: at('2026-12-04T01:26:24Z')};
		expect(renewalOf(short, shortEnd, at('2026-12-02T00:00:00Z').getTime(), half)).toMatchObject({state: 'fine', early: false});
		expect(renewalOf(from, to, at('2026-11-20T00:00:00Z').getTime(), window).early).toBe(false);
	});
});

describe('a real certificate, read by the same handshake status does', () => {
	it('a 6-day certificate (Let\'s Encrypt\'s short-lived profile) five days in: overdue', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'hoist-renewal-'));
		try {
			execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '6', '-subj', '/CN=Short Lived Test CA',
				'-addext', 'subjectAltName=DNS:app.example.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {stdio: 'ignore'});
			const server = tls.createServer({key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem'))}, (socket) => socket.end());
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			try {
				const probe = await probeCertificate({address: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'app.example.test', trustRoots: [], useSystemRoots: false});
				expect(probe.notAfter.getTime() - probe.notBefore.getTime()).toBe(6 * day);
				expect(renewalOf(probe.notBefore, probe.notAfter, probe.notBefore.getTime() + day).state).toBe('fine');
				expect(renewalOf(probe.notBefore, probe.notAfter, probe.notBefore.getTime() + 5 * day).state).toBe('overdue');
			} finally {
				server.close();
			}
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
