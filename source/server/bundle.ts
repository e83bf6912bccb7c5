import {createHash} from 'node:crypto';
import {stringify} from 'yaml';
import {readFileSync} from 'node:fs';
import {resolvePath} from '../config/load.js';
import type {Config} from '../config/schema.js';
import type {ComposeProject} from '../compose/project.js';
import {bootServicePath, type ServiceManager} from './commands/boot.js';
import {bootLines, type ComposeTool} from './commands/compose.js';
import {ensureHealthSchedulerLine} from './commands/health.js';
import {sh} from '../remote/commands/quote.js';
import {renderCaddyfile} from './caddyfile.js';
import {renderHoistEnv} from './hoist-env.js';
import {podmanSocket, stackPaths} from './layout.js';
import {renderOverlay} from './overlay.js';
import {upstreamHost, upstreamsLine} from './commands/upstreams.js';
import {routedServices} from '../config/routes.js';
import {caddySites, type CaddySites} from './sites.js';
import {fillTemplate, readTemplate} from './templates.js';
import type {Release} from '../engine/journal.js';
import type {StackFiles} from '../engine/stack-files.js';
import type {Target} from '../remote/target.js';
import {pinnedImages} from './pins.js';
import {readProjectFile} from './project-file.js';
import {readProject} from './project.js';

export interface ServerFile {
	/** Absolute path on the server. */
	path: string;
	content: string | Buffer;
	mode: number;
	/** Never shown: env files, hoist.env. */
	secret: boolean;
	sha256: string;
}

export interface BundleInputs {
	config: Config;
	/** Where hoist.yml is: relative paths in it start here. */
	configDir: string;
	project: ComposeProject;
	/** The server's public address, served by Caddy over HTTP from the first deploy. */
	address: string;
	manager: ServiceManager;
	compose: ComposeTool;
	/** The server's kernel can keep Caddy's reloads from resetting connections (see renderOverlay). */
	migratesQueuedConnections?: boolean | undefined;
	/** Names whose DNS is confirmed (Caddy gets their site blocks, and asks the CA for them) and the CA. */
	sites: CaddySites;
	/** After `hoist rollback`: the image each service is pinned to (repository@digest). */
	pins?: Record<string, string> | undefined;
}

function withHash(file: Omit<ServerFile, 'sha256'>): ServerFile {
	return {...file, sha256: createHash('sha256').update(file.content).digest('hex')};
}

/** The Caddyfile alone: the server's address over HTTP and the sites whose DNS is confirmed, in front of the routed services. */
export function caddyfile(config: Config, address: string, sites: CaddySites): ServerFile {
	return withHash({
		path: stackPaths(config.stack).caddyfile,
		content: renderCaddyfile({stack: config.stack, address, acme: sites.acme, ...caddySites(config.routes, sites)}),
		mode: 0o644,
		secret: false,
	});
}

/** Each routed service's upstream file as it is between releases: the service's name (a release points it at a container). */
function upstreamFiles(config: Config): Array<Omit<ServerFile, 'sha256'>> {
	const dir = stackPaths(config.stack).caddyUpstreams;
	return routedServices(config.routes).map((service) => ({path: `${dir}/${service}`, content: `${upstreamHost(service)}\n`, mode: 0o644, secret: false}));
}

/** The boot script's line that puts every upstream file back on its service's name: a release cut short left an address there, which a reboot gives to another container. */
function resetUpstreamsLine(config: Config): string {
	return upstreamsLine(config.stack, Object.fromEntries(routedServices(config.routes).map((service) => [service, service])));
}

/**
 * Every file the stack needs on the server, with its mode: the user's compose file and the files it references,
 * byte-for-byte, and hoist's own (hoist.env, the overlay, the Caddyfile, the boot script and service). A pure
 * function of its inputs, so comparing hashes tells exactly what must travel.
 */
