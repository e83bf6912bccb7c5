import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import {writeFileSync} from 'node:fs';
import {loadConfig, parseConfig} from '../../source/config/load.js';
import {fieldProblems} from '../../source/config/schema.js';
import {routeProblems} from '../../source/config/routes.js';
import {readSecrets} from '../../source/config/secrets.js';
import {generateEd25519} from '../../source/remote/openssh-key.js';
import {configWarnings} from '../../source/config/warnings.js';
import {main} from '../../source/main.js';
import {makeTempStack, minimalConfig, type TempStack} from '../helpers/temp-stack.js';

let stack: TempStack | undefined;
afterEach(() => stack?.cleanup());

async function runStatusLikeUp(config: string): Promise<{code: number; stderr: string; stdout: string}> {
	stack = makeTempStack(config);
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
	const code = await main(['up', '--config', stack.config], {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: stderr as unknown as NodeJS.WriteStream,
		stdin: new PassThrough() as unknown as NodeJS.ReadStream,
		env: {CI: 'true'},
	});
	return {code, stderr: err, stdout: out};
}

const base = minimalConfig();
const replace = (from: string, to: string) => {
	if (!base.includes(from)) throw new Error(`fixture does not contain ${from}`);
	return base.replace(from, to);
};

// Each bad config, and the located message (file:line:col: field: …) a user must see.
const badConfigs: Array<[string, string, RegExp]> = [
	['invalid YAML (unclosed flow sequence)', base + '\nextra: [1, 2\n', /^hoist\.yml:\d+:\d+: invalid YAML: /],
	['invalid YAML (tab indentation)', base.replace('  port: 8080', '\tport: 8080'), /^hoist\.yml:\d+:\d+: a tab is used for indentation; YAML indents with spaces only$/],
	['duplicate key', base + '\nstack: other\n', /^hoist\.yml:\d+:1: "stack" is set twice in the same mapping \(first at line 1\); keep one$/],
	['empty file', '', /^hoist\.yml:1:1: the file is empty/],
	['a list instead of a mapping', '- stack: demo\n', /^hoist\.yml:1:1: expected a mapping/],
	['settings nested 32 deep: read, then refused as a setting', base + `x: ${'{a: '.repeat(31)}1${'}'.repeat(31)}\n`, /^hoist\.yml:8:1: x: unknown setting/],
	['settings nested 33 deep', base + `x: ${'{a: '.repeat(32)}1${'}'.repeat(32)}\n`, /^hoist\.yml:8:\d+: the values here are nested more than 32 levels deep/],
	['missing stack', replace('stack: demo\n', ''), /^hoist\.yml:1:1: stack: is required/],
	['stack with capitals', replace('stack: demo', 'stack: Demo'), /^hoist\.yml:1:8: stack: expected 2–32 lowercase letters.*got "Demo"$/],
	['stack as a number', replace('stack: demo', 'stack: 42'), /^hoist\.yml:1:8: stack: expected a name like "shop-api", got 42$/],
	['missing domain', replace('domain: app.example.test\n', ''), /^hoist\.yml:1:1: domain: is required/],
	['domain with scheme', replace('domain: app.example.test', 'domain: https://app.example.test'), /^hoist\.yml:2:9: domain: expected a bare domain name, without "https:\/\/"/],
	['domain that is an IP', replace('domain: app.example.test', 'domain: 10.0.0.1'), /^hoist\.yml:2:9: domain: expected a domain name, not an IP address/],
	['domain with one label', replace('domain: app.example.test', 'domain: localhost'), /^hoist\.yml:2:9: domain: expected a fully qualified name/],
	['domain with a bad label', replace('domain: app.example.test', 'domain: -app.example.test'), /^hoist\.yml:2:9: domain: expected a valid domain name/],
	['wildcard domain', replace('domain: app.example.test', 'domain: "*.example.test"'), /^hoist\.yml:2:9: domain: expected one name; wildcard/],
	['port as a quoted word', replace('port: 8080', 'port: "80a"'), /^hoist\.yml:5:9: compose\.port: expected a port number, got "80a"$/],
	['port as a quoted number out of range', replace('port: 8080', 'port: "70000"'), /^hoist\.yml:5:9: compose\.port: expected a port from 1 to 65535, got "70000"$/],
	['alias in capitals equal to the domain', base + 'aliases: [App.Example.TEST.]\n', /^hoist\.yml:8:11: aliases\.0: the domain itself is not an alias of it/],
	['port out of range', replace('port: 8080', 'port: 70000'), /^hoist\.yml:5:9: compose\.port: expected a port from 1 to 65535, got 70000$/],
	['missing compose service', replace('  service: web\n', ''), /^hoist\.yml:4:3: compose\.service: is required/],
	['missing aws section', replace('aws:\n  sshCidr: 10.77.0.1/32\n', ''), /^hoist\.yml:1:1: say where to deploy: an aws section \(a new EC2 instance\) or a server section/],
	['aws and server together', base + 'server:\n  host: 203.0.113.9\n', /^hoist\.yml:8:1: server: aws and server are two different targets: keep one/],
	['missing sshCidr', replace('  sshCidr: 10.77.0.1/32', '  region: eu-west-1'), /^hoist\.yml:7:3: aws\.sshCidr: is required/],
	['sshCidr without prefix', replace('sshCidr: 10.77.0.1/32', 'sshCidr: 10.77.0.1'), /^hoist\.yml:7:12: aws\.sshCidr: expected an address range like "203\.0\.113\.7\/32"/],
	['sshCidr with a too long prefix', replace('sshCidr: 10.77.0.1/32', 'sshCidr: 10.77.0.1/33'), /^hoist\.yml:7:12: aws\.sshCidr: a \/33 prefix is too long for an IPv4 address/],
	['bad region', base + '  region: Europe\n', /^hoist\.yml:8:11: aws\.region: expected a region like "eu-west-1", got "Europe"$/],
	['bad instance type', base + '  instanceType: large\n', /^hoist\.yml:8:17: aws\.instanceType: expected an EC2 instance type like "t3\.micro"/],
	['alpine release as a number', base + '  alpineRelease: 3.20\n', /^hoist\.yml:8:18: aws\.alpineRelease: expected the release in quotes, e\.g\. "3\.20" .*, got 3\.20$/],
	['alpine release older than the oldest accepted line', base + '  alpineRelease: "3.19"\n', /^hoist\.yml:8:18: aws\.alpineRelease: Alpine 3\.19 is older than the oldest line hoist accepts \(3\.20\); leave alpineRelease out for 3\.23/],
	['alpine release that is not a line', base + '  alpineRelease: "3.23.1"\n', /^hoist\.yml:8:18: aws\.alpineRelease: expected a release line like "3\.23", or latest/],
	['volume size not a whole number', base + '  volumeGiB: 7.5\n', /^hoist\.yml:8:14: aws\.volumeGiB: expected a whole number of GiB, got 7\.5$/],
	['bad elastic IP allocation', base + '  elasticIp: 10.77.0.2\n', /^hoist\.yml:8:14: aws\.elasticIp: expected an id like "eipalloc-/],
	['unknown key with a suggestion', base + '  regoin: eu-west-1\n', /^hoist\.yml:8:3: aws\.regoin: unknown setting \(did you mean "region"\?\)$/],
	['unknown top-level key', base + 'database: postgres\n', /^hoist\.yml:8:1: database: unknown setting \(expected one of: stack, domain, aliases, compose, routes, aws, server, ssh, acme, dns, caddy, host, registry, backup, rehearsal\)$/],
	['a secret in the file', base + 'registry:\n  server: ghcr.io\n  username: me\n  token: ghp_abc\n', /^hoist\.yml:11:3: registry\.token: secrets do not belong in this file; use HOIST_REGISTRY_TOKEN$/],
	['registry server with https', base + 'registry:\n  server: https://ghcr.io\n  username: me\n', /^hoist\.yml:9:11: registry\.server: expected a registry host like "ghcr\.io", without https:\/\//],
	['registry list with a duplicate server', base + 'registry:\n  - server: ghcr.io\n    username: me\n  - server: GHCR.io\n    username: other\n', /^hoist\.yml:11:13: registry\.1\.server: GHCR\.io is listed twice \(entry 1 and 2\): one login per registry/],
	['registry list entry with https', base + 'registry:\n  - server: ghcr.io\n    username: me\n  - server: https://docker.io\n    username: me\n', /^hoist\.yml:11:13: registry\.1\.server: expected a registry host like "ghcr\.io", without https:\/\//],
	['empty registry list', base + 'registry: []\n', /^hoist\.yml:8:11: registry: expected at least one registry/],
	['a secret in a registry list', base + 'registry:\n  - server: ghcr.io\n    username: me\n    token: ghp_abc\n', /^hoist\.yml:11:5: registry\.0\.token: secrets do not belong in this file; use HOIST_REGISTRY_TOKEN$/],
	['bad ACME email', base + 'acme:\n  email: not-an-email\n', /^hoist\.yml:9:10: acme\.email: expected an email address, got "not-an-email"$/],
	['ACME directory over http', base + 'acme:\n  directory: http://ca.example.test/dir\n', /^hoist\.yml:9:14: acme\.directory: expected an https:\/\/ URL/],
	['compose file that does not exist', replace('  service: web', '  file: missing.yml\n  service: web'), /^hoist\.yml:4:9: compose\.file: the compose file .*missing\.yml does not exist$/],
	['ssh wait too short', base + 'ssh:\n  waitSeconds: 1\n', /^hoist\.yml:9:16: ssh\.waitSeconds: expected at least 5 seconds, got 1$/],
	['staging together with a directory', base + 'acme:\n  staging: true\n  directory: https://ca.example.test/dir\n', /^hoist\.yml:10:14: acme\.directory: set acme\.staging or acme\.directory, not both/],
	['staging as a word', base + 'acme:\n  staging: yes please\n', /^hoist\.yml:9:12: acme\.staging: expected true or false, got "yes please"$/],
	['trust root that does not exist', base + 'acme:\n  trustRoots: [./root.pem]\n', /^hoist\.yml:9:16: acme\.trustRoots\.0: the trust root .*root\.pem does not exist$/],
	['bad CAA identity', base + 'acme:\n  caaIdentities: ["https://letsencrypt.org"]\n', /^hoist\.yml:9:19: acme\.caaIdentities\.0: expected a CA's CAA domain like "letsencrypt\.org"/],
	['resolver that is not an address', base + 'dns:\n  resolvers: [dns.google]\n', /^hoist\.yml:9:15: dns\.resolvers\.0: expected an IP address like "192\.0\.2\.53", got "dns\.google"$/],
	['DNS timeout of zero', base + 'dns:\n  timeoutMinutes: 0\n', /^hoist\.yml:9:19: dns\.timeoutMinutes: expected more than 0 minutes, got 0$/],
	['dns.skip as a word', base + 'dns:\n  skip: yes please\n', /^hoist\.yml:9:9: dns\.skip: expected true or false, got "yes please"$/],
	['unknown dns key', base + 'dns:\n  expectedAddress: 203.0.113.7\n', /^hoist\.yml:9:3: dns\.expectedAddress: unknown setting \(did you mean "expectAddress"\?\)$/],
	['alias equal to the domain', base + 'aliases: [app.example.test]\n', /^hoist\.yml:8:11: aliases\.0: the domain itself is not an alias of it/],
	['alias with a scheme', base + 'aliases: ["https://www.example.test"]\n', /^hoist\.yml:8:11: aliases\.0: expected a bare domain name, without "https:\/\/"/],
	...routeCases(),
];

/** routes: each refusal at the entry that breaks the rule. */
function routeCases(): Array<[string, string, RegExp]> {
	const routed = (...routes: string[]) => ['stack: demo', 'routes:', ...routes.map((route) => `  - ${route}`), 'aws:', '  sshCidr: 10.77.0.1/32', ''].join('\n');
	const web = '{service: web, port: 8080, domains: [app.example.test, www.example.test]}';
	return [
		['routes and the shorthand in one file', `${routed(web)}domain: app.example.test\n`, /^hoist\.yml:6:9: domain: routes and the one-route form .* are two ways to say where traffic goes: keep one/],
		['routes and compose.service in one file', `${routed(web)}compose:\n  service: web\n`, /^hoist\.yml:7:12: compose\.service: routes and the one-route form/],
		['two routes for the same domain and path', routed(web, '{service: api, port: 8081, domains: [app.example.test]}'), /^hoist\.yml:4:42: routes\.1\.domains\.0: route 1 already serves app\.example\.test: each name and path belongs to one route/],
		['two routes for the same path', routed(web, '{service: api, port: 8081, domains: [app.example.test], path: /api}', '{service: v2, port: 8082, domains: [app.example.test], path: /api}'), /^hoist\.yml:5:66: routes\.2\.path: route 2 already serves app\.example\.test\/api/],
		['a path without its leading slash', routed(web, '{service: api, port: 8081, domains: [app.example.test], path: api}'), /^hoist\.yml:4:67: routes\.1\.path: expected a path prefix like "\/api", starting with \/, got "api"/],
		['a path with a wildcard', routed(web, '{service: api, port: 8081, domains: [app.example.test], path: "/api*"}'), /^hoist\.yml:4:67: routes\.1\.path: expected a path prefix like "\/api": letters/],
		['a path with a trailing slash', routed(web, '{service: api, port: 8081, domains: [app.example.test], path: /api/}'), /^hoist\.yml:4:67: routes\.1\.path: write the prefix without the trailing slash: "\/api"/],
		['a name that redirects in one route and is served by another', routed(web, '{service: admin, port: 8081, domains: [www.example.test]}'), /^hoist\.yml:3:60: routes\.0\.domains\.1: www\.example\.test redirects to app\.example\.test here, so route 2 cannot name it too/],
		['a route without domains', routed('{service: web, port: 8080, domains: []}'), /^hoist\.yml:3:41: routes\.0\.domains: expected at least one domain/],
		['a route with a bad port', routed('{service: web, port: http, domains: [app.example.test]}'), /^hoist\.yml:3:26: routes\.0\.port: expected a port number, got "http"/],
		['an empty list of routes', routed().replace('routes:\n', 'routes: []\n'), /^hoist\.yml:2:9: routes: expected at least one route/],
	];
}

describe('bad hoist.yml', () => {
	it('has at least 20 cases', () => expect(badConfigs.length).toBeGreaterThanOrEqual(20));

	it.each(badConfigs)('%s → one located line, exit 2, no stack trace', async (_name, config, expected) => {
		const result = await runStatusLikeUp(config);
		expect(result.code).toBe(2);
		const [first, ...rest] = result.stderr.split('\n');
		expect(first).toMatch(/^Error: /);
		expect(first!.slice('Error: '.length)).toMatch(expected);
		expect(result.stderr).toContain('Next steps:');
		expect(rest.join('\n')).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
		expect(result.stdout).toBe('');
	});
});

describe('good hoist.yml', () => {
	it('applies defaults and normalises the domain', () => {
		stack = makeTempStack();
		const config = parseConfig(minimalConfig().replace('app.example.test', 'app.example.test.'), 'hoist.yml', stack.dir);
		expect(config.domain).toBe('app.example.test');
		expect(config.compose.file).toBe('docker-compose.yml');
		expect(config.aws?.instanceType).toBe('t3.micro');
		expect(config.aws?.volumeGiB).toBe(10);
		expect(config.ssh.waitSeconds).toBe(300);
		expect(config.acme.directory).toBe('https://acme-v02.api.letsencrypt.org/directory');
		expect(config.acme).toMatchObject({staging: false, trustRoots: [], caaIdentities: ['letsencrypt.org']});
		expect(config.routes).toEqual([{service: 'web', port: 8080, domains: ['app.example.test'], stripPrefix: false, healthPath: '/'}]);
		expect(config.dns).toEqual({publicResolvers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '208.67.222.222'], timeoutMinutes: 60});
	});

	it('reads a domain and aliases in capitals or with the trailing dot as the plain name, and says so once', () => {
		stack = makeTempStack();
		const text = minimalConfig({extra: 'aliases: [WWW.Example.test, shop.example.test.]\n'}).replace('domain: app.example.test', 'domain: Api.Example.TEST.');
		const {config, notes} = loadConfig(stack.config);
		expect(notes).toEqual([]);
		writeFileSync(stack.config, text);
		const loaded = loadConfig(stack.config);
		expect(loaded.config.domain).toBe('api.example.test');
		expect(loaded.config.routes[0]!.domains).toEqual(['api.example.test', 'www.example.test', 'shop.example.test']);
		expect(loaded.notes).toEqual([
			'hoist.yml:2:9: "Api.Example.TEST." is api.example.test; hoist.yml:8:11: "WWW.Example.test" is www.example.test; hoist.yml:8:29: "shop.example.test." is shop.example.test (DNS names ignore case, and a trailing dot is the same name): hoist uses these forms for Caddy, DNS and the certificate.',
		]);
		expect(config.domain).toBe('app.example.test');
	});

	it('reads a quoted port as the number, as compose does', () => {
		stack = makeTempStack();
		const config = parseConfig(minimalConfig({extra: 'server:\n  host: 10.77.0.2\n  port: "2222"\n'}).replace('port: 8080', 'port: "8080"').replace(/aws:\n {2}sshCidr: .*\n/, ''), 'hoist.yml', stack.dir);
		expect(config.routes[0]!.port).toBe(8080);
		expect(config.server?.port).toBe(2222);
	});

	it('staging selects Let\'s Encrypt\'s staging directory; CAA identities are derived for Let\'s Encrypt only', () => {
		stack = makeTempStack();
		const staging = parseConfig(minimalConfig({extra: 'acme:\n  staging: true\n'}), 'hoist.yml', stack.dir);
		expect(staging.acme).toMatchObject({staging: true, directory: 'https://acme-staging-v02.api.letsencrypt.org/directory', caaIdentities: ['letsencrypt.org']});
		const other = parseConfig(minimalConfig({extra: 'acme:\n  directory: https://ca.example.test/dir\n'}), 'hoist.yml', stack.dir);
		expect(other.acme.caaIdentities).toEqual([]);
		const named = parseConfig(minimalConfig({extra: 'acme:\n  directory: https://ca.example.test/dir\n  caaIdentities: [ca.example.test]\n'}), 'hoist.yml', stack.dir);
		expect(named.acme.caaIdentities).toEqual(['ca.example.test']);
	});

	it('reads routes into the same shape as the one-route form, a quoted port as the number', () => {
		stack = makeTempStack();
		const config = parseConfig([
			'stack: demo',
			'routes:',
			'  - {service: web, port: "8080", domains: [App.Example.test, www.example.test]}',
			'  - {service: web, port: 8080, domains: [app.example.test], path: /api, stripPrefix: true, healthPath: /health}',
			'  - {service: admin, port: 9000, domains: [admin.example.test]}',
			'server:',
			'  host: 10.77.0.2',
			'',
		].join('\n'), 'hoist.yml', stack.dir);
		expect(config.routes).toEqual([
			{service: 'web', port: 8080, domains: ['app.example.test', 'www.example.test'], stripPrefix: false, healthPath: '/'},
			{service: 'web', port: 8080, domains: ['app.example.test'], path: '/api', stripPrefix: true, healthPath: '/health'},
			{service: 'admin', port: 9000, domains: ['admin.example.test'], stripPrefix: false, healthPath: '/'},
		]);
		expect(config.domain).toBe('app.example.test');
		expect(config.compose).toEqual({file: 'docker-compose.yml', keepReleases: 3});
		const shorthand = parseConfig(minimalConfig({extra: 'aliases: [www.example.test]\n'}).replace('  port: 8080', '  port: 8080\n  healthPath: /up'), 'hoist.yml', stack.dir);
		expect(shorthand.routes).toEqual([{service: 'web', port: 8080, domains: ['app.example.test', 'www.example.test'], stripPrefix: false, healthPath: '/up'}]);
	});

	it('says once which route names it reads in another form', () => {
		stack = makeTempStack();
		writeFileSync(stack.config, ['stack: demo', 'routes:', '  - service: admin', '    port: 9000', '    domains: [Admin.Example.test]', 'aws:', '  sshCidr: 10.77.0.1/32', ''].join('\n'));
		expect(loadConfig(stack.config).notes[0]).toMatch(/^hoist\.yml:5:15: "Admin\.Example\.test" is admin\.example\.test /);
	});

	it('reads the dns section and aliases', () => {
		stack = makeTempStack();
		const config = parseConfig(minimalConfig({extra: [
			'aliases: [www.example.test]',
			'dns:',
			'  resolvers: [127.0.0.7]',
			'  publicResolvers: [127.0.0.4, 127.0.0.5]',
			'  timeoutMinutes: 0.5',
			'  expectAddress: 10.77.0.2',
		].join('\n')}), 'hoist.yml', stack.dir);
		expect(config.routes[0]!.domains).toEqual(['app.example.test', 'www.example.test']);
		expect(config.dns).toEqual({resolvers: ['127.0.0.7'], publicResolvers: ['127.0.0.4', '127.0.0.5'], timeoutMinutes: 0.5, expectAddress: '10.77.0.2'});
	});

	it('server.host: a host name, an IPv4 or an IPv6 address (as ssh writes them), nothing else', () => {
		for (const host of ['vm', 'localhost', 'vm.example.com', 'VM-1.Example.com.', '10.77.0.2', '2001:db8::7', '::1', '::ffff:10.77.0.2']) {
			expect(fieldProblems.serverHost(host), host).toBeUndefined();
		}
		for (const host of ['vm example.com', 'vm\tx', '-p22', 'deploy@vm', 'ssh://vm', '[::1]', '[::1]:22', 'vm:22', 'fe80::1%eth0', '10.0.0.256', '010.0.0.1', 'vm_1.example.com', '-vm.example.com', 'vm.-x.com', 'bücher.example', 'vm\u202E.com', '']) {
			expect(fieldProblems.serverHost(host), host).toBeDefined();
		}
	});

	it('server.hostKey: a whole key blob of its type; sshCidr: a prefix length without leading zeros', () => {
		stack = makeTempStack();
		const withServer = (lines: string) => minimalConfig().replace('aws:\n  sshCidr: 10.77.0.1/32\n', `server:\n  host: vm.example.com\n${lines}`);
		const key = generateEd25519('host').publicKey;
		expect(parseConfig(withServer(`  hostKey: ${key}\n`), 'hoist.yml', stack.dir).server?.hostKey).toBe(key);
		for (const bad of ['ssh-ed25519 AAAA', `ssh-ed25519 ${key.split(' ')[1]!.slice(0, -4)}`, `ssh-rsa ${key.split(' ')[1]}`, 'ssh-ed25519']) {
			expect(() => parseConfig(withServer(`  hostKey: ${bad}\n`), 'hoist.yml', stack!.dir), bad).toThrow(/hoist\.yml:8:12: server\.hostKey: expected a whole public host key/);
		}
		expect(fieldProblems.sshCidr('10.0.0.1/032')).toBe('write the prefix length without leading zeros: 10.0.0.1/32');
		expect(fieldProblems.sshCidr('10.0.0.0/08')).toBe('write the prefix length without leading zeros: 10.0.0.0/8');
		expect(fieldProblems.sshCidr('0.0.0.0/0')).toBeUndefined();
	});

	it('reads a registry list with a token variable for each server', () => {
		stack = makeTempStack();
		const config = parseConfig(minimalConfig({extra: 'registry:\n  - server: ghcr.io\n    username: me\n  - server: docker.io\n    username: hub-me\n'}), 'hoist.yml', stack.dir);
		expect(config.registry).toEqual([
			{server: 'ghcr.io', username: 'me', tokenVariable: 'HOIST_REGISTRY_TOKEN_GHCR_IO'},
			{server: 'docker.io', username: 'hub-me', tokenVariable: 'HOIST_REGISTRY_TOKEN_DOCKER_IO'},
		]);
		const single = parseConfig(minimalConfig({extra: 'registry:\n  server: 10.77.0.1:5000\n  username: me\n'}), 'hoist.yml', stack.dir);
		expect(single.registry).toEqual([{server: '10.77.0.1:5000', username: 'me', tokenVariable: 'HOIST_REGISTRY_TOKEN'}]);
	});

	it('aws.alpineRelease: latest is accepted with a warning naming the checked line; a line or nothing warns of nothing', () => {
		stack = makeTempStack();
		const latest = parseConfig(minimalConfig().replace('  sshCidr: 10.77.0.1/32\n', '  sshCidr: 10.77.0.1/32\n  alpineRelease: latest\n'), 'hoist.yml', stack.dir);
		expect(latest.aws?.alpineRelease).toBe('latest');
		expect(configWarnings(latest).map((warning) => warning.message)).toEqual([expect.stringMatching(/^aws\.alpineRelease is latest: .*the checked line is 3\.23\)/)]);
		expect(configWarnings(parseConfig(minimalConfig(), 'hoist.yml', stack.dir))).toEqual([]);
	});

	it('reads secrets from the environment only', () => {
		expect(readSecrets({HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_a', HOIST_REGISTRY_TOKEN_DOCKER_IO: 'dckr_b', HOIST_REGISTRY: 'not a token'})).toEqual({registryTokens: {HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_a', HOIST_REGISTRY_TOKEN_DOCKER_IO: 'dckr_b'}});
		expect(readSecrets({HOIST_REGISTRY_TOKEN: 'ghp_secret'})).toEqual({registryTokens: {HOIST_REGISTRY_TOKEN: 'ghp_secret'}});
		expect(readSecrets({HOIST_REGISTRY_TOKEN: ''})).toEqual({registryTokens: {}});
	});
});

describe('the rules between routes', () => {
	it('a name and path served once, a redirecting name nowhere else, a name once per route', () => {
		expect(routeProblems([{domains: ['a.example.test', 'www.a.example.test']}, {domains: ['a.example.test'], path: '/api'}, {domains: ['b.example.test']}])).toEqual([]);
		expect(routeProblems([{domains: ['a.example.test']}, {domains: ['a.example.test'], path: '/api'}, {domains: ['a.example.test'], path: '/api'}])).toEqual([
			{path: ['routes', 2, 'path'], message: 'route 2 already serves a.example.test/api: each name and path belongs to one route (give this one another path or domain)'},
		]);
		expect(routeProblems([{domains: ['b.example.test', 'a.example.test']}, {domains: ['a.example.test'], path: '/api'}]).map((problem) => problem.path)).toEqual([['routes', 0, 'domains', 1]]);
		expect(routeProblems([{domains: ['a.example.test', 'a.example.test']}])).toEqual([{path: ['routes', 0, 'domains', 1], message: 'a.example.test is listed twice in this route'}]);
	});
});
