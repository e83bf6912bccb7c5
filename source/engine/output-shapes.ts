/**
 * What code outside a step relies on in its recorded outputs (commands, closing screens, other steps' `recorded`).
 * The journal's schema holds outputs as any JSON object, so a hand-edited or half-restored journal can pass it with
 * `target.outputs = {}`; these shapes catch that where outputs are read (engine/outputs.ts). Only the fields others
 * read are checked, and unknown fields pass: a step may record more. A step without a shape here is read as it is.
 * Plain descriptions rather than zod: commands that read outputs are on the start-up path, which loads no dependency.
 */
type Field = 'string' | 'number' | 'string[]' | 'object' | readonly string[] | Shape;
export interface Shape {
	readonly [field: string]: Field;
}

export const outputShapes: Readonly<Record<string, Shape>> = {
	target: {kind: ['aws', 'server'], host: 'string', port: 'number', user: 'string', privateKeyPath: 'string', identity: 'string', publicAddress: 'string'},
	'ssh-ready': {host: 'string', user: 'string'},
	bootstrap: {compose: ['v1', 'v2'], composeCommand: 'string[]'},
	compose: {file: 'string', services: 'object', namedVolumes: 'string[]'},
	upload: {dir: 'string'},
	deploy: {release: {at: 'string', services: 'object'}},
	release: {at: 'string', services: 'object'},
	dns: {status: ['ready', 'skipped'], address: 'string', names: 'string[]'},
	certificate: {status: ['issued', 'skipped'], names: 'string[]', address: 'string'},
};

/** The first field that is not as described: its path and what was expected there. */
export function shapeIssue(value: unknown, shape: Shape, path: string[] = []): {path: string[]; expected: string} | undefined {
	if (!isObject(value)) return {path, expected: 'an object'};
	for (const [field, expected] of Object.entries(shape)) {
		const at = [...path, field];
		const actual = value[field];
		if (typeof expected === 'string' || Array.isArray(expected)) {
			if (!matches(actual, expected as Exclude<Field, Shape>)) return {path: at, expected: describe(expected as Exclude<Field, Shape>)};
		} else {
			const inner = shapeIssue(actual, expected as Shape, at);
			if (inner) return inner;
		}
	}
	return undefined;
}

function matches(actual: unknown, expected: Exclude<Field, Shape>): boolean {
	if (Array.isArray(expected)) return expected.includes(actual as string);
	switch (expected) {
		case 'string[]':
			return Array.isArray(actual) && actual.every((item) => typeof item === 'string');
		case 'object':
			return isObject(actual);
		default:
			return typeof actual === expected;
	}
}

function describe(expected: Exclude<Field, Shape>): string {
	if (Array.isArray(expected)) return `one of ${expected.map((value) => `"${value}"`).join(', ')}`;
	return {string: 'a string', number: 'a number', 'string[]': 'a list of strings', object: 'an object'}[expected as string] ?? String(expected);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
