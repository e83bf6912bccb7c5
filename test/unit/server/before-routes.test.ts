// A hoist.yml and a journal from before routes keep working unchanged (issue 25): the fixture was recorded with the
// code of 86e0a4a (see test/fixtures/before-routes/README.md).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {describe, expect, it} from 'vitest';
import {parseConfig} from '../../../source/config/load.js';
import {caddyfile} from '../../../source/server/bundle.js';
import {confirmedSites} from '../../../source/server/sites.js';
import {certificateOutputs} from '../../../steps/certificate.js';
import {dnsOutputs, watchedNames} from '../../../steps/dns.js';
import {repoRoot} from '../../helpers/run-cli.js';

const dir = join(repoRoot, 'test/fixtures/before-routes');
const config = parseConfig(readFileSync(join(dir, 'hoist.yml'), 'utf8'), 'hoist.yml', dir);
const recorded = JSON.parse(readFileSync(join(dir, 'recorded.json'), 'utf8')) as {dns: unknown; certificate: unknown};

describe('a one-route stack recorded before routes', () => {
	it('renders the same Caddyfile from its hoist.yml and journal but for the upstreams: web is reached through its upstream file now', () => {
		const dns = dnsOutputs.parse(recorded.dns);
		const certificate = certificateOutputs.parse(recorded.certificate);
		const file = caddyfile(config, '203.0.113.10', confirmedSites(config, '203.0.113.10', dns, certificate.acme));
		// The same sites, names and CA; the one change (and so the one reload, on the first run after the upgrade) is
		// that each route dials through its service's upstream file, which releases rewrite instead of reloading Caddy.
		const recordedFile = readFileSync(join(dir, 'Caddyfile'), 'utf8');
		expect(recordedFile.match(/reverse_proxy web:8080/g)).toHaveLength(2);
		expect(file.content).toBe(recordedFile.replaceAll('reverse_proxy web:8080', 'reverse_proxy {file./etc/caddy/upstreams/web}:8080'));
	});

	it('watches and certifies the names the journal holds, in its order: the dns and certificate steps keep their record', () => {
		const dns = dnsOutputs.parse(recorded.dns);
		const certificate = certificateOutputs.parse(recorded.certificate);
		expect(watchedNames(config)).toEqual(dns.names);
		expect(isDeepStrictEqual(certificate.names, dns.names)).toBe(true);
		expect(config.routes).toEqual([{service: 'web', port: 8080, domains: ['app.example.test', 'www.app.example.test'], stripPrefix: false, healthPath: '/health'}]);
	});
});
