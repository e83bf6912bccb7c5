import {isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node, type YAMLError} from 'yaml';
import {offsetFor, positionOf, type Located, type ModelPath} from './locate.js';

/**
 * Alias expansions allowed while building the model. yaml's default (100) counts every use of an anchor, so a
 * long file that merges `<<: *defaults` into many services could trip it; 1000 is far above any real compose
 * file and still stops a "billion laughs" file, whose expansions multiply.
 */
export const maxAliasCount = 1000;

/**
 * How deep mappings and lists may nest. A compose file needs a handful of levels (services.web.deploy.resources.limits
 * is five); every reader after the parser walks the model by recursion, and a thousand levels overflow the stack.
 */
export const maxNesting = 64;

const nestingText = `mappings and lists nest more than ${maxNesting} levels deep here; a compose file needs a handful: flatten this part`;

export type YamlRead =
	| {ok: true; doc: Document; data: Record<string, unknown>; at: (offset: number | undefined) => {line: number; col: number}}
	| {ok: false; problems: Located[]};

/** Parses the compose file text; every YAML mistake comes back as a located message in words, never a library dump. */
export function readYaml(text: string, file: string): YamlRead {
	const lineCounter = new LineCounter();
	// merge: Compose files use `<<: *anchor` (YAML 1.1 merge keys), which yaml's default 1.2 schema leaves off.
	// uniqueKeys: yaml compares each key with every earlier one of its mapping (thousands of services make that slow);
	// duplicateKeys below does the same check with a set per mapping.
	const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: false, merge: true});
	const at = positionOf(lineCounter, text);
	const locate = (offset: number | undefined, message: string): Located => ({file, ...at(offset), message});

	// Past the parser's own stack, yaml reports the same exhaustion at several places: one says it.
	const exhausted = doc.errors.find((error) => error.code === 'RESOURCE_EXHAUSTION');
	if (exhausted) return {ok: false, problems: [locate(exhausted.pos[0], nestingText)]};
	if (doc.errors.length > 0) return {ok: false, problems: doc.errors.slice(0, 5).map((error) => locate(error.pos[0], yamlErrorText(doc, error, at)))};
	if (doc.contents === null) return {ok: false, problems: [locate(undefined, 'the file is empty; it needs a services: section')]};
	if (!isMap(doc.contents)) {
		return {ok: false, problems: [locate(doc.contents.range?.[0], 'expected a mapping with a services: section at the top level')]};
	}

	const duplicates = duplicateKeys(doc);
	if (duplicates.length > 0) return {ok: false, problems: duplicates.slice(0, 5).map((offset) => locate(offset, duplicateKeyText(doc, offset, at)))};

	let data: unknown;
	try {
		data = doc.toJS({maxAliasCount});
	} catch (error) {
		return {ok: false, problems: [aliasProblem(doc, error, locate)]};
	}
	// Aliases can nest deeper than the text does, so the depth is measured on the model they build.
	const deep = tooDeep(data);
	if (deep) return {ok: false, problems: [locate(offsetFor(doc, {path: deep, message: ''}), nestingText)]};
	return {ok: true, doc, data: data as Record<string, unknown>, at};
}

function yamlErrorText(doc: Document, error: YAMLError, at: (offset: number) => {line: number; col: number}): string {
	switch (error.code) {
		case 'DUPLICATE_KEY':
			return duplicateKeyText(doc, error.pos[0], at);
		case 'MULTIPLE_DOCS':
			return 'a second YAML document starts here (after ---); Compose reads one document per file: merge them into one, or remove the ---';
		case 'TAB_AS_INDENT':
			return 'a tab is used for indentation; YAML indents with spaces only';
		case 'RESOURCE_EXHAUSTION':
			return nestingText;
		default: {
			// Errors we have no words for still get a place; the first line is the library's description, without its own position.
			const firstLine = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
			return `invalid YAML: ${firstLine}`;
		}
	}
}

/**
 * The offsets of keys set a second time in their mapping, as yaml's uniqueKeys would report them (scalar keys with
 * the same value), found with a set per mapping. Aliases are not followed: their anchor is checked where it is.
 */
function duplicateKeys(doc: Document): number[] {
	const found: number[] = [];
	const pending: unknown[] = [doc.contents];
	while (pending.length > 0) {
		const node = pending.pop();
		if (isSeq(node)) pending.push(...node.items);
		if (!isMap(node)) continue;
		const seen = new Set<unknown>();
		for (const pair of node.items) {
			pending.push(pair.key, pair.value);
			if (!isScalar(pair.key)) continue;
			if (seen.has(pair.key.value) && pair.key.range) found.push(pair.key.range[0]);
			seen.add(pair.key.value);
		}
	}
	return found.sort((a, b) => a - b);
}

/** The path to the first value nested deeper than maxNesting, walked without recursion; undefined when none is. */
function tooDeep(data: unknown): ModelPath | undefined {
	const pending: Array<{value: unknown; path: Array<string | number>}> = [{value: data, path: []}];
	while (pending.length > 0) {
		const {value, path} = pending.pop()!;
		if (value === null || typeof value !== 'object') continue;
		if (path.length > maxNesting) return path;
		const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
		for (const [key, item] of entries) pending.push({value: item, path: [...path, key]});
	}
	return undefined;
}

export function duplicateKeyText(doc: Document, offset: number, at: (offset: number) => {line: number; col: number}): string {
	let text = 'this key is set twice in the same mapping; keep one';
	visit(doc, {
		Map(_, map) {
			const keys = map.items.filter(isPair).map((pair) => pair.key).filter(isScalar);
			const duplicate = keys.find((key) => key.range?.[0] === offset);
			if (!duplicate) return undefined;
			const first = keys.find((key) => key !== duplicate && key.value === duplicate.value);
			const where = first?.range ? ` (first at line ${at(first.range[0]).line})` : '';
			text = `"${String(duplicate.value)}" is set twice in the same mapping${where}; keep one`;
			return visit.BREAK;
		},
	});
	return text;
}

export function aliasProblem(doc: Document, error: unknown, locate: (offset: number | undefined, message: string) => Located): Located {
	const aliases: Alias[] = [];
	visit(doc, {Alias: (_, alias) => void aliases.push(alias)});
	const unresolved = aliases.find((alias) => alias.resolve(doc) === undefined);
	if (unresolved) {
		return locate(unresolved.range?.[0], `*${unresolved.source} refers to no anchor: define &${unresolved.source} before this alias`);
	}
	const message = error instanceof Error ? error.message : '';
	if (message.startsWith('Excessive alias count')) {
		// The aliases that multiply are the ones whose anchor itself contains aliases.
		const nested = aliases.find((alias) => containsAlias(alias.resolve(doc))) ?? aliases[0];
		return locate(
			nested?.range?.[0],
			`aliases here expand into more than ${maxAliasCount} copies; write the repeated part out, or use one level of <<: *anchor`,
		);
	}
	return locate(undefined, `cannot read the YAML: ${message.split('\n')[0] ?? 'unknown error'}`);
}

function containsAlias(node: Node | undefined): boolean {
	if (!isCollection(node)) return false;
	let found = false;
	visit(node, {
		Alias() {
			found = true;
			return visit.BREAK;
		},
	});
	return found;
}
