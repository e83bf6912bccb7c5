import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {basename, dirname, isAbsolute, resolve} from 'node:path';
import {isMap, isPair, isScalar, LineCounter, parseDocument, type Document} from 'yaml';
import type {z} from 'zod';
import {UserError} from '../errors.js';
import {editDistance} from '../text/did-you-mean.js';
import {configSchema, secretKeys, type Config} from './schema.js';

export interface LoadedConfig {
	config: Config;
	/** Absolute path of hoist.yml. */
	path: string;
	/** The directory hoist.yml is in: relative paths and .hoist/ live here. */
	dir: string;
}

interface Problem {
	line: number;
	col: number;
	message: string;
}

const readmeHint = 'The configuration reference is in hoist\'s README, section "Configuration".';

export function loadConfig(path: string): LoadedConfig {
	const absolute = resolve(path);
	const name = basename(absolute);
	let text: string;
	try {
		text = readFileSync(absolute, 'utf8');
	} catch (error) {
		throw new UserError(`${name}: cannot read ${absolute} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
			code: 'CONFIG_MISSING',
			hint: 'hoist reads hoist.yml from the current directory, or the file given with --config.',
			nextSteps: ['Run hoist in the directory that holds hoist.yml, or pass --config path/to/hoist.yml.'],
		});
	}
	const dir = dirname(absolute);
	const config = parseConfig(text, name, dir);
	return {config, path: absolute, dir};
}

/** Parses and validates hoist.yml text; every problem names the file, line, column and field. */
export function parseConfig(text: string, fileName: string, dir: string): Config {
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true});
	const at = (offset: number | undefined): {line: number; col: number} =>
		offset === undefined ? {line: 1, col: 1} : lineCounter.linePos(offset);

	const yamlError = doc.errors[0];
	if (yamlError) {
		const firstLine = yamlError.message.split('\n')[0] ?? yamlError.message;
		fail(fileName, [{...at(yamlError.pos[0]), message: `invalid YAML: ${firstLine}`}]);
	}
	if (doc.contents === null) fail(fileName, [{line: 1, col: 1, message: 'the file is empty; it needs at least stack, domain, compose and aws'}]);
	if (!isMap(doc.contents)) fail(fileName, [{line: 1, col: 1, message: 'expected a mapping of settings (key: value lines)'}]);

	const result = configSchema.safeParse(doc.toJS());
	if (!result.success) fail(fileName, result.error.issues.map((issue) => locate(issue, doc, at)));

	const config = result.data;
	const fileProblems = checkFiles(config, doc, dir, at);
	if (fileProblems.length > 0) fail(fileName, fileProblems);
	return config;
}

function fail(fileName: string, problems: Problem[]): never {
	const [first, ...rest] = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
	const line = (problem: Problem) => `${fileName}:${problem.line}:${problem.col}: ${problem.message}`;
	throw new UserError(line(first!), {
		code: 'CONFIG_INVALID',
		hint: [...rest.slice(0, 4).map(line), rest.length > 4 ? `…and ${rest.length - 4} more` : '', readmeHint]
			.filter(Boolean)
			.join('\n'),
		nextSteps: [`Fix ${fileName}, then run the command again.`],
	});
}

function locate(issue: z.core.$ZodIssue, doc: Document, at: (offset?: number) => {line: number; col: number}): Problem {
	const path = issue.path.map(String);
	const field = path.join('.');
	if (issue.code === 'unrecognized_keys') {
		const key = issue.keys[0] ?? '';
		const keyPath = [...path, key].join('.');
		const secret = secretKeys[key];
		const message = secret
			? `${keyPath}: secrets do not belong in this file; use ${secret}`
			: `${keyPath}: unknown setting${suggestion(key, path)}`;
		return {...at(keyOffset(doc, path, key)), message};
	}
	// A rule about the file as a whole (which target to use) names no field.
	if (path.length === 0) return {...at(undefined), message: issue.message};
	const node = doc.getIn(path, true) as {range?: [number, number, number]} | undefined;
	// A problem with a whole section points at its key, not at the first line inside it.
	if (isMap(node)) return {...at(keyOffset(doc, path.slice(0, -1), path.at(-1)!) ?? node.range?.[0]), message: `${field}: ${issue.message}`};
	if (node?.range) return {...at(node.range[0]), message: `${field}: ${issue.message}${got(node)}`};
	// A missing field: point at the section that should hold it.
	const parent = doc.getIn(path.slice(0, -1), true) as {range?: [number, number, number]} | undefined;
	return {...at(parent?.range?.[0]), message: `${field}: ${issue.message}`};
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


/** Files named in hoist.yml must exist; paths are relative to hoist.yml's directory. */
function checkFiles(config: Config, doc: Document, dir: string, at: (offset?: number) => {line: number; col: number}): Problem[] {
	const files: Array<[string[], string | undefined, string]> = [
		[['compose', 'file'], config.compose.file, 'the compose file'],
		[['acme', 'caRoot'], config.acme.caRoot, 'the CA certificate'],
		...config.acme.trustRoots.map((value, index): [string[], string, string] => [['acme', 'trustRoots', String(index)], value, 'the trust root']),
		[['ssh', 'publicKey'], config.ssh.publicKey, 'the public key'],
	];
	const pem = new Set(['caRoot', 'trustRoots']);
	const problems: Problem[] = [];
	for (const [path, value, what] of files) {
		if (value === undefined) continue;
		const absolute = resolvePath(dir, value);
		const node = doc.getIn(path, true) as {range?: [number, number, number]} | undefined;
		const where = at(node?.range?.[0]);
		if (!existsSync(absolute)) {
			const defaulted = node === undefined ? ' (the default)' : '';
			problems.push({...where, message: `${path.join('.')}: ${what} ${absolute}${defaulted} does not exist`});
		} else if (pem.has(path[1] ?? '') && !readablePem(absolute)) {
			problems.push({...where, message: `${path.join('.')}: ${what} ${absolute} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`});
		}
	}
	return problems;
}

function readablePem(file: string): boolean {
	try {
		return readFileSync(file, 'utf8').includes('-----BEGIN CERTIFICATE-----');
	} catch {
		return false; // a directory, or not readable
	}
}

/** Resolves a path from hoist.yml: ~ is the home directory, relative paths start at hoist.yml's directory. */
export function resolvePath(dir: string, value: string): string {
	if (value === '~' || value.startsWith('~/')) return resolve(homedir(), value.slice(2));
	return isAbsolute(value) ? value : resolve(dir, value);
}
