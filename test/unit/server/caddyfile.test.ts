import {describe, expect, it} from 'vitest';
import {renderCaddyfile} from '../../../source/server/caddyfile.js';
import {configSchema} from '../../../source/config/schema.js';
import {caddySites, sitesOf} from '../../../source/server/sites.js';

const web = {upstream: 'web:8080', stripPrefix: false};
const base = {stack: 'shop', address: '203.0.113.10', addressRoutes: [web], acme: {directory: 'https://acme.example.test/dir', caRoot: false}, sites: []};

describe('renderCaddyfile', () => {
	it('serves the address over plain HTTP and names no domain before DNS is confirmed', () => {
		const text = renderCaddyfile(base);
		expect(text).toContain('http://203.0.113.10 {\n\treverse_proxy web:8080 {\n\t\tlb_try_duration 5s\n\t}\n}');
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
		const text = renderCaddyfile({...base, sites: [{name: 'api.example.test', routes: [web]}], redirects: [{name: 'www.example.test', to: 'api.example.test'}]});
		expect(text).toContain('\napi.example.test {\n\treverse_proxy web:8080 {\n\t\tlb_try_duration 5s\n\t}\n}\n');
		expect(text).toContain('\nwww.example.test {\n\tredir https://api.example.test{uri} permanent\n}\n');
	});

	it('gives each path route a handle of its own, the longest prefix first, the rest to the route without a path', () => {
		const routes = [web, {upstream: 'api:9000', path: '/api', stripPrefix: true}, {upstream: 'v2:9001', path: '/api/v2', stripPrefix: false}];
		const text = renderCaddyfile({...base, sites: [{name: 'app.example.test', routes}]});
		const site = text.slice(text.indexOf('\napp.example.test {'));
		expect(site).toBe([
			'', 'app.example.test {',
			'\t@route1 path /api/v2 /api/v2/*', '\thandle @route1 {', '\t\treverse_proxy v2:9001 {', '\t\t\tlb_try_duration 5s', '\t\t}', '\t}', '',
			'\t@route2 path /api /api/*', '\thandle @route2 {', '\t\turi strip_prefix /api', '\t\treverse_proxy api:9000 {', '\t\t\tlb_try_duration 5s', '\t\t}', '\t}', '',
			'\thandle {', '\t\treverse_proxy web:8080 {', '\t\t\tlb_try_duration 5s', '\t\t}', '\t}', '}', '',
		].join('\n'));
	});

	it('answers 404 beside the path routes of a name no route serves whole', () => {
		const text = renderCaddyfile({...base, sites: [{name: 'app.example.test', routes: [{upstream: 'api:9000', path: '/api', stripPrefix: false}]}]});
		expect(text).toContain('\thandle {\n\t\trespond 404\n\t}\n}');
	});

	it('brackets an IPv6 address', () => {
		expect(renderCaddyfile({...base, address: '2001:db8::7'})).toContain('http://[2001:db8::7] {');
	});
});

describe('the routes as Caddy serves them', () => {
	const config = configSchema.parse({
		stack: 'shop', server: {host: '10.77.0.2'},
		routes: [
			{service: 'web', port: 8080, domains: ['app.example.test', 'www.example.test']},
			{service: 'web', port: 8080, domains: ['app.example.test'], path: '/api', stripPrefix: true},
			{service: 'admin', port: 9000, domains: ['admin.example.test']},
		],
	});
	it('a site per confirmed name with its routes, redirects to their route\'s first name, the domain\'s routes on the address', () => {
		const sites = caddySites(config.routes, sitesOf(config, new Set(['app.example.test', 'www.example.test', 'admin.example.test'])));
		const web = '{file./etc/caddy/upstreams/web}:8080';
		expect(sites).toEqual({
			addressRoutes: [{upstream: web, stripPrefix: false}, {upstream: web, path: '/api', stripPrefix: true}],
			sites: [
				{name: 'app.example.test', routes: [{upstream: web, stripPrefix: false}, {upstream: web, path: '/api', stripPrefix: true}]},
				{name: 'admin.example.test', routes: [{upstream: '{file./etc/caddy/upstreams/admin}:9000', stripPrefix: false}]},
			],
			redirects: [{name: 'www.example.test', to: 'app.example.test'}],
		});
	});

	it('only confirmed names; every route of a service goes through its one upstream file', () => {
		const sites = caddySites(config.routes, sitesOf(config, new Set(['admin.example.test', 'www.example.test'])));
		expect(sites.sites).toEqual([{name: 'admin.example.test', routes: [{upstream: '{file./etc/caddy/upstreams/admin}:9000', stripPrefix: false}]}]);
		expect(sites.redirects).toEqual([]); // www waits for the name it redirects to
		expect(sites.addressRoutes.map((route) => route.upstream)).toEqual(['{file./etc/caddy/upstreams/web}:8080', '{file./etc/caddy/upstreams/web}:8080']);
	});
});
