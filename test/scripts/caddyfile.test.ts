// Caddy itself reads what hoist renders: every shape of the Caddyfile adapts without error and is already formatted
// as `caddy fmt` would write it (Caddy warns about anything else on every reload).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {renderCaddyfile, routeUpstream, type CaddyInputs} from '../../source/server/caddyfile.js';
import {run, sandboxCaddy} from '../sandbox/sandbox.js';

const web = {upstream: routeUpstream('web', 8080), stripPrefix: false};
const base: CaddyInputs = {stack: 'shop', address: '203.0.113.10', addressRoutes: [web], acme: {directory: 'https://acme.example.test/dir', caRoot: true, email: 'ops@example.test'}, sites: []};
const routed = [web, {...web, path: '/api', stripPrefix: true}, {...web, path: '/api/v2'}];

describe('the Caddyfile hoist renders', () => {
	it.each([
		['by address only (before DNS)', base],
		['with the domain and an alias', {...base, sites: [{name: 'api.example.test', routes: [web]}], redirects: [{name: 'www.example.test', to: 'api.example.test'}]}],
		['with routes by name and by path', {
			...base,
			addressRoutes: routed,
			sites: [{name: 'app.example.test', routes: routed}, {name: 'admin.example.test', routes: [{upstream: routeUpstream('admin', 9000), stripPrefix: false}]}, {name: 'api.example.test', routes: [{upstream: routeUpstream('api', 9000), path: '/v1', stripPrefix: false}]}],
			redirects: [{name: 'www.example.test', to: 'app.example.test'}],
		}],
	])('%s: caddy adapts it and finds nothing to reformat', async (_shape, inputs) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'hoist-caddyfile-'));
		try {
			const file = path.join(dir, 'Caddyfile');
			const text = renderCaddyfile(inputs);
			writeFileSync(file, text);
			const adapted = await run(sandboxCaddy, ['adapt', '--config', file, '--adapter', 'caddyfile']);
			expect(adapted.code, adapted.stderr).toBe(0);
			expect(adapted.stderr).not.toContain('not formatted');
			// Each route dials through its service's upstream file, read per request.
			expect(adapted.stdout).toContain('"dial":"{file./etc/caddy/upstreams/web}:8080"');
			const formatted = await run(sandboxCaddy, ['fmt', file]);
			expect(formatted.stdout).toBe(text);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
