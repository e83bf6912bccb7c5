import {basename} from 'node:path';
import {isCollection, isMap, parseDocument, type Document} from 'yaml';
import {UserError} from '../errors.js';
import {readTextFile} from '../files/read-file.js';
import {printable} from '../text/printable.js';

/**
 * `hoist init --merge FILE`: hoist.yml settings the setup does not ask about (a private ACME CA, DNS resolvers, the
 * Caddy image, ssh.waitSeconds…), written into the new hoist.yml as they are. This is how a test bed (hoist's own
 * sandbox) or a team's defaults reach the guided setup without a question for each.
 */
export interface MergeSettings {
	file: string;
	/** Each setting as its path and value: maps are walked, lists and scalars are values. */
	entries: Array<{path: string[]; value: unknown}>;
}

export function readMergeSettings(path: string): MergeSettings {
	const name = printable(basename(path));
	const text = readTextFile(path, {what: 'The settings file given with --merge', maxBytes: 1 << 20});
	const doc = parseDocument(text, {uniqueKeys: true});
	if (doc.errors.length > 0 || !isMap(doc.contents)) {
		throw new UserError(`${name}: expected hoist.yml settings (key: value lines), as in hoist.yml itself.`, {
			code: 'USAGE',
			...(doc.errors[0] ? {hint: doc.errors[0].message.split('\n')[0]} : {}),
			nextSteps: [`Fix ${name}, or leave out --merge.`],
		});
	}
	const entries: MergeSettings['entries'] = [];
	const walk = (value: unknown, path: string[]) => {
		if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
			for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
		} else {
			entries.push({path, value});
		}
	};
	walk(doc.toJS(), []);
	return {file: path, entries};
}

/** The value a merged setting gives, if any (e.g. acme.directory: the setup then does not ask about staging). */
export function mergedValue(settings: MergeSettings | undefined, path: string): unknown {
	return settings?.entries.find((entry) => entry.path.join('.') === path)?.value;
}

/** hoist.yml's text with the settings set in it; the setup's comments stay, a merged value replaces an answer. */
export function mergeInto(text: string, settings: MergeSettings): string {
	const doc: Document = parseDocument(text);
	for (const {path, value} of settings.entries) {
		const node = doc.createNode(value);
		// Lists as one line: they are short (resolvers, trust roots) and read like the README's examples.
		if (isCollection(node)) node.flow = true;
		doc.setIn(path, node);
	}
	return doc.toString({lineWidth: 0});
}
