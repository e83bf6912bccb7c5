import {existsSync, statSync} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';
import {UserError} from '../errors.js';
import {fileSystemReason, isFileSystemError} from '../files/fs-errors.js';
import {readTextFile} from '../files/read-file.js';
import {castTypes} from './cast.js';
import {parseDotenv} from './dotenv.js';
import {hoistSecrets, maskSecrets, secretsInImages, type KnownSecret} from './hoist-secrets.js';
import {interpolateModel, type Lookup} from './interpolate.js';
import {formatLocated, offsetFor, pathText, type Finding, type Located} from './locate.js';
import type {ComposeModel, Condition} from './model.js';
import {passThroughVariables} from './pass-through.js';
import type {Protocol} from './ports.js';
import {readYaml} from './read-yaml.js';
import {checkReferences} from './references.js';
import {checkRules} from './rules.js';
import {checkSchema} from './schema-check.js';
import {summarize} from './summary.js';
import {collectTravel} from './travel.js';
import {findV2Features} from './v2-only.js';

export interface ComposeCheckOptions {
	/** Absolute path of the compose file. */
	file: string;
	/** hoist's own folder (.hoist/ beside hoist.yml): nothing in it goes to the server, whatever link leads there. */
	stateDir?: string;
	/** The process environment used for interpolation. */
	env: Record<string, string | undefined>;
	/** The services hoist.yml routes to, with their ports (compose.service / compose.port, or each route's). */
	web: ReadonlyArray<{service: string; port: number; settings?: {service: string; port: string}}>;
	/** The target's compose: 'v1' (docker-compose 1.29, python) or 'v2' (docker compose plugin); undefined = not known yet (plan time). */
	engine?: 'v1' | 'v2';
}

export interface ServiceSummary {
	name: string;
	/** Interpolated image reference. */
	image: string;
	/** Another service depends on it with condition service_completed_successfully. */
	oneShot: boolean;
	/** Has a healthcheck in the file that is not disabled (an image's own HEALTHCHECK is not visible here). */
	healthcheck: boolean;
	/** Another service depends on it with condition service_healthy. */
	healthGate: boolean;
	dependsOn: Record<string, Condition>;
	/** Every `ports:` entry, one per container port; host is undefined when Compose picks the host port. */
	publishedPorts: Array<{host?: number; container: number; protocol: Protocol; hostIp?: string}>;
	exposedPorts: number[];
	/** Compose network names it joins ('default' when none declared; none with network_mode). */
	networks: string[];
	networkMode?: string;
	restart?: string;
	/** The user set a logging section (hoist then leaves it alone). */
	hasLogging: boolean;
}

export interface TravelFile {
	/** Absolute local path. */
	local: string;
	/** Path relative to the stack directory on the server (same relative path as locally, POSIX separators). */
	remote: string;
	/** 0o600 for env files and .env (they hold secrets), 0o644 for the compose file; other files keep their own bits minus group/world write. */
	mode: number;
	/** Never show its content: env files, .env, secrets. */
	secret: boolean;
}

export interface ComposeProject {
	file: string;
	dir: string;
	services: Record<string, ServiceSummary>;
	/** Top-level volumes (their data is the user's). */
	namedVolumes: string[];
	/** Networks of the routed services: Caddy joins these. */
	webNetworks: string[];
	/** The compose file itself (byte-for-byte, first), the project .env, env_files, file bind-mounts/configs/secrets inside the project dir. */
	files: TravelFile[];
	/**
	 * Variables that interpolation (or a value-less `environment:` entry) took from the process environment
	 * rather than from .env: they must reach the server (hoist writes them to a 0600 file), never on a command line.
	 */
	fromEnvironment: Record<string, string>;
	/** Things worth saying that do not stop the deploy, as `file:line:col: message`. */
	warnings: string[];
	/** Features only Compose v2 knows; `where` is `file:line:col`. Problems when the engine is v1. */
	v2Only: Array<{feature: string; where: string}>;
}

const hint = 'hoist checks the compose file before it creates anything. The Compose file reference: https://docs.docker.com/reference/compose-file/';

