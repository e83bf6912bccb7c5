import {describe, expect, it} from 'vitest';
import {renderCaddyfile} from '../../../source/server/caddyfile.js';

const base = {stack: 'shop', address: '203.0.113.10', upstream: 'web:8080', acme: {directory: 'https://acme.example.test/dir', caRoot: false}, domains: []};

describe('renderCaddyfile', () => {
	it('serves the address over plain HTTP and names no domain before DNS is confirmed', () => {
		const text = renderCaddyfile(base);
		expect(text).toContain('http://203.0.113.10 {\n\treverse_proxy web:8080\n}');
		expect(text).toContain('\tacme_ca https://acme.example.test/dir\n');
		expect(text).not.toContain('email');
		expect(text).not.toContain('acme_ca_root');
		expect(text).not.toMatch(/^[a-z0-9.-]+\.[a-z]+ \{/m);
	});

	it('adds the global options hoist.yml asks for', () => {
		const text = renderCaddyfile({...base, acme: {directory: base.acme.directory, caRoot: true, email: 'ops@example.test'}});
		expect(text).toContain('\temail ops@example.test\n\tacme_ca https://acme.example.test/dir\n\tacme_ca_root /etc/caddy/acme-ca-root.pem\n}');
	});

	it('adds one site block per confirmed domain and redirects aliases to the first', () => {
		const text = renderCaddyfile({...base, domains: ['api.example.test'], redirects: ['www.example.test']});
		expect(text).toContain('\napi.example.test {\n\treverse_proxy web:8080\n}\n');
		expect(text).toContain('\nwww.example.test {\n\tredir https://api.example.test{uri} permanent\n}\n');
	});

	it('brackets an IPv6 address', () => {
		expect(renderCaddyfile({...base, address: '2001:db8::7'})).toContain('http://[2001:db8::7] {');
	});
});
