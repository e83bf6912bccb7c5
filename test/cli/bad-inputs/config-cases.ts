import {existsSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {generateEd25519} from '../../../source/remote/openssh-key.js';
import {put, withConfig, type BadInput} from './case.js';

const bad = (name: string, config: string, names: RegExp): BadInput => ({name, args: ['up'], config, exit: 2, names});
const key = generateEd25519('test@hoist');
const withKey = (path: string) => withConfig({append: `ssh:\n  publicKey: ${path}\n`});
/** `levels` mappings, each inside the one before, under an unknown key after a valid file. */
const nestedMappings = (levels: number) => withConfig({append: `x:\n${Array.from({length: levels}, (_, level) => `${'  '.repeat(level + 1)}k:\n`).join('')}`});
const aliasBomb = ['x: &a ["l","l","l","l","l","l","l","l","l"]', 'y: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'z: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'w: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]', ''].join('\n');

/** A registry token pasted into the wrong fields: the errors quote the fields, with the token masked as in a step's errors. */
function tokenPastedIntoFields(): BadInput[] {
	const token = 'canary-Q7_xTz4mK9vR2w';
	const config = withConfig({replace: ['stack: demo\ndomain: app.example.test', `stack: ${token}\ndomain: ${token}`]});
	const pasted = (name: string, args: string[], names: RegExp): BadInput => ({
		...bad(name, config, names),
		args,
		env: () => ({HOIST_REGISTRY_TOKEN: token}),
		after: (_dir, result) => expect(`${result.stdout}${result.stderr}`).not.toContain(token),
	});
	return [
		// The first problem is the message, the second is in the hint: both masked.
		pasted('the registry token pasted into stack and domain', ['up'], /hoist\.yml:1:8: stack: expected 2–32 lowercase.*got "\*\*\*"[\s\S]*hoist\.yml:2:9: domain: .*got "\*\*\*"/),
		pasted('the registry token pasted into stack and domain, --json', ['up', '--json'], /"message":"hoist\.yml:1:8: stack: .*got \\"\*\*\*\\""/),
	];
}

/** A hoist.yml for an existing server: the aws section replaced by these server lines. */
const withServer = (lines: string) => withConfig({replace: ['aws:\n  sshCidr: 10.77.0.1/32\n', `server:\n${lines}`]});

/** server.host is one host name or IP address: what people write around it is sent to its own setting. */
function badServerHosts(): BadInput[] {
	const host = (name: string, value: string, names: RegExp) => bad(`server.host ${name}`, withServer(`  host: ${value}\n`), names);
	const at = 'hoist\\.yml:7:9: server\\.host: ';
	return [
		host('with a space', '"vm example.com"', new RegExp(`${at}expected one host name or IP address, without spaces, line breaks or other control characters`)),
		host('with a newline', '"vm.example.com\\nProxyCommand x"', new RegExp(`${at}expected one host name or IP address, without spaces, line breaks or other control characters, got "vm\\.example\\.com\\\\nProxyCommand x"`)),
		host('as an ssh option', '-oProxyCommand=touch-pwned', new RegExp(`${at}a host name cannot start with "-" \\(ssh would read it as an option\\)`)),
		host('as an ssh:// URL', 'ssh://deploy@vm.example.com:2222', new RegExp(`${at}expected a host name or IP address, without ssh://; write host: vm\\.example\\.com, user: deploy, port: 2222 under server:`)),
		host('as user@host', 'deploy@vm.example.com', new RegExp(`${at}expected the host alone: write the user as server\\.user \\(user: deploy\\) and host: vm\\.example\\.com`)),
		host('with a port', 'vm.example.com:2222', new RegExp(`${at}write the port as server\\.port \\(port: 2222\\) and host: vm\\.example\\.com`)),
		host('as a bracketed IPv6 address', '"[2001:db8::7]"', new RegExp(`${at}write an IPv6 address without brackets \\(host: "2001:db8::7"\\)`)),
		host('as an IPv4 address out of range', '203.0.113.256', new RegExp(`${at}expected an IPv4 address like "203\\.0\\.113\\.7"`)),
		host('with an escape sequence', '"vm\\e[2J.example.com"', new RegExp(`${at}expected one host name or IP address, without spaces, line breaks or other control characters, got "vm\\\\u001b\\[2J\\.example\\.com"`)),
		host('with a right-to-left override', '"vm\\u202Emoc.example.com"', new RegExp(`${at}expected a host name in ASCII.*got "vm\\\\u202emoc\\.example\\.com"`)),
	];
}

/** routes: the refusals a user meets most, through the built CLI (test/unit/config.test.ts has every one). */
function badRoutes(): BadInput[] {
	const routes = (...entries: string[]) => withConfig({replace: ['domain: app.example.test\ncompose:\n  service: web\n  port: 8080\n', `routes:\n${entries.map((entry) => `  - ${entry}\n`).join('')}`]});
	const web = '{service: web, port: 8080, domains: [app.example.test, www.example.test]}';
	return [
		bad('routes beside the one-route form', `${routes(web)}domain: app.example.test\n`, /hoist\.yml:6:9: domain: routes and the one-route form .* are two ways to say where traffic goes: keep one/),
		bad('two routes for one name and path', routes(web, '{service: api, port: 8081, domains: [app.example.test]}'), /hoist\.yml:4:42: routes\.1\.domains\.0: route 1 already serves app\.example\.test/),
		bad('a route path without its slash', routes(web, '{service: api, port: 8081, domains: [app.example.test], path: api}'), /hoist\.yml:4:67: routes\.1\.path: expected a path prefix like "\/api", starting with \//),
		bad('a redirecting name served by another route', routes(web, '{service: admin, port: 8081, domains: [www.example.test]}'), /hoist\.yml:3:60: routes\.0\.domains\.1: www\.example\.test redirects to app\.example\.test here/),
	];
}

/** The settings of a first real run (issue 20): refused before any step runs (no fixture effect), at file:line. */
function badFirstRunSettings(): BadInput[] {
	const nothingRan = (dir: string) => expect(existsSync(join(dir, 'effects.log')), 'a step ran').toBe(false);
	const refused = (name: string, config: string, names: RegExp, env: NodeJS.ProcessEnv = {}): BadInput => ({...bad(name, config, names), env: () => env, after: nothingRan});
	const twoRegistries = withConfig({append: 'registry:\n  - server: ghcr.io\n    username: me\n  - server: docker.io\n    username: hub\n'});
	return [
		refused('aws.alpineRelease older than the oldest accepted line', withConfig({append: '  alpineRelease: "3.19"\n'}), /hoist\.yml:8:18: aws\.alpineRelease: Alpine 3\.19 is older than the oldest line hoist accepts \(3\.20\)/),
		refused('aws.alpineRelease that is a release, not a line', withConfig({append: '  alpineRelease: "3.23.1"\n'}), /hoist\.yml:8:18: aws\.alpineRelease: expected a release line like "3\.23", or latest/),
		refused('aws.alpineRelease edge', withConfig({append: '  alpineRelease: edge\n'}), /hoist\.yml:8:18: aws\.alpineRelease: expected a release line like "3\.23", or latest/),
		refused('a registry list with a server twice', withConfig({append: 'registry:\n  - server: ghcr.io\n    username: me\n  - server: GHCR.io\n    username: other\n'}), /hoist\.yml:11:13: registry\.1\.server: GHCR\.io is listed twice \(entry 1 and 2\): one login per registry/),
		refused('the token variable of one of two registries not set', twoRegistries, /HOIST_REGISTRY_TOKEN_DOCKER_IO \(for registry\.1\.server at hoist\.yml:11:13\)/, {HOIST_REGISTRY_TOKEN_GHCR_IO: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'}),
	];
}

/** hoist.yml mistakes: each answered with file:line:col, the field and what is expected. */
export const configCases: BadInput[] = [
	bad('an alias without its anchor', withConfig({replace: ['stack: demo', 'stack: *nope']}), /hoist\.yml:1:8: \*nope refers to no anchor/),
	bad('an alias without its anchor, nested', withConfig({replace: ['  service: web', '  service: *svc']}), /hoist\.yml:4:12: \*svc refers to no anchor/),
	bad('aliases that expand without end', withConfig({append: aliasBomb}), /hoist\.yml:\d+:\d+: aliases here expand into more than \d+ copies/),
	bad('a key named __proto__', withConfig({append: '__proto__: 1\n'}), /hoist\.yml:8:1: __proto__: unknown setting/),
	bad('a key named toString', withConfig({append: 'toString: yes\n'}), /hoist\.yml:8:1: toString: unknown setting/),
	bad('a key named constructor in a section', withConfig({append: '  constructor: 1\n'}), /hoist\.yml:8:3: aws\.constructor: unknown setting/),
	bad('a merge key: read like Compose does', withConfig({replace: ['  sshCidr: 10.77.0.1/32', '  <<: {sshCidr: 10.77.0.1/32}\n  regoin: eu-west-1']}), /hoist\.yml:8:3: aws\.regoin: unknown setting \(did you mean "region"\?\)/),
	bad('1000 nested mappings', nestedMappings(1000), /hoist\.yml:40:65: the values here are nested more than 32 levels deep; hoist\.yml's settings go at most 3 levels deep/),
	bad('1000 nested flow sequences', withConfig({append: `x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`}), /hoist\.yml:8:35: the values here are nested more than 32 levels deep/),
	bad('two YAML documents', withConfig({append: '---\nstack: other\n'}), /hoist\.yml:8:1: a second YAML document starts here/),
	bad('an unclosed double quote', withConfig({replace: ['domain: app.example.test', 'domain: "app.example.test']}), /hoist\.yml:2:9: this value opens a " quote that is never closed/),
	bad('an unclosed single quote', withConfig({replace: ['  service: web', "  service: 'web"]}), /hoist\.yml:4:12: this value opens a ' quote that is never closed/),
	bad('a duplicate key', withConfig({append: 'domain: other.example.test\n'}), /hoist\.yml:8:1: "domain" is set twice in the same mapping \(first at line 2\)/),
	bad('a byte order mark does not shift columns', `\uFEFF${withConfig({replace: ['stack: demo', 'stack: Demo']})}`, /hoist\.yml:1:8: stack: expected 2–32 lowercase/),
	bad('a stack name over 32 characters', withConfig({replace: ['stack: demo', `stack: ${'a'.repeat(40)}`]}), /hoist\.yml:1:8: stack: is 40 characters long; a stack name has at most 32/),
	bad('a domain label over 63 characters', withConfig({replace: ['domain: app.example.test', `domain: ${'a'.repeat(70)}.example.test`]}), /hoist\.yml:2:9: domain: the label "a{20}…" is 70 characters long; each part between dots has at most 63/),
	bad('a domain over 253 characters', withConfig({replace: ['domain: app.example.test', `domain: ${Array(30).fill('abcdefghi').join('.')}.test`]}), /hoist\.yml:2:9: domain: the name is 304 characters long; a domain name has at most 253/),
	bad('an IPv6 address as domain', withConfig({replace: ['domain: app.example.test', 'domain: "::1"']}), /hoist\.yml:2:9: domain: expected a domain name, not an IP address/),
	bad('an IPv4 address as domain', withConfig({replace: ['domain: app.example.test', 'domain: 203.0.113.7']}), /hoist\.yml:2:9: domain: expected a domain name, not an IP address/),
	bad('a domain with a port', withConfig({replace: ['domain: app.example.test', 'domain: app.example.test:8443']}), /hoist\.yml:2:9: domain: expected a bare domain name, without a port/),
	bad('a domain with a scheme', withConfig({replace: ['domain: app.example.test', 'domain: https://app.example.test']}), /hoist\.yml:2:9: domain: expected a bare domain name, without "https:\/\/"/),
	bad('sshCidr with host bits', withConfig({replace: ['10.77.0.1/32', '203.0.113.7/24']}), /hoist\.yml:7:12: aws\.sshCidr: 203\.0\.113\.7\/24 has host bits set: AWS would read it as 203\.0\.113\.0\/24.*203\.0\.113\.7\/32/),
	bad('IPv6 sshCidr with host bits', withConfig({replace: ['10.77.0.1/32', '"2001:db8::1/64"']}), /hoist\.yml:7:12: aws\.sshCidr: 2001:db8::1\/64 has host bits set.*2001:db8::1\/128/),
	bad('sshCidr without a prefix', withConfig({replace: ['10.77.0.1/32', '10.77.0.1']}), /hoist\.yml:7:12: aws\.sshCidr: expected an address range like "203\.0\.113\.7\/32"/),
	bad('sshCidr with a prefix too long', withConfig({replace: ['10.77.0.1/32', '10.77.0.1/33']}), /hoist\.yml:7:12: aws\.sshCidr: a \/33 prefix is too long for an IPv4 address/),
	bad('an empty file', '', /hoist\.yml:1:1: the file is empty/),
	bad('a list instead of settings', '- stack: demo\n', /hoist\.yml:1:1: expected a mapping of settings/),
	bad('a plain word instead of settings', 'hello\n', /hoist\.yml:1:1: expected a mapping of settings/),
	bad('a tab for indentation', withConfig({replace: ['  port: 8080', '\tport: 8080']}), /hoist\.yml:5:1: a tab is used for indentation/),
	bad('an unclosed flow sequence', withConfig({append: 'extra: [1, 2\n'}), /hoist\.yml:\d+:\d+: invalid YAML: Flow sequence/),
	bad('a port as a word', withConfig({replace: ['  port: 8080', '  port: eighty']}), /hoist\.yml:5:9: compose\.port: expected a port number, got "eighty"/),
	bad('a quoted port that is not a number', withConfig({replace: ['  port: 8080', '  port: "80a"']}), /hoist\.yml:5:9: compose\.port: expected a port number, got "80a"/),
	bad('a port out of range', withConfig({replace: ['  port: 8080', '  port: 70000']}), /hoist\.yml:5:9: compose\.port: expected a port from 1 to 65535, got 70000/),
	bad('an empty service name', withConfig({replace: ['  service: web', '  service: ""']}), /hoist\.yml:4:12: compose\.service: must not be empty/),
	bad('a misspelt top-level key', withConfig({append: 'stak: demo\n'}), /hoist\.yml:8:1: stak: unknown setting \(did you mean "stack"\?\)/),
	bad('a registry token in the file', withConfig({append: 'registry:\n  server: ghcr.io\n  username: me\n  token: hunter2\n'}), /hoist\.yml:11:3: registry\.token: secrets do not belong in this file; use HOIST_REGISTRY_TOKEN/),
	bad('a region with spaces in the file', withConfig({append: '  region: us east 1\n'}), /hoist\.yml:8:11: aws\.region: expected a region like "eu-west-1"/),
	bad('a volume of 0 GiB', withConfig({append: '  volumeGiB: 0\n'}), /hoist\.yml:8:14: aws\.volumeGiB: expected at least 1 GiB/),
	bad('both aws and server', withConfig({append: 'server:\n  host: 203.0.113.7\n'}), /hoist\.yml:8:1: server: aws and server are two different targets/),
	bad('neither aws nor server', 'stack: demo\ndomain: app.example.test\ncompose:\n  service: web\n  port: 8080\n', /hoist\.yml:1:1: say where to deploy/),
	bad('an escape sequence in a key', withConfig({append: '"\\e[31mred": 1\n'}), /hoist\.yml:8:1: \\x1b\[31mred: unknown setting/),
	...tokenPastedIntoFields(),
	...badFirstRunSettings(),
	...badServerHosts(),
	bad('server.hostKey whose key is cut short', withServer('  host: 203.0.113.7\n  hostKey: ssh-ed25519 AAAA\n'), /hoist\.yml:8:12: server\.hostKey: expected a whole public host key like "ssh-ed25519 AAAAC3Nza…"/),
	bad('server.hostKey of another type than its key', withServer(`  host: 203.0.113.7\n  hostKey: ecdsa-sha2-nistp256 ${key.publicKey.split(' ')[1]}\n`), /hoist\.yml:8:12: server\.hostKey: expected a whole public host key/),
	bad('sshCidr with leading zeros in the prefix', withConfig({replace: ['10.77.0.1/32', '10.0.0.1/032']}), /hoist\.yml:7:12: aws\.sshCidr: write the prefix length without leading zeros: 10\.0\.0\.1\/32/),
	{...bad('ssh.publicKey names a private key', withKey('id_test'), /hoist\.yml:9:14: ssh\.publicKey: .*id_test is a private key; ssh\.publicKey names the public half/), setup: (dir) => put(dir, 'id_test', key.privateKey)},
	{...bad('ssh.publicKey names a folder', withKey('keys'), /hoist\.yml:9:14: ssh\.publicKey: the public key .*keys is a folder, not a file/), setup: (dir) => mkdirSync(join(dir, 'keys'))},
	{...bad('ssh.publicKey holds garbage', withKey('id_test.pub'), /hoist\.yml:9:14: ssh\.publicKey: .*id_test\.pub is not an OpenSSH public key/), setup: (dir) => put(dir, 'id_test.pub', 'hello world\n')},
	{...bad('ssh.publicKey without its private key', withKey('id_test.pub'), /hoist\.yml:9:14: ssh\.publicKey: hoist needs the private key beside the public key, at .*id_test: it does not exist/), setup: (dir) => put(dir, 'id_test.pub', `${key.publicKey}\n`)},
	{...bad('ssh.publicKey not ending in .pub', withKey('my-key'), /hoist\.yml:9:14: ssh\.publicKey: .*my-key does not end in \.pub/), setup: (dir) => put(dir, 'my-key', `${key.publicKey}\n`)},
	bad('ssh.publicKey that does not exist', withKey('nope.pub'), /hoist\.yml:9:14: ssh\.publicKey: the public key .*nope\.pub does not exist/),
	{...bad('compose.file names a folder', withConfig({replace: ['  service: web', '  file: app\n  service: web']}), /hoist\.yml:4:9: compose\.file: the compose file .*app is a folder, not a file/), setup: (dir) => mkdirSync(join(dir, 'app'))},
	bad('acme.caRoot that does not exist', withConfig({append: 'acme:\n  caRoot: ca.pem\n'}), /hoist\.yml:9:11: acme\.caRoot: the CA certificate .*ca\.pem does not exist/),
	...badRoutes(),
	{...bad('a hoist.yml of 2 MiB', '', /The config file .*hoist\.yml is 2\.0 MiB; hoist reads at most 1\.0 MiB from it/), setup: (dir) => put(dir, 'hoist.yml', `# ${'x'.repeat(2 << 20)}\n`)},
];
