// Caddy itself reads what hoist renders: every shape of the Caddyfile adapts without error and is already formatted
// as `caddy fmt` would write it (Caddy warns about anything else on every reload).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {renderCaddyfile, type CaddyInputs} from '../../source/server/caddyfile.js';
import {run} from '../sandbox/sandbox.js';

const base: CaddyInputs = {stack: 'shop', address: '203.0.113.10', upstream: 'web:8080', acme: {directory: 'https://acme.example.test/dir', caRoot: true, email: 'ops@example.test'}, domains: []};

describe('the Caddyfile hoist renders', () => {
	it.each([
		['by address only (before DNS)', base],
		['with the domain and an alias', {...base, domains: ['api.example.test'], redirects: ['www.example.test']}],
		['switching to one container during a release', {...base, upstream: 'shop_web_2:8080', domains: ['api.example.test']}],
	])('%s: caddy adapts it and finds nothing to reformat', async (_shape, inputs) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'hoist-caddyfile-'));
		try {
			const file = path.join(dir, 'Caddyfile');
			const text = renderCaddyfile(inputs);
			writeFileSync(file, text);
			const adapted = await run('caddy', ['adapt', '--config', file, '--adapter', 'caddyfile']);
			expect(adapted.code, adapted.stderr).toBe(0);
			expect(adapted.stderr).not.toContain('not formatted');
			const formatted = await run('caddy', ['fmt', file]);
			expect(formatted.stdout).toBe(text);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
