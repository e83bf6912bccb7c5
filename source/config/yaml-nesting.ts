import {Parser, type CST} from 'yaml';

/**
 * Where YAML collections first nest deeper than `maxDepth` (the top mapping is depth 1), as a text offset; undefined
 * when they do not. `onNewLine` counts lines on the way, for the position. Read from the parser's token tree, which
 * is built without recursion: the YAML library's document builder, and every recursive walk after it, would run out
 * of stack on a file nested a thousand deep.
 */
export function deepNestingOffset(text: string, maxDepth: number, onNewLine?: (offset: number) => void): number | undefined {
	for (const token of new Parser(onNewLine).parse(text)) {
		if (token.type !== 'document' || token.value === undefined) continue;
		const pending: Array<[CST.Token, number]> = [[token.value, 1]];
		for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
			const [node, depth] = next;
			if (node.type !== 'block-map' && node.type !== 'block-seq' && node.type !== 'flow-collection') continue;
			if (depth > maxDepth) return node.offset;
			for (const item of node.items) {
				if ('key' in item && item.key) pending.push([item.key, depth + 1]);
				if (item.value) pending.push([item.value, depth + 1]);
			}
		}
	}
	return undefined;
}
