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
