import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../source/config/schema.js';
import {caddyfile} from '../../../source/server/bundle.js';
import {configAcme, confirmedSites} from '../../../source/server/sites.js';

const config = configSchema.parse({
	stack: 'demo', domain: 'app.example.test', aliases: ['www.app.example.test'], compose: {service: 'web', port: 8080}, aws: {sshCidr: '203.0.113.7/32'},
	acme: {email: 'ops@example.test'},
});
const address = '44.192.0.10';
const ready = {status: 'ready', address, names: ['app.example.test', 'www.app.example.test']};

describe('the Caddyfile\'s sites come from what DNS confirmed', () => {
	it('none before DNS is confirmed for this address, so no ACME order is ever placed early', () => {
		expect(confirmedSites(config, address, undefined)).toEqual({names: [], acme: configAcme(config)});
		expect(confirmedSites(config, address, {status: 'skipped', address, names: []}).names).toEqual([]);
		expect(confirmedSites(config, '44.192.0.11', ready).names).toEqual([]); // confirmed for another address
		const text = caddyfile(config, address, confirmedSites(config, address, undefined)).content as string;
		expect(text).not.toContain('app.example.test');
		expect(text).toContain('http://44.192.0.10 {');
	});

	it('the domain and its confirmed aliases (redirects) once it is; an alias hoist.yml no longer names is dropped', () => {
		expect(confirmedSites(config, address, ready)).toEqual({names: ['app.example.test', 'www.app.example.test'], acme: configAcme(config)});
		expect(confirmedSites(config, address, {...ready, names: ['www.app.example.test']}).names).toEqual([]); // a redirect needs its target
		const noAlias = {...config, routes: [{...config.routes[0]!, domains: ['app.example.test']}]};
		expect(confirmedSites(noAlias, address, ready).names).toEqual(['app.example.test']);
	});

	it('keeps the CA the certificate step applied (switching CA is that step\'s work)', () => {
		const applied = {directory: 'https://acme-staging-v02.api.letsencrypt.org/directory', caRoot: false};
		expect(confirmedSites(config, address, ready, applied).acme).toEqual(applied);
		expect(confirmedSites(config, address, undefined, applied).acme).toEqual(configAcme(config)); // no domain: nothing to keep
	});
});
