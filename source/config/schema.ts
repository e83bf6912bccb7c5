import {isIP} from 'node:net';
import {z} from 'zod';
import {checkedAlpineRelease, compareReleaseLines, latestAlpineRelease, oldestAlpineRelease} from '../aws/alpine-release.js';
import {BugError} from '../errors.js';
import {serverHostProblem} from './server-host.js';
import {hostKeyTypes, isPublicKeyLine} from './ssh-key-line.js';
import {addRouteProblems, primaryDomain, shorthandRoute, type Route} from './routes.js';
import {rehearsalSection} from './rehearsal-settings.js';
import {listedRegistryTokenVariable, singleRegistryTokenVariable, type RegistryLogin} from './registries.js';

/**
 * hoist.yml. Every field a step reads is here, with the message a user sees when it is wrong.
 * Secrets are not fields: they come from the environment (see secrets.ts).
 */

const expected = (what: string) => ({
	error: (issue: {input?: unknown}) => (issue.input === undefined ? `is required (${what})` : `expected ${what}`),
});

const notEmpty = {error: 'must not be empty'};

const stackName = z
	.string(expected('a name like "shop-api"'))
	.max(32, {abort: true, error: (issue) => `is ${String(issue.input).length} characters long; a stack name has at most 32 (it names the AWS resources)`})
	.regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, {
		error: 'expected 2–32 lowercase letters, digits or dashes, starting with a letter (it names the AWS resources)',
	});

/** An AWS region name, as hoist.yml and AWS_REGION must spell it. */
export const awsRegionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const hostnameLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function domainProblem(value: string): string | undefined {
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'expected a bare domain name, without "https://"';
	// Before the port check: an IPv6 address is full of colons.
	if (isIP(value) !== 0) return 'expected a domain name, not an IP address (Let\'s Encrypt issues certificates for names)';
	if (value.includes('/')) return 'expected a bare domain name, without a path';
	if (value.includes(':')) return 'expected a bare domain name, without a port';
	if (value.includes('*')) return 'expected one name; wildcard certificates need DNS validation, which hoist does not do';
	const labels = normalDomain(value).split('.');
	if (labels.length < 2) return 'expected a fully qualified name like "api.example.com"';
	if (normalDomain(value).length > 253) return `the name is ${value.length} characters long; a domain name has at most 253`;
	const long = labels.find((label) => label.length > 63);
	if (long !== undefined) return `the label "${long.slice(0, 20)}…" is ${long.length} characters long; each part between dots has at most 63`;
	if (!labels.every((label) => hostnameLabel.test(label))) {
		return 'expected a valid domain name: labels of letters, digits and dashes, separated by dots';
	}
	if (!/^[a-z]{2,63}$|^xn--[a-z0-9-]+$/.test(labels.at(-1) ?? '')) return 'expected a name that ends in a top-level domain';
	return undefined;
}

/**
 * A domain as DNS, Caddy and the certificate know it: DNS names are case-insensitive and a trailing dot is the
 * absolute form of the same name, so "Api.Example.COM." is api.example.com (load.ts says so when it differs).
 */
export function normalDomain(value: string): string {
	return value.toLowerCase().replace(/\.$/, '');
}

const domain = z
	.string(expected('a domain name like "api.example.com"'))
	.superRefine((value, ctx) => {
		const problem = domainProblem(value);
		if (problem) ctx.addIssue({code: 'custom', message: problem});
	})
	.transform(normalDomain);

export function cidrProblem(value: string): string | undefined {
	const [address, prefix, extra] = value.split('/');
	if (address === undefined || prefix === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefix)) {
		return 'expected an address range like "203.0.113.7/32"';
	}
	// AWS and most tools read 032 as 32, some as octal: the range must mean one thing.
	if (/^0\d/.test(prefix)) return `write the prefix length without leading zeros: ${address}/${Number(prefix)}`;
	const family = isIP(address);
	const bits = Number(prefix);
	if (family === 0) return 'expected an IPv4 or IPv6 address before the "/"';
	const width = family === 4 ? 32 : 128;
	if (bits > width) return `a /${bits} prefix is too long for an IPv${family} address`;
	const host = addressBits(address, family) & ((1n << BigInt(width - bits)) - 1n);
	if (host !== 0n) {
		const network = family === 4 ? `${ipv4Text(addressBits(address, 4) - host)}/${bits}` : `the /${bits} network around it`;
		return `${value} has host bits set: AWS would read it as ${network}, not one address; for this address alone write ${address}/${width}${family === 4 ? `, for the range ${network}` : ''}`;
	}
	return undefined;
}

