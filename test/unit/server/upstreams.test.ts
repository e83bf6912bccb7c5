// The upstream files a release moves Caddy's routes with: what each command says it does, and what its line leaves on
// disk when sh runs it (the stack's directory moved into a temporary one).
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {pointUpstreams, upstreamsLine} from '../../../source/server/commands/upstreams.js';
import {stackPaths} from '../../../source/server/layout.js';
import {parseCaddyVersion, servesUpstreamFiles} from '../../../source/server/caddy-version.js';

describe('pointUpstreams', () => {
	it('says where Caddy is pointed, or that it goes back to the names', () => {
		expect(pointUpstreams('shop', {web: '10.89.0.7'}).title).toBe('point Caddy at 10.89.0.7 for web');
		expect(pointUpstreams('shop', {web: '10.89.0.7', admin: '10.89.0.8'}).title).toBe('point Caddy at 10.89.0.7 for web, 10.89.0.8 for admin');
		expect(pointUpstreams('shop', {web: 'web', admin: 'admin'}).title).toBe('point Caddy back at web, admin');
		expect(pointUpstreams('shop', {web: 'web'}).root).toBe(true);
	});

	it('run in sh, leaves one file per service with its name or address (an IPv6 one in brackets), and nothing else', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'hoist-upstreams-'));
		try {
			const inDir = (line: string) => line.replaceAll(stackPaths('shop').caddyUpstreams, path.join(dir, 'upstreams'));
			execFileSync('sh', ['-c', inDir(upstreamsLine('shop', {web: '10.89.0.7', admin: 'fd00::7'}))]);
			const read = (service: string) => readFileSync(path.join(dir, 'upstreams', service), 'utf8');
			expect([read('web'), read('admin')]).toEqual(['10.89.0.7\n', '[fd00::7]\n']);
			execFileSync('sh', ['-c', inDir(upstreamsLine('shop', {web: 'web'}))]);
			expect([read('web'), read('admin')]).toEqual(['web\n', '[fd00::7]\n']);
			expect(readdirSync(path.join(dir, 'upstreams')).sort()).toEqual(['admin', 'web']);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('the Caddy version hoist needs', () => {
	it('reads the official image\'s label and what the binary prints; 2.8 and later read upstream files', () => {
		expect(parseCaddyVersion('v2.11.2\n')).toEqual({major: 2, minor: 11, version: 'v2.11.2'});
		expect(parseCaddyVersion('v2.7.6 h1:w0NymbG2m9PcvKWsrXO6EEkY9Ru4FJK8uQbYcev1p3A=')).toEqual({major: 2, minor: 7, version: 'v2.7.6'});
		expect(parseCaddyVersion('2.6.2')).toEqual({major: 2, minor: 6, version: '2.6.2'});
		expect(parseCaddyVersion('<no value>')).toBeUndefined();
		expect(parseCaddyVersion('')).toBeUndefined();
		expect([[2, 6], [2, 7], [2, 8], [2, 11], [3, 0]].map(([major, minor]) => servesUpstreamFiles({major: major!, minor: minor!}))).toEqual([false, false, true, true, true]);
	});
});
