import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach} from 'vitest';
import {readSandboxEnv, resetMoto, type SandboxEnv} from '../sandbox/sandbox.js';
import {inventory, type StackInventory} from './aws-inventory.js';
import {runCli, startCli, type CliResult, type CliRun} from './run-cli.js';

export interface E2eStackOptions {
	stack?: string;
	instanceType?: string;
	/** Defaults to the sandbox's pre-allocated Elastic IP (10.77.0.2, the SSH host). */
	elasticIp?: string;
	/** Extra lines under `aws:`. */
	aws?: string[];
	waitSeconds?: number;
	/** Without the registry section (and without the token): for stacks whose images need no login. */
	noRegistry?: boolean;
	/** Lines appended to hoist.yml as they are. */
	extra?: string[];
	/** An existing server instead of AWS: the lines under `server:` (the aws section is left out). */
	server?: string[];
	/** Default: the sandbox's domain (app.example.test). */
	domain?: string;
	aliases?: string[];
	/** `routes:` entries (each a flow mapping), instead of domain, aliases and compose.service/port. */
	routes?: string[];
	/** Extra lines under `dns:` (which always points at the sandbox's resolvers), e.g. "timeoutMinutes: 3"; implies `https`. */
	dns?: string[];
	/**
	 * Watch DNS and get Pebble's certificate. Pebble is on the sandbox's private network, so hoist would run both steps
	 * for every stack; tests of other things leave this out and hoist.yml says dns.skip: true (plain HTTP only).
	 */
	https?: boolean;
	/** Default: Pebble's directory. */
	acmeDirectory?: string;
	/** The root that signs the certificates of acmeDirectory's CA (default: Pebble's). */
	acmeRoot?: string;
}

/** hoist.yml's lines that point it at the sandbox's stand-ins for Let's Encrypt, public DNS resolvers and Docker Hub. */
export function sandboxStandIns(sandbox: SandboxEnv, options: Pick<E2eStackOptions, 'acmeDirectory' | 'acmeRoot' | 'dns' | 'https'> = {}): string[] {
	const https = options.https ?? options.dns !== undefined;
	return [
		'acme:',
		`  directory: ${options.acmeDirectory ?? sandbox.HOIST_SANDBOX_ACME_DIRECTORY}`,
		`  caRoot: ${sandbox.HOIST_SANDBOX_ACME_CA}`,
		`  trustRoots: [${options.acmeRoot ?? sandbox.HOIST_SANDBOX_ACME_ROOT}]`,
		`  caaIdentities: [${sandboxCaaIdentity}]`,
		'dns:',
		`  resolvers: [${sandbox.HOIST_SANDBOX_DNS_BOOTSTRAP}]`,
		`  publicResolvers: [${sandbox.HOIST_SANDBOX_DNS_RESOLVERS.split(',').join(', ')}]`,
		...(options.dns ?? []).map((line) => `  ${line}`),
		...(https ? [] : ['  skip: true']),
		'caddy:',
		`  image: ${sandbox.HOIST_SANDBOX_IMAGE_CADDY}`,
	];
}

/**
 * The CAA identity hoist.yml gives for Pebble. Pebble itself checks no CAA: hoist's own check is the one that uses it
 * (a record naming another CA blocks, one naming this allows).
 */
export const sandboxCaaIdentity = 'pebble.letsencrypt.org';

