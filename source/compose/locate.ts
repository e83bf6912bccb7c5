import {isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node} from 'yaml';

/** A path into the compose model: mapping keys and list indexes, as in `services.web.ports[0]`. */
export type ModelPath = ReadonlyArray<string | number>;

/** Something to tell the user, tied to a place in the compose model (or, for .env, to a place in that file). */
export interface Finding {
	path: ModelPath;
	message: string;
	/** Point at the key rather than its value (unknown keys, a whole service). */
	atKey?: boolean;
}

/** A finding placed in a file: what the user finally reads as `file:line:col: message`. */
export interface Located {
	file: string;
	line: number;
	col: number;
	message: string;
}

export function formatLocated(located: Located): string {
	return `${located.file}:${located.line}:${located.col}: ${located.message}`;
}

/** `services.web.ports[0]`: how messages name a place in the compose file. */
export function pathText(path: ModelPath): string {
	let text = '';
	for (const segment of path) {
		if (typeof segment === 'number') text += `[${segment}]`;
		else text += text === '' ? segment : `.${segment}`;
	}
	return text;
}

/** Turns offsets into 1-based line and column; a leading byte order mark does not count as a column. */
export function positionOf(lineCounter: LineCounter, text: string): (offset: number | undefined) => {line: number; col: number} {
	const bom = text.startsWith('\uFEFF');
	return (offset) => {
		if (offset === undefined) return {line: 1, col: 1};
		const position = lineCounter.linePos(offset);
		return bom && position.line === 1 ? {line: 1, col: Math.max(1, position.col - 1)} : position;
	};
}

interface Step {
	key: Node | undefined;
	value: Node | null | undefined;
}

/**
 * Finds the YAML node behind a model path, following aliases and `<<` merge keys the way the model was built
 * (explicit keys first, then merged mappings in order). When the path does not exist in the file (a value
 * that comes from a default), the deepest node that does exist stands in.
 */
export function nodeFor(doc: Document, path: ModelPath): {key: Node | undefined; value: Node | null | undefined} {
	let current: Step = {key: undefined, value: doc.contents};
	for (const segment of path) {
		const next = step(doc, current.value, segment, 0);
		if (!next) return current;
		current = next;
	}
	return current;
}

/** The offset to report for a finding: the value's start, or its key's for `atKey` and empty values. */
export function offsetFor(doc: Document, finding: Finding): number | undefined {
	const {key, value} = nodeFor(doc, finding.path);
	if (finding.atKey && key?.range) return key.range[0];
	return value?.range?.[0] ?? key?.range?.[0] ?? doc.contents?.range?.[0];
}

function step(doc: Document, node: Node | null | undefined, segment: string | number, depth: number): Step | undefined {
	// Aliases of aliases are bounded by the alias check in the reader; the depth guard only stops a cycle.
	if (depth > 50) return undefined;
	const target = deref(doc, node);
	if (isSeq(target) && typeof segment === 'number') {
		const item = target.items[segment];
		return item === undefined ? undefined : {key: undefined, value: item as Node | null};
	}
	if (!isMap(target)) return undefined;
	const merges: Array<Node | null> = [];
	for (const pair of target.items) {
		if (!isPair(pair) || !isScalar(pair.key)) continue;
		if (isMergeKey(pair.key.value)) {
			merges.push(pair.value as Node | null);
			continue;
		}
		if (String(pair.key.value) === String(segment)) return {key: pair.key, value: pair.value as Node | null};
	}
	for (const merge of merges) {
		const sources = isSeq(merge) ? (merge.items as Array<Node | null>) : [merge];
		for (const source of sources) {
			const found = step(doc, source, segment, depth + 1);
			if (found) return found;
		}
	}
	return undefined;
}

function deref(doc: Document, node: Node | null | undefined): Node | null | undefined {
	return isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
}

function isMergeKey(value: unknown): boolean {
	return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}