/** An IP address as one number, for the host-bits check. */
function addressBits(address: string, family: 4 | 6 | number): bigint {
	if (family === 4) return address.split('.').reduce((sum, octet) => (sum << 8n) + BigInt(Number(octet)), 0n);
	// An IPv4 tail (::ffff:1.2.3.4) is two groups; "::" stands for as many zero groups as are missing.
	const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
	const v4 = tail === undefined ? undefined : addressBits(tail, 4);
	const text = tail === undefined || v4 === undefined ? address : address.replace(tail, `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`);
	const [head = '', rest] = text.split('::');
	const left = head === '' ? [] : head.split(':');
	const right = rest === undefined || rest === '' ? [] : rest.split(':');
	const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
	return groups.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n);
}

function ipv4Text(bits: bigint): string {
	return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 255n)).join('.');
}

const cidr = z.string(expected('an address range like "203.0.113.7/32"')).superRefine((value, ctx) => {
	const problem = cidrProblem(value);
	if (problem) ctx.addIssue({code: 'custom', message: problem});
});

const httpsUrl = z.url({protocol: /^https$/, error: 'expected an https:// URL'});

const awsId = (prefix: string, example: string) =>
	z.string(expected(`an id like "${example}"`)).regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), {
		error: `expected an id like "${example}"`,
	});

// Compose accepts a quoted port ("8080") and people copy from compose files: digits in quotes are the number.
const port = z.preprocess(
	(value) => (typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value),
	z
		.number(expected('a port number'))
		.int({error: 'expected a whole port number'})
		.min(1, {error: 'expected a port from 1 to 65535'})
		.max(65535, {error: 'expected a port from 1 to 65535'}),
);

const alpineRelease = z
	.string({
		error: (issue) =>
			typeof issue.input === 'number'
				? 'expected the release in quotes, e.g. "3.20" (unquoted, YAML reads 3.20 as the number 3.2)'
				: `expected a release line like "${checkedAlpineRelease}", or latest`,
	})
	.regex(/^(\d+\.\d+|latest)$/, {error: `expected a release line like "${checkedAlpineRelease}", or latest`})
	.refine((line) => line === latestAlpineRelease || compareReleaseLines(line, oldestAlpineRelease) >= 0, {
		error: (issue) => `Alpine ${String(issue.input)} is older than the oldest line hoist accepts (${oldestAlpineRelease}); leave alpineRelease out for ${checkedAlpineRelease}, the line hoist's bootstrap was checked against`,
	});

export const DEFAULT_ACME_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETSENCRYPT_STAGING_DIRECTORY = 'https://acme-staging-v02.api.letsencrypt.org/directory';
export const DEFAULT_CADDY_IMAGE = 'docker.io/library/caddy:2';
/** "What users see": asked only after the authoritative servers agree, never in tests (they set their own). */
export const DEFAULT_PUBLIC_RESOLVERS = ['1.1.1.1', '8.8.8.8', '9.9.9.9', '208.67.222.222'] as const;
export const DEFAULT_DNS_TIMEOUT_MINUTES = 60;

const letsEncryptHosts = new Set(['acme-v02.api.letsencrypt.org', 'acme-staging-v02.api.letsencrypt.org']);

/** Is this directory Let's Encrypt's (production or staging)? */
export function isLetsEncrypt(directory: string): boolean {
	return letsEncryptHosts.has(new URL(directory).hostname);
}

/** The CAA issuer domains of a CA hoist knows by its directory: letsencrypt.org for Let's Encrypt, none for others. */
export function derivedCaaIdentities(directory: string): string[] {
	return isLetsEncrypt(directory) ? ['letsencrypt.org'] : [];
}

const ipAddress = z
	.string(expected('an IP address like "192.0.2.53"'))
	.refine((value) => isIP(value) !== 0, {error: 'expected an IP address like "192.0.2.53"'});

const ipList = (what: string) => z.array(ipAddress, expected(`a list of ${what} addresses, e.g. ["192.0.2.53"]`));