export interface E2eStack {
	name: string;
	dir: string;
	journal: string;
	/** hoist's environment: the sandbox's AWS endpoints and fake credentials, nothing from the developer's shell. */
	env(overrides?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	run(args: string[], overrides?: NodeJS.ProcessEnv): Promise<CliResult>;
	/** Starts hoist (or, with `fixture`, the real CLI running the fixture plan) in the stack's directory. */
	start(args: string[], overrides?: NodeJS.ProcessEnv, fixture?: boolean): CliRun;
	inventory(): Promise<StackInventory>;
	writeConfig(options: E2eStackOptions): void;
	cleanup(): void;
}

/** A hoist.yml (and the fixture compose file) in a fresh directory, pointed at the sandbox. */
export function e2eStack(sandbox: SandboxEnv, options: E2eStackOptions = {}): E2eStack {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-e2e-'));
	const name = options.stack ?? 'e2e';
	copyFileSync(sandbox.HOIST_SANDBOX_COMPOSE_FILE, join(dir, 'docker-compose.yml'));
	const env = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
		AWS_ENDPOINT_URL_EC2: sandbox.AWS_ENDPOINT_URL_EC2,
		AWS_ENDPOINT_URL_STS: sandbox.AWS_ENDPOINT_URL_STS,
		AWS_REGION: sandbox.AWS_REGION,
		AWS_ACCESS_KEY_ID: sandbox.AWS_ACCESS_KEY_ID,
		AWS_SECRET_ACCESS_KEY: sandbox.AWS_SECRET_ACCESS_KEY,
		HOIST_REGISTRY_TOKEN: sandbox.HOIST_SANDBOX_REGISTRY_PASSWORD,
		...overrides,
	});
	const stack: E2eStack = {
		name,
		dir,
		journal: join(dir, '.hoist', 'state.json'),
		env,
		run: (args, overrides) => runCli(args, {cwd: dir, env: env(overrides)}),
		start: (args, overrides, fixture) => startCli(args, {cwd: dir, env: env(overrides), fixture: fixture === true}),
		inventory: () => inventory(sandbox, name),
		writeConfig: (next) => writeFileSync(join(dir, 'hoist.yml'), config(sandbox, name, next)),
		cleanup: () => rmSync(dir, {recursive: true, force: true}),
	};
	stack.writeConfig(options);
	return stack;
}

function config(sandbox: SandboxEnv, name: string, options: E2eStackOptions): string {
	return [
		`stack: ${name}`,
		...(options.routes
			? ['routes:', ...options.routes.map((route) => `  - ${route}`)]
			: [
					`domain: ${options.domain ?? sandbox.HOIST_SANDBOX_DOMAIN}`,
					...(options.aliases ? [`aliases: [${options.aliases.join(', ')}]`] : []),
					'compose:',
					'  service: web',
					'  port: 8080',
				]),
		...(options.server
			? ['server:', ...options.server.map((line) => `  ${line}`)]
			: [
					'aws:',
					'  sshCidr: 10.77.0.1/32',
					`  instanceType: ${options.instanceType ?? 't3.micro'}`,
					`  elasticIp: ${options.elasticIp ?? sandbox.HOIST_SANDBOX_EIP_ALLOCATION_ID}`,
					...(options.aws ?? []).map((line) => `  ${line}`),
				]),
		'ssh:',
		`  waitSeconds: ${options.waitSeconds ?? 30}`,
		...sandboxStandIns(sandbox, options),
		...(options.noRegistry ? [] : ['registry:', `  server: ${sandbox.HOIST_SANDBOX_REGISTRY}`, `  username: ${sandbox.HOIST_SANDBOX_REGISTRY_USER}`]),
		...(options.extra ?? []),
		'',
	].join('\n');
}

/**
 * Call at the top of an end-to-end test file: every test starts from an empty emulator (and the sandbox's
 * Elastic IP), and the stack directories it makes are removed afterwards.
 */
export function freshEmulatorPerTest(): {sandbox: () => SandboxEnv; stack: (options?: E2eStackOptions) => E2eStack} {
	let sandbox: SandboxEnv | undefined;
	let made: E2eStack[] = [];
	beforeEach(async () => {
		await resetMoto();
		sandbox = readSandboxEnv();
	});
	afterEach(() => {
		for (const stack of made) stack.cleanup();
		made = [];
	});
	return {
		sandbox: () => sandbox!,
		stack: (options) => {
			const stack = e2eStack(sandbox!, options);
			made.push(stack);
			return stack;
		},
	};
}
