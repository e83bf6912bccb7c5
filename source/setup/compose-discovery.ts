import {existsSync, readFileSync, statSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {castTypes} from '../compose/cast.js';
import {formatLocated} from '../compose/locate.js';
import type {ComposeModel} from '../compose/model.js';
import {interpolateModel} from '../compose/interpolate.js';
import {readYaml} from '../compose/read-yaml.js';
import {summarize} from '../compose/summary.js';
import type {ServiceSummary} from '../compose/project.js';

/** The names Compose itself looks for, in its order of preference. */
export const composeFileNames = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** The compose file in a folder, as Compose would pick it; undefined when there is none. */
export function findComposeFile(dir: string): string | undefined {
	return composeFileNames.find((name) => {
		const path = join(dir, name);
		return existsSync(path) && statSync(path).isFile();
	});
}

export interface DiscoveredService {
	name: string;
	image: string;
	/** Ports the service listens on inside the stack: `expose:` first, then the container side of `ports:`. */
	ports: number[];
	/** A job others wait to finish (a migration, a seed): it never answers HTTP. */
	oneShot: boolean;
}

export type ComposeDiscovery = {ok: true; services: DiscoveredService[]} | {ok: false; problem: string};

/**
 * The services of a compose file, for the setup's questions: read and interpolated as the deploy reads it (the
 * environment, then .env beside it is not needed for names and ports), without the checks that need the web
 * service already chosen. A file that cannot be used comes back as a problem in words.
 */
export function discoverServices(file: string, env: NodeJS.ProcessEnv): ComposeDiscovery {
	const path = resolve(file);
	let text: string;
	try {
		if (!statSync(path).isFile()) return {ok: false, problem: `${file} is not a file`};
		text = readFileSync(path, 'utf8');
	} catch {
		return {ok: false, problem: `there is no file ${file} here`};
	}
	const yaml = readYaml(text, file);
	if (!yaml.ok) return {ok: false, problem: formatLocated(yaml.problems[0]!)};
	// Unset variables become empty strings here, as Compose does; the compose step reports them before the deploy.
	const model = castTypes(interpolateModel(yaml.data, (name) => env[name]).data) as ComposeModel;
	if (model.services === null || typeof model.services !== 'object' || Object.keys(model.services).length === 0) {
		return {ok: false, problem: `${file} has no services`};
	}
	const summaries: Record<string, ServiceSummary> = summarize(model);
	const services = Object.values(summaries).map((summary) => ({
		name: summary.name,
		image: summary.image,
		ports: [...new Set([...summary.exposedPorts, ...summary.publishedPorts.filter((port) => port.protocol === 'tcp').map((port) => port.container)])],
		oneShot: summary.oneShot,
	}));
	return {ok: true, services};
}

/** The likeliest web service: one called web, else the first that listens on a port, else the first. */
export function guessWebService(services: readonly DiscoveredService[]): DiscoveredService | undefined {
	const running = services.filter((service) => !service.oneShot);
	return running.find((service) => service.name === 'web') ?? running.find((service) => service.ports.length > 0) ?? running[0];
}

/** The problem with a service name for this file, or undefined when the file has it. */
export function serviceProblem(name: string, file: string, services: readonly DiscoveredService[]): string | undefined {
	if (name.trim() === '') return 'type the name of the service that answers HTTP';
	if (services.some((service) => service.name === name)) return undefined;
	return `${file} has no service "${name}"; it has ${services.map((service) => service.name).join(', ')}`;
}

export interface RegistryGuess {
	server: string;
	username: string;
}

/**
 * The registry the images live in, when they name one that needs a login more often than not (GHCR, or any registry
 * host other than Docker Hub), and the user from the image path (ghcr.io/octocat/app → octocat).
 */
export function guessRegistry(services: readonly DiscoveredService[]): RegistryGuess | undefined {
	const candidates = services.map((service) => registryOf(service.image)).filter((guess): guess is RegistryGuess => guess !== undefined);
	return candidates.find((guess) => guess.server === 'ghcr.io') ?? candidates[0];
}

function registryOf(image: string): RegistryGuess | undefined {
	const [first, second] = image.split('/');
	// A first part with a dot, a colon or "localhost" is a registry host (Docker's rule); otherwise it is Docker Hub.
	if (first === undefined || second === undefined || !(first.includes('.') || first.includes(':') || first === 'localhost')) return undefined;
	if (first === 'docker.io' || first === 'index.docker.io') return undefined;
	return {server: first, username: second.split(':')[0]!.split('@')[0]!};
}