const caaIdentity = z
	.string(expected('a CA\'s CAA domain like "letsencrypt.org"'))
	.regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i, {error: 'expected a CA\'s CAA domain like "letsencrypt.org"'});

const email = z.email({error: 'expected an email address'});

const instanceType = z
	.string(expected('an EC2 instance type like "t3.micro"'))
	.regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {error: 'expected an EC2 instance type like "t3.micro"'});

const awsRegion = z.string(expected('a region like "eu-west-1"')).regex(awsRegionPattern, {error: 'expected a region like "eu-west-1"'});

const loginUser = z.string(expected('the login user')).regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, {error: 'expected a login name like "alpine"'});

const hostName = z.string(expected('the address or name of the server'))
	.min(1, {...notEmpty, abort: true})
	.max(253, {abort: true, error: (issue) => `is ${String(issue.input).length} characters long; a host name has at most 253`})
	.superRefine((value, ctx) => {
		const problem = serverHostProblem(value);
		if (problem) ctx.addIssue({code: 'custom', message: problem});
	});

const registryServer = z
	.string(expected('a registry host like "ghcr.io"'))
	.regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, {error: 'expected a registry host like "ghcr.io", without https://'});

const registryUser = z.string(expected('the registry user name')).min(1, notEmpty);

const registryEntry = z.strictObject({server: registryServer, username: registryUser}, expected('a registry with server and username'));

/**
 * One registry (`registry: {server, username}`, its token in HOIST_REGISTRY_TOKEN) or a list of them, each with its own
 * token variable (registries.ts): e.g. ghcr.io for the app's images and docker.io for a higher pull limit.
 */
const registrySection = z
	.union([registryEntry, z.array(registryEntry, expected('a list of registries')).min(1, {error: 'expected at least one registry (or leave registry out)'})], expected('a registry section with server and username, or a list of them'))
	.superRefine((section, ctx) => {
		if (!Array.isArray(section)) return;
		const seen = new Map<string, number>();
		section.forEach((entry, index) => {
			const variable = listedRegistryTokenVariable(entry.server);
			const earlier = seen.get(variable);
			if (earlier !== undefined) {
				const same = section[earlier]!.server.toLowerCase() === entry.server.toLowerCase();
				ctx.addIssue({
					code: 'custom',
					path: [index, 'server'],
					message: same
						? `${entry.server} is listed twice (entry ${earlier + 1} and ${index + 1}): one login per registry`
						: `${entry.server} and ${section[earlier]!.server} would share the token variable ${variable}: list each registry once`,
				});
			}
			seen.set(variable, index);
		});
	})
	.transform((section): RegistryLogin[] =>
		Array.isArray(section)
			? section.map((entry) => ({...entry, tokenVariable: listedRegistryTokenVariable(entry.server)}))
			: [{...section, tokenVariable: singleRegistryTokenVariable}],
	);

const elasticIpId = awsId('eipalloc', 'eipalloc-0123456789abcdef0');

const acmeSection = z
	.strictObject({
		email: email.optional(),
		directory: httpsUrl.optional(),
		staging: z.boolean(expected('true or false')).default(false),
		caRoot: z.string(expected('a path to a PEM file')).min(1, notEmpty).optional(),
		trustRoots: z.array(z.string(expected('a path to a PEM file')).min(1, notEmpty), expected('a list of PEM files')).default([]),
		caaIdentities: z.array(caaIdentity, expected('a list of CAA domains like ["letsencrypt.org"]')).optional(),
	}, expected('an acme section'))
	.superRefine((acme, ctx) => {
		if (acme.staging && acme.directory !== undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['directory'],
				message: 'set acme.staging or acme.directory, not both (staging: true selects Let\'s Encrypt\'s staging directory)',
			});
		}
	})
	// The directory and the CA's CAA identities are always known after parsing: from the file, or derived.
	.transform(({directory, caaIdentities, ...acme}) => {
		const resolved = directory ?? (acme.staging ? LETSENCRYPT_STAGING_DIRECTORY : DEFAULT_ACME_DIRECTORY);
		return {...acme, directory: resolved, caaIdentities: caaIdentities ?? derivedCaaIdentities(resolved)};
	});

const healthPath = z.string(expected('a path like "/health"')).regex(/^\/[^\s]*$/, {error: 'expected a path like "/health", starting with /'});

