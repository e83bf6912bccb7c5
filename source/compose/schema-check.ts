import type {AnySchemaObject as SchemaObject, ErrorObject} from 'ajv/dist/2019.js';
import type {Finding, ModelPath} from './locate.js';
import {exposeRange, parsePortSpec} from './ports.js';
import {composeValidator} from './schema.js';
import {didYouMean} from '../text/did-you-mean.js';

/** Validates the interpolated model against the Compose schema; each failure comes back in words, at its place. */
export function checkSchema(data: unknown): Finding[] {
	const {validate} = composeValidator();
	if (validate(data)) return [];
	return dedupe(explain(validate.errors ?? [], [], data));
}

/**
 * ajv reports every branch of a failed `oneOf` (a port is "not a number", "not a string" and "not a mapping"
 * at once). For each outermost failed `oneOf` hoist keeps only the branch whose type fits the value and
 * validates the value against that branch alone; when no branch fits, it says which types would.
 */
function explain(errors: ErrorObject[], base: ModelPath, root: unknown): Finding[] {
	const oneOfs = errors.filter((error) => error.keyword === 'oneOf');
	// At the same place, the enclosing oneOf is the one ajv reports last.
	const encloses = (other: ErrorObject, otherIndex: number, error: ErrorObject, index: number) =>
		other !== error && within(error.instancePath, other.instancePath) && (other.instancePath !== error.instancePath || otherIndex > index);
	const outer = oneOfs.filter((error, index) => !oneOfs.some((other, otherIndex) => encloses(other, otherIndex, error, index)));
	const findings: Finding[] = [];
	for (const error of errors) {
		if (error.keyword === 'oneOf' || outer.some((oneOf) => within(error.instancePath, oneOf.instancePath))) continue;
		findings.push(describe(error, [...base, ...toPath(root, error.instancePath)]));
	}
	for (const oneOf of outer) findings.push(...explainOneOf(oneOf, [...base, ...toPath(root, oneOf.instancePath)]));
	return findings;
}

function explainOneOf(error: ErrorObject, path: ModelPath): Finding[] {
	const branches = (error.schema as SchemaObject[]).map((branch) => ({branch, resolved: resolve(branch)}));
	const fitting = branches.find(({resolved}) => typeFits(resolved, error.data));
	if (!fitting) {
		const expected = [...new Set(branches.flatMap(({resolved}) => typeWords(resolved)))].join(' or ');
		return [{path, message: `expected ${expected}, got ${valueWords(error.data)}`}];
	}
	const validate = composeValidator().branch(fitting.branch);
	if (validate(error.data)) return [{path, message: `${valueWords(error.data)} fits more than one form here; write it in one unambiguous form`}];
	return explain(validate.errors ?? [], path, error.data);
}

function describe(error: ErrorObject, path: ModelPath): Finding {
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'additionalProperties':
			return unknownKey(String(params['additionalProperty']), path, error.parentSchema ?? {});
		case 'required':
			return {path, message: `"${String(params['missingProperty'])}" is missing here`};
		case 'type':
			return {path, message: `expected ${typeWords({type: params['type']}).join(' or ')}, got ${valueWords(error.data)}`};
		case 'enum': {
			const allowed = (params['allowedValues'] as unknown[]).map(String);
			const hint = didYouMean(String(error.data), allowed);
			return {path, message: `expected one of ${allowed.join(', ')}, got ${valueWords(error.data)}${hint}`};
		}
		case 'format':
			return {path, message: formatWords(String(params['format']), error.data)};
		case 'uniqueItems': {
			// ajv's two algorithms name the pair in opposite orders; the later item is the one to remove.
			const later = Math.max(Number(params['i']), Number(params['j']));
			return {path: [...path, later], message: `${valueWords((error.data as unknown[])[later])} is listed twice`};
		}
		default:
			// Keywords this schema rarely fails on (minimum, maximum, …): ajv's wording, still at the right place.
			return {path, message: `${error.message ?? 'is not valid'}, got ${valueWords(error.data)}`};
	}
}