export function stackBundle(inputs: BundleInputs): ServerFile[] {
	const {config, project} = inputs;
	const paths = stackPaths(config.stack);
	const files: Array<Omit<ServerFile, 'sha256'>> = project.files.map((file) => ({
		path: `${paths.dir}/${file.remote}`,
		content: readProjectFile(file.local),
		mode: file.mode,
		secret: file.secret,
	}));
	const composeFile = project.files[0]!.remote;
	const pinned = inputs.pins !== undefined;
	const lines = bootLines(inputs.compose, {stack: config.stack, composeFile, pinned});
	files.push(
		{path: paths.hoistEnv, content: renderHoistEnv(project.fromEnvironment), mode: 0o600, secret: true},
		{path: paths.overlay, content: renderOverlay(project, config.caddy.image, {migratesQueuedConnections: inputs.migratesQueuedConnections === true}), mode: 0o644, secret: false},
		caddyfile(config, inputs.address, inputs.sites),
		...upstreamFiles(config),
		{
			path: paths.bootScript,
			content: fillTemplate(readTemplate('stack/hoist-boot.sh'), {
				STACK: config.stack,
				PODMAN_SOCKET: sh(podmanSocket),
				// Where no service manager starts the health scheduler, the boot script does (healthchecks gate services).
				BEFORE_START: inputs.manager === 'none' ? ensureHealthSchedulerLine() : ':',
				RESET_UPSTREAMS: resetUpstreamsLine(config),
				COMPOSE_UP: lines.up,
				COMPOSE_STOP: lines.stop,
			}),
			mode: 0o755,
			secret: false,
		},
	);
	if (inputs.pins !== undefined) {
		const services = Object.fromEntries(Object.entries(inputs.pins).map(([service, image]) => [service, {image}]));
		files.push({path: paths.releaseOverlay, content: `# Written by hoist rollback: each service pinned to the digest of the release it brought back.\n${stringify({services})}`, mode: 0o644, secret: false});
	}
	if (config.acme.caRoot !== undefined) {
		files.push({path: paths.acmeCaRoot, content: readFileSync(resolvePath(inputs.configDir, config.acme.caRoot)), mode: 0o644, secret: false});
	}
	const service = bootServicePath(inputs.manager, config.stack);
	if (service !== undefined) {
		const template = inputs.manager === 'openrc' ? 'openrc/hoist-stack.initd' : 'systemd/hoist-stack.service';
		files.push({
			path: service,
			content: fillTemplate(readTemplate(template), {STACK: config.stack, BOOT_SCRIPT: paths.bootScript}),
			mode: inputs.manager === 'openrc' ? 0o755 : 0o644,
			secret: false,
		});
	}
	return files.map(withHash);
}

/** What a step knows that decides the bundle: hoist.yml, where it is, the environment, and what the journal records. */
export interface BundleSource {
	config: Config;
	files: StackFiles;
	environment: Readonly<Record<string, string | undefined>>;
	target: Target;
	bootstrap: {manager: ServiceManager; compose: 'v1' | 'v2'; composeCommand: string[]; migratesQueuedConnections?: boolean | undefined};
	releases: readonly Release[];
	pinnedRelease: number | undefined;
	sites: CaddySites;
}

/**
 * The bundle as it must be now: the compose project read again (it may have changed) and checked against the server's
 * compose. The upload step sends it.
 */
export function bundleFor(source: BundleSource): ServerFile[] {
	const {bootstrap} = source;
	const project = readProject(source.config, source.files, source.environment, bootstrap.compose);
	return stackBundle({
		config: source.config,
		configDir: source.files.dir,
		project,
		address: source.target.publicAddress,
		manager: bootstrap.manager,
		compose: {command: bootstrap.composeCommand, version: bootstrap.compose},
		migratesQueuedConnections: bootstrap.migratesQueuedConnections,
		sites: source.sites,
		pins: pinnedImages(source.releases, source.pinnedRelease),
	});
}
