import {basename, dirname, resolve} from 'node:path';
import {isMap, isPair, isScalar, type Document} from 'yaml';
import type {z} from 'zod';
import {nodeFor} from '../compose/locate.js';
import {UserError} from '../errors.js';
import {isFileSystemError} from '../files/fs-errors.js';
import {readTextFile} from '../files/read-file.js';
import {printable} from '../text/printable.js';
import {editDistance} from '../text/did-you-mean.js';
import {checkFiles} from './file-checks.js';
import {configMissing} from './missing.js';
import {readConfigYaml, type Position, type Problem} from './read-config-yaml.js';
import {configSchema, secretKeys, type Config} from './schema.js';

export interface LoadedConfig {
	config: Config;
	/** Absolute path of hoist.yml. */
	path: string;
	/** The directory hoist.yml is in: relative paths and .hoist/ live here. */
	dir: string;
	/** What hoist read differently from how it is written (a domain's case or trailing dot), to say once before a run. */
	notes: string[];
}

const readmeHint = 'The configuration reference is in hoist\'s README, section "Configuration".';

/** hoist.yml is a few dozen lines; anything near this size is the wrong file. */
const maxConfigBytes = 1 << 20;

export function loadConfig(path: string): LoadedConfig {
	const absolute = resolve(path);
	const name = basename(absolute);
	let text: string;
	try {
		text = readTextFile(absolute, {
			what: 'The config file',
			maxBytes: maxConfigBytes,
			nextSteps: ['Pass --config with the path of your hoist.yml (a small YAML file).'],
		});
	} catch (error) {
		if (!isFileSystemError(error) || error.code !== 'ENOENT') throw error;
		throw configMissing(absolute);
	}
	const dir = dirname(absolute);
	const {config, notes} = readConfig(text, name, dir);
	return {config, path: absolute, dir, notes};
}

/** Parses and validates hoist.yml text; every problem names the file, line, column and field. */
export function parseConfig(text: string, fileName: string, dir: string): Config {
	return readConfig(text, fileName, dir).config;
}

function readConfig(text: string, fileName: string, dir: string): {config: Config; notes: string[]} {
	const yaml = readConfigYaml(text);
	if (!yaml.ok) fail(fileName, yaml.problems);
	const {doc, at} = yaml;
	const result = configSchema.safeParse(yaml.data);
	if (!result.success) fail(fileName, result.error.issues.map((issue) => locate(issue, doc, at)));

	const config = result.data;
	const fileProblems = checkFiles(config, doc, dir, at);
	if (fileProblems.length > 0) fail(fileName, fileProblems);
	return {config, notes: normalisedNames(config, doc, at, fileName)};
}

/** One note for the domain and aliases written in capitals or with the trailing dot: hoist uses the plain form. */
function normalisedNames(config: Config, doc: Document, at: Position, fileName: string): string[] {
	const names = writtenNames(config, doc);
	const changed = names.flatMap(([path, name]) => {
		const node = nodeFor(doc, path).value;
		if (!isScalar(node) || node.value === name) return [];
		const {line, col} = at(node.range?.[0]);
		return [`${fileName}:${line}:${col}: ${JSON.stringify(node.value)} is ${name}`];
	});
	if (changed.length === 0) return [];
	return [`${printable(changed.join('; '))} (DNS names ignore case, and a trailing dot is the same name): hoist uses ${changed.length === 1 ? 'this form' : 'these forms'} for Caddy, DNS and the certificate.`];
}

/** Each name of the routes with where hoist.yml writes it: routes.N.domains.M, or the shorthand's domain and aliases. */
function writtenNames(config: Config, doc: Document): Array<[Array<string | number>, string]> {
	if (doc.has('routes')) return config.routes.flatMap((route, index) => route.domains.map((name, position): [Array<string | number>, string] => [['routes', index, 'domains', position], name]));
	const [domain, ...aliases] = config.routes[0]!.domains;
	return [[['domain'], domain!], ...aliases.map((alias, index): [Array<string | number>, string] => [['aliases', index], alias])];
}

function fail(fileName: string, problems: Problem[]): never {
	const [first, ...rest] = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
	const line = (problem: Problem) => printable(`${fileName}:${problem.line}:${problem.col}: ${problem.message}`);
	throw new UserError(line(first!), {
		code: 'CONFIG_INVALID',
		hint: [...rest.slice(0, 4).map(line), rest.length > 4 ? `…and ${rest.length - 4} more` : '', readmeHint]
			.filter(Boolean)
			.join('\n'),
		nextSteps: [`Fix ${fileName}, then run the command again.`],
	});
}

function locate(issue: z.core.$ZodIssue, doc: Document, at: Position): Problem {
	const path = issue.path.map(String);
	const field = path.join('.');
	if (issue.code === 'unrecognized_keys') {
		const key = issue.keys[0] ?? '';
		const keyPath = [...path, key].join('.');
		// hasOwn: a key named __proto__ or toString is an unknown setting, not a lookup on Object.prototype.
		const secret = Object.hasOwn(secretKeys, key) ? secretKeys[key] : undefined;
		const message = secret
			? `${keyPath}: secrets do not belong in this file; use ${secret}`
			: `${keyPath}: unknown setting${suggestion(key, path)}`;
		return {...at(keyOffset(doc, path, key)), message};
	}
	// A rule about the file as a whole (which target to use) names no field.
	if (path.length === 0) return {...at(undefined), message: issue.message};
	// nodeFor follows aliases and << merge keys to where the value was written.
	// List items keep their numeric index, so a bad entry (dns.resolvers.0) is located at the entry itself.
	const node = nodeFor(doc, issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)))).value as {range?: [number, number, number]} | null | undefined;
	// A problem with a whole section points at its key, not at the first line inside it.
	if (isMap(node)) return {...at(keyOffset(doc, path.slice(0, -1), path.at(-1)!) ?? node.range?.[0]), message: `${field}: ${issue.message}`};
	if (node?.range) return {...at(node.range[0]), message: `${field}: ${issue.message}${got(node)}`};
	return {...at(undefined), message: `${field}: ${issue.message}`};
}

function got(node: unknown): string {
	if (!isScalar(node)) return '';
	const value = node.value;
	if (value === null) return ', got nothing';
	// The text as written: 3.20 stays 3.20, not the number 3.2.
	return `, got ${typeof value === 'string' ? JSON.stringify(value) : (node.source ?? String(value))}`;
}

function keyOffset(doc: Document, path: string[], key: string): number | undefined {
	const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
	if (!isMap(map)) return undefined;
	for (const pair of map.items) {
		if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) return pair.key.range?.[0];
	}
	return undefined;
}

function suggestion(key: string, path: string[]): string {
	const known = knownKeys(path);
	const close = known.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
	return close ? ` (did you mean "${close}"?)` : known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
}

function knownKeys(path: string[]): string[] {
	let schema: unknown = configSchema;
	for (const segment of path) schema = unwrap(schema)?.shape?.[segment];
	return Object.keys(unwrap(schema)?.shape ?? {});
}

function unwrap(schema: unknown): {shape?: Record<string, unknown>} | undefined {
	let current = schema as {shape?: Record<string, unknown>; def?: {innerType?: unknown; in?: unknown}} | undefined;
	// Defaults and optionals wrap their schema (innerType); a transformed section is a pipe from it (in).
	while (current && !current.shape && (current.def?.innerType || current.def?.in)) current = (current.def.innerType ?? current.def.in) as typeof current;
	return current;
}


export {resolvePath} from './paths.js';