function unknownKey(key: string, objectPath: ModelPath, parentSchema: SchemaObject): Finding {
	const known = Object.keys((parentSchema['properties'] as Record<string, unknown> | undefined) ?? {});
	const path = [...objectPath, key];
	if (known.length === 0) return {path, atKey: true, message: `"${key}" is not a valid name; use letters, digits, ".", "_" and "-"`};
	const hint = didYouMean(key, known);
	if (hint) return {path, atKey: true, message: `unknown key${hint}`};
	const list = known.length <= 12 ? `expected one of ${known.join(', ')}; ` : '';
	return {path, atKey: true, message: `unknown key (${list}your own keys must start with "x-")`};
}

function formatWords(format: string, value: unknown): string {
	switch (format) {
		case 'ports': {
			const reason = parsePortSpec(String(value));
			return `"${String(value)}" is not a port mapping: ${typeof reason === 'string' ? reason : 'invalid'} (e.g. "8080", "8080:80" or "127.0.0.1:8080:80/tcp")`;
		}
		case 'ports-number':
			return `${String(value)} is not a port number (1–65535)`;
		case 'expose': {
			const reason = exposeRange(value);
			return `"${String(value)}" is not a port to expose: ${typeof reason === 'string' ? reason : 'invalid'}`;
		}
		case 'duration':
			return `"${String(value)}" is not a duration; write it like "30s", "1m30s" or "2h"`;
		case 'subnet_ip_address':
			return `"${String(value)}" is not a subnet like "10.5.0.0/16"`;
		default:
			return `${valueWords(value)} is not a valid ${format}`;
	}
}

function resolve(schema: SchemaObject): SchemaObject {
	const ref = schema['$ref'];
	if (typeof ref !== 'string') return schema;
	return composeValidator().definition(ref) ?? schema;
}

function typeFits(schema: SchemaObject, value: unknown): boolean {
	const types = schemaTypes(schema);
	if (types.length === 0) return true;
	const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
	return types.some((type) => type === actual || (type === 'integer' && Number.isInteger(value)));
}

function schemaTypes(schema: SchemaObject): string[] {
	const type = schema['type'];
	if (typeof type === 'string') return [type];
	if (Array.isArray(type)) return type.map(String);
	const oneOf = schema['oneOf'];
	return Array.isArray(oneOf) ? oneOf.flatMap((branch) => schemaTypes(resolve(branch as SchemaObject))) : [];
}

const typeNames: Record<string, string> = {
	string: 'a string',
	number: 'a number',
	integer: 'a whole number',
	boolean: 'true or false',
	array: 'a list',
	object: 'a mapping (key: value)',
	null: 'nothing',
};

function typeWords(schema: SchemaObject): string[] {
	const type = schema['type'];
	const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type.map(String) : schemaTypes(schema);
	return types.map((name) => typeNames[name] ?? name);
}

function valueWords(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	if (typeof value === 'string') return JSON.stringify(value);
	return String(value);
}

function within(path: string, prefix: string): boolean {
	return path === prefix || path.startsWith(`${prefix}/`);
}

/** A JSON pointer as a model path: list positions become numbers, so they can be found in the YAML. */
function toPath(root: unknown, pointer: string): ModelPath {
	const path: Array<string | number> = [];
	let current = root;
	for (const raw of pointer.split('/').slice(1)) {
		const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
		if (Array.isArray(current)) {
			path.push(Number(segment));
			current = current[Number(segment)];
		} else {
			path.push(segment);
			current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
		}
	}
	return path;
}

function dedupe(findings: Finding[]): Finding[] {
	const seen = new Set<string>();
	return findings.filter((finding) => {
		const key = `${finding.path.join('\u0000')}\u0001${finding.message}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}