/** Loads, interpolates and checks the compose file; throws UserError COMPOSE_INVALID listing `<file>:<line>:<col>: <message>`. */
export function loadComposeProject(options: ComposeCheckOptions): ComposeProject {
	const file = resolve(options.file);
	const dir = dirname(file);
	const name = basename(file);
	const secrets = hoistSecrets(options.env);
	const yaml = readYaml(readText(file, name), name);
	if (!yaml.ok) fail(name, yaml.problems, secrets);
	const locate = (finding: Finding): Located => {
		const where = pathText(finding.path);
		return {file: name, ...yaml.at(offsetFor(yaml.doc, finding)), message: where ? `${where}: ${finding.message}` : finding.message};
	};

	const fromEnvironment: Record<string, string> = {};
	const environment: Lookup = (variable) => {
		const value = options.env[variable];
		if (value !== undefined) fromEnvironment[variable] = value;
		return value;
	};
	const dotenv = readDotenv(dir, environment);
	const lookup: Lookup = (variable) => environment(variable) ?? dotenv.values.get(variable);

	const interpolation = interpolateModel(yaml.data, lookup);
	const data = castTypes(interpolation.data);
	const problems: Located[] = [...dotenv.problems, ...interpolation.problems.map(locate)];
	const warnings: Located[] = interpolation.unset.map(({name: variable, path}) =>
		locate({path, message: `${variable} is set neither in the environment nor in .env, so it becomes an empty string`}),
	);
	const schemaFindings = checkSchema(data);
	if (schemaFindings.length > 0) fail(name, [...problems, ...schemaFindings.map(locate)], secrets);

	const model = data as ComposeModel;
	const services = summarize(model);
	// How messages name the hoist.yml settings a routed service comes from; the defaults are the one-route form's.
	const rules = checkRules(model, services, options.web.map(({service, port, settings}) => ({
		service,
		port,
		serviceSetting: settings?.service ?? 'compose.service in hoist.yml',
		portSetting: settings?.port ?? 'compose.port in hoist.yml',
	})));
	const travel = collectTravel(model, file, options.stateDir === undefined ? {} : {stateDir: options.stateDir});
	const leaks = secretsInImages(yaml.data, model, secrets);
	// A value whose interpolation failed is already reported; what the rules say about its stand-in ("") is noise.
	const failed = new Set([...interpolation.problems, ...leaks].map((problem) => pathText(problem.path)));
	const fresh = (finding: Finding) => !failed.has(pathText(finding.path));
	problems.push(...travel.dotenvProblems, ...leaks.map(locate), ...[...rules.problems, ...checkReferences(model), ...travel.problems].filter(fresh).map(locate));
	warnings.push(...[...rules.warnings, ...travel.warnings].map(locate));
	for (const {name: variable, path} of passThroughVariables(model)) {
		if (lookup(variable) !== undefined) continue;
		warnings.push(locate({path, message: `${variable} comes from the environment Compose runs in, but it is set neither in yours nor in .env`}));
	}

	const v2Only = findV2Features(model).map((feature) => {
		const {line, col} = yaml.at(offsetFor(yaml.doc, {path: feature.path, message: '', atKey: true}));
		return {...feature, where: `${name}:${line}:${col}`};
	});
	if (options.engine === 'v1') {
		// include: is refused for every engine by the rules; saying it twice helps nobody.
		for (const feature of v2Only.filter((entry) => entry.path[0] !== 'include')) {
			problems.push(
				locate({path: feature.path, atKey: true, message: `the server has docker-compose 1.29, which does not know ${feature.feature}; ${feature.fix}`}),
			);
		}
	}
	if (problems.length > 0) fail(name, problems, secrets);

	return {
		file,
		dir,
		services,
		namedVolumes: Object.keys(model.volumes ?? {}),
		webNetworks: [...new Set(options.web.flatMap((web) => services[web.service]?.networks ?? []))],
		files: travel.files,
		fromEnvironment,
		warnings: sortLocated(warnings, name).map((warning) => maskSecrets(formatLocated(warning), secrets)),
		v2Only: v2Only.map(({feature, where}) => ({feature, where})),
	};
}

/** Services that run to completion before others start (migrations, seeds), in file order. */
export function oneShotServices(project: ComposeProject): string[] {
	return Object.values(project.services)
		.filter((service) => service.oneShot)
		.map((service) => service.name);
}

/** Services that keep running (everything that is not one-shot), in file order. */
export function longRunningServices(project: ComposeProject): string[] {
	return Object.values(project.services)
		.filter((service) => !service.oneShot)
		.map((service) => service.name);
}

/** hoist reads at most this much of the compose file and of .env: a compose file is kilobytes. */
const maxComposeBytes = 8 << 20;

function readText(file: string, name: string): string {
	try {
		return readTextFile(file, {what: 'The compose file', maxBytes: maxComposeBytes, nextSteps: ['Point compose.file in hoist.yml at your compose file.']});
	} catch (error) {
		if (!isFileSystemError(error)) throw error;
		if (error.code !== 'ENOENT') {
			throw new UserError(`${name}: cannot read ${file}: ${fileSystemReason(error)}`, {code: 'COMPOSE_UNREADABLE', nextSteps: [`Check who owns ${file} and its permissions (\`ls -l ${file}\`), then run the command again.`]});
		}
		throw new UserError(`${name}: there is no file ${file}`, {
			code: 'COMPOSE_MISSING',
			hint: 'compose.file in hoist.yml names the compose file, relative to hoist.yml (default docker-compose.yml).',
			nextSteps: ['Create the compose file, or point compose.file in hoist.yml at it.'],
		});
	}
}

/** The project `.env` beside the compose file, when there is one. */
function readDotenv(dir: string, environment: Lookup): {values: Map<string, string>; problems: Located[]} {
	const path = join(dir, '.env');
	if (!existsSync(path) || !statSync(path).isFile()) return {values: new Map(), problems: []};
	let text: string;
	try {
		text = readTextFile(path, {what: 'The project .env', maxBytes: maxComposeBytes});
	} catch (error) {
		const reason = isFileSystemError(error) ? fileSystemReason(error) : error instanceof Error ? error.message : String(error);
		return {values: new Map(), problems: [{file: '.env', line: 1, col: 1, message: `cannot read ${path}: ${reason}`}]};
	}
	const dotenv = parseDotenv(text, environment);
	return {values: dotenv.values, problems: dotenv.problems.map((problem) => ({file: '.env', ...problem}))};
}

function sortLocated(located: Located[], composeName: string): Located[] {
	const rank = (entry: Located) => (entry.file === composeName ? 0 : 1);
	return [...located].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
}

/** Refuses the file with its problems, the values of hoist's secrets masked (this error is shown before any redactor). */
function fail(composeName: string, problems: Located[], secrets: readonly KnownSecret[]): never {
	const masked = problems.map((problem) => ({...problem, message: maskSecrets(problem.message, secrets)}));
	const unique = [...new Map(masked.map((problem) => [formatLocated(problem), problem])).values()];
	const [first, ...rest] = sortLocated(unique, composeName);
	throw new UserError(formatLocated(first!), {
		code: 'COMPOSE_INVALID',
		hint: [...rest.slice(0, 4).map(formatLocated), rest.length > 4 ? `…and ${rest.length - 4} more` : '', hint].filter(Boolean).join('\n'),
		nextSteps: [`Fix ${composeName}, then run the command again.`],
	});
}