// Characters a URL path may hold unescaped, minus those Caddy's matchers read specially (* and {}).
const routePath = z
	.string(expected('a path prefix like "/api"'))
	.regex(/^\//, {abort: true, error: 'expected a path prefix like "/api", starting with /'})
	.refine((value) => value !== '/', {abort: true, error: 'the whole site is the default: leave path out'})
	.refine((value) => !value.endsWith('/'), {abort: true, error: (issue) => `write the prefix without the trailing slash: "${String(issue.input).replace(/\/+$/, '')}" (it covers ${String(issue.input)} and everything under it)`})
	.regex(/^(\/[A-Za-z0-9._~%!$&'()+,;=:@-]+)+$/, {error: 'expected a path prefix like "/api": letters, digits and - . _ ~ between slashes, no * or spaces'});

const route = z.strictObject({
	service: z.string(expected('the name of a compose service that answers HTTP')).min(1, notEmpty),
	port,
	domains: z.array(domain, expected('a list of domain names like ["example.com", "www.example.com"]')).min(1, {error: 'expected at least one domain'}),
	path: routePath.optional(),
	stripPrefix: z.boolean(expected('true or false')).default(false),
	healthPath: healthPath.default('/'),
}, expected('a route with service, port and domains'));

/** Where the one-route shorthand (domain, aliases, compose.service/port/healthPath) is written, for the "both forms" refusal. */
const shorthandFields = [['domain'], ['aliases'], ['compose', 'service'], ['compose', 'port'], ['compose', 'healthPath']] as const;

const configObject = z.strictObject({
	stack: stackName,
	// The one-route shorthand: a hoist.yml written before routes keeps working (see routes.ts).
	domain: domain.optional(),
	aliases: z.array(domain, expected('a list of domain names like ["www.example.com"]')).optional(),
	compose: z
		.strictObject({
			file: z.string(expected('a path to a compose file')).min(1, notEmpty).default('docker-compose.yml'),
			service: z.string(expected('the name of the compose service that answers HTTP')).min(1, notEmpty).optional(),
			port: port.optional(),
			// What `hoist deploy` asks a new web container before it sends traffic there (2xx or 3xx).
			healthPath: healthPath.optional(),
			// How many releases keep their images on the server for `hoist rollback`.
			keepReleases: z.number(expected('a number of releases')).int({error: 'expected a whole number'}).min(1, {error: 'expected at least 1'}).max(50, {error: 'expected at most 50'}).default(3),
		}, expected('a compose section with service and port'))
		.optional(),
	routes: z.array(route, expected('a list of routes, e.g. [{service: web, port: 8080, domains: [example.com]}]')).min(1, {error: 'expected at least one route (or leave routes out and use domain and compose.service)'}).optional(),
	aws: z.strictObject({
		region: awsRegion.optional(),
		profile: z.string(expected('an AWS profile name')).min(1, notEmpty).optional(),
		instanceType: instanceType.default('t3.micro'),
		alpineRelease: alpineRelease.optional(),
		volumeGiB: z
			.number(expected('a size in GiB'))
			.int({error: 'expected a whole number of GiB'})
			.min(1, {error: 'expected at least 1 GiB'})
			.max(16384, {error: 'expected at most 16384 GiB'})
			.default(10),
		sshCidr: cidr,
		elasticIp: elasticIpId.optional(),
		subnet: awsId('subnet', 'subnet-0123456789abcdef0').optional(),
	}, expected('an aws section with at least sshCidr')).optional(),
	server: z
		.strictObject({
			host: hostName,
			user: loginUser.default('alpine'),
			port: port.default(22),
			hostKey: z
				.string(expected('the server\'s public host key, e.g. "ssh-ed25519 AAAA…"'))
				// eslint-disable-next-line no-control-regex
				.refine((value) => !/[\u0000-\u001f\u007f]/.test(value) && isPublicKeyLine(value, hostKeyTypes), {
					error: 'expected a whole public host key like "ssh-ed25519 AAAAC3Nza…" (ssh-keyscan prints it)',
				})
				.optional(),
		}, expected('a server section with at least host'))
		.optional(),
	ssh: z
		.strictObject({
			publicKey: z.string(expected('a path to an OpenSSH public key')).min(1, notEmpty).optional(),
			waitSeconds: z
				.number(expected('a number of seconds'))
				.int({error: 'expected whole seconds'})
				.min(5, {error: 'expected at least 5 seconds'})
				.max(3600, {error: 'expected at most 3600 seconds'})
				.default(300),
		}, expected('an ssh section'))
		.default({waitSeconds: 300}),
	acme: acmeSection.prefault({}),
	dns: z
		.strictObject({
			resolvers: ipList('resolver').min(1, {error: 'expected at least one resolver (or leave dns.resolvers out to use /etc/resolv.conf)'}).optional(),
			publicResolvers: ipList('public resolver').default([...DEFAULT_PUBLIC_RESOLVERS]),
			timeoutMinutes: z
				.number(expected('a number of minutes'))
				.positive({error: 'expected more than 0 minutes'})
				.max(1440, {error: 'expected at most 1440 minutes (a day)'})
				.default(DEFAULT_DNS_TIMEOUT_MINUTES),
			expectAddress: ipAddress.optional(),
			// Plain HTTP only, on purpose: hoist's own tests of other things use it; the finish screen says there is no HTTPS.
			skip: z.boolean(expected('true or false')).optional(),
			// Asked instead of the zone's NS records, each with its port: `hoist rehearse` points the watcher at its stand-ins.
			authoritative: z.array(z.strictObject({
				name: z.string(expected('a label for the server, e.g. "ns1"')).min(1, notEmpty),
				address: ipAddress,
				port: port.default(53),
			}, expected('a server with name, address and port')), expected('a list of servers')).min(1, {error: 'expected at least one server (or leave dns.authoritative out)'}).optional(),
		}, expected('a dns section'))
		.prefault({}),
	caddy: z
		.strictObject({
			// Fully qualified: short names resolve differently on every host (or not at all).
			image: z
				.string(expected('an image reference like "docker.io/library/caddy:2"'))
				.regex(/^[a-z0-9.-]+(:\d+)?\/[^\s]+$/i, {error: 'expected a fully qualified image like "docker.io/library/caddy:2" (with its registry)'})
				.default(DEFAULT_CADDY_IMAGE),
		}, expected('a caddy section'))
		.default({image: DEFAULT_CADDY_IMAGE}),
	host: z
		.strictObject({
			swapMb: z
				.number(expected('a size in MiB'))
				.int({error: 'expected a whole number of MiB'})
				.min(0, {error: 'expected 0 (no swap) or more'})
				.max(65536, {error: 'expected at most 65536 MiB'})
				.default(1024),
		}, expected('a host section'))
		.default({swapMb: 1024}),
	registry: registrySection.optional(),
	backup: z
		.strictObject({
			// Uploaded through this machine's AWS credential chain, whatever the target: the user's bucket, not the server's.
			s3: z
				.string(expected('an S3 location like "s3://my-bucket/backups"'))
				.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/, {error: 'expected an S3 location like "s3://my-bucket/backups" (a bucket name in lowercase, then an optional prefix)'})
				.optional(),
		}, expected('a backup section'))
		.optional(),
	rehearsal: rehearsalSection.optional(),
});

/** The shorthand's own rules: what it needs, and an alias is never the domain or listed twice. */
function checkShorthand(config: z.output<typeof configObject>, ctx: z.core.$RefinementCtx): void {
	const missing = (path: string[], what: string) => ctx.addIssue({code: 'custom', path, message: `is required (${what}; or list routes:)`});
	if (config.domain === undefined) missing(['domain'], 'a domain name like "api.example.com"');
	if (config.compose === undefined) missing(['compose'], 'a compose section with service and port');
	if (config.compose !== undefined && config.compose.service === undefined) missing(['compose', 'service'], 'the name of the compose service that answers HTTP');
	if (config.compose !== undefined && config.compose.port === undefined) missing(['compose', 'port'], 'a port number');
	const seen = new Set([config.domain]);
	(config.aliases ?? []).forEach((alias, index) => {
		if (seen.has(alias)) {
			ctx.addIssue({code: 'custom', path: ['aliases', index], message: alias === config.domain ? 'the domain itself is not an alias of it' : `${alias} is listed twice`});
		}
		seen.add(alias);
	});
}

export const configSchema = configObject
	.superRefine((config, ctx) => {
		// One target: a new EC2 instance (aws:) or a machine you already have (server:).
		if (config.aws !== undefined && config.server !== undefined) {
			ctx.addIssue({code: 'custom', path: ['server'], message: 'aws and server are two different targets: keep one (aws: a new EC2 instance; server: a machine you already have)'});
		}
		if (config.routes === undefined) {
			checkShorthand(config, ctx);
		} else {
			const written = shorthandFields.filter((path) => path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config) !== undefined);
			for (const path of written) {
				ctx.addIssue({code: 'custom', path: [...path], message: 'routes and the one-route form (domain, aliases, compose.service, compose.port, compose.healthPath) are two ways to say where traffic goes: keep one (with routes, each route names its service, port, domains and healthPath)'});
			}
			addRouteProblems(config.routes, ctx);
		}
		if (config.aws === undefined && config.server === undefined) {
			ctx.addIssue({code: 'custom', path: [], message: 'say where to deploy: an aws section (a new EC2 instance) or a server section (a machine you already have)'});
		}
	})
	// One shape for the rest of hoist: a list of routes (the shorthand is one), and "the domain" derived from them.
	.transform(({domain: shorthandDomain, aliases, compose, routes, ...rest}) => {
		// The refinement above made sure the shorthand is whole when there are no routes.
		const {file = 'docker-compose.yml', keepReleases = 3, service = '', port = 0, healthPath: health = '/'} = compose ?? {};
		const normalised: Route[] = routes
			? routes.map(({path, ...entry}) => ({...entry, ...(path === undefined ? {} : {path})}))
			: [shorthandRoute({domain: shorthandDomain ?? '', aliases: aliases ?? [], service, port, healthPath: health})];
		return {...rest, compose: {file, keepReleases}, routes: normalised, domain: primaryDomain(normalised)};
	});

export type Config = z.output<typeof configSchema>;
export type AwsSettings = NonNullable<Config['aws']>;
export type ServerSettings = NonNullable<Config['server']>;

/** The aws section, for the AWS steps: the plan only has them when hoist.yml has it. */
export function awsSettings(config: Config): AwsSettings {
	if (!config.aws) throw new BugError('An AWS step ran for a stack without an aws section.', {code: 'BUG_PLAN'});
	return config.aws;
}

export type RegistrySettings = NonNullable<Config['registry']>;

/** The registry logins, for the login step: the plan has it only when hoist.yml has a registry section. */
export function registrySettings(config: Config): RegistrySettings {
	if (!config.registry) throw new BugError('The registry login ran for a stack without a registry section.', {code: 'BUG_PLAN'});
	return config.registry;
}

/** The server section, for the steps of an existing-server plan. */
export function serverSettings(config: Config): ServerSettings {
	if (!config.server) throw new BugError('A server step ran for a stack without a server section.', {code: 'BUG_PLAN'});
	return config.server;
}

/** Where a secret belongs instead of hoist.yml, by the key people reach for. */
export const secretKeys: Record<string, string> = {
	token: 'HOIST_REGISTRY_TOKEN',
	password: 'HOIST_REGISTRY_TOKEN',
	privateKey: 'ssh.publicKey (hoist reads the private key beside it, never from hoist.yml)',
	secretAccessKey: 'the AWS credential chain (AWS_PROFILE, aws configure, aws sso login)',
	accessKeyId: 'the AWS credential chain (AWS_PROFILE, aws configure, aws sso login)',
};

/** The first problem a schema finds with one value, in the words hoist.yml's errors use; undefined when it passes. */
function problemOf(schema: z.ZodType): (value: unknown) => string | undefined {
	return (value) => {
		const result = schema.safeParse(value);
		return result.success ? undefined : result.error.issues[0]?.message;
	};
}

/**
 * The checks of single hoist.yml fields, for the guided setup's questions: the same rules and messages as the file's
 * own validation, so an answer the setup accepts is one hoist.yml accepts.
 */
export const fieldProblems = {
	stack: problemOf(stackName),
	domain: problemOf(domain),
	email: problemOf(email),
	port: problemOf(port),
	routePath: problemOf(routePath),
	region: problemOf(awsRegion),
	instanceType: problemOf(instanceType),
	sshCidr: problemOf(cidr),
	elasticIp: problemOf(elasticIpId),
	serverHost: problemOf(hostName),
	serverUser: problemOf(loginUser),
	registryServer: problemOf(registryServer),
	registryUser: problemOf(registryUser),
} as const;
