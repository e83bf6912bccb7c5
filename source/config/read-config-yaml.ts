import {isMap, isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError} from 'yaml';
import {aliasProblem, duplicateKeyText, maxAliasCount} from '../compose/read-yaml.js';
import {positionOf} from '../compose/locate.js';
import {deepNestingOffset} from './yaml-nesting.js';

export interface Problem {
	line: number;
	col: number;
	message: string;
}

export type Position = (offset: number | undefined) => {line: number; col: number};

export type ConfigYaml = {ok: true; doc: Document; data: unknown; at: Position} | {ok: false; problems: Problem[]};

/**
 * hoist.yml as YAML: every mistake a located sentence, never the library's advice or a ReferenceError. It shares
 * the compose reader's handling of aliases and duplicate keys, and like Compose reads `<<: *anchor` merge keys.
 */
export function readConfigYaml(text: string): ConfigYaml {
	const lines = new LineCounter();
	const deep = deepNestingOffset(text, maxNesting, lines.addNewLine);
	if (deep !== undefined) return {ok: false, problems: [{...positionOf(lines, text)(deep), message: nestingMessage}]};
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true, merge: true});
	const at = positionOf(lineCounter, text);
	const error = doc.errors[0];
	if (error) return {ok: false, problems: [yamlProblem(doc, error, at)]};
	if (doc.contents === null) return {ok: false, problems: [{line: 1, col: 1, message: 'the file is empty; it needs at least stack, domain, compose and aws'}]};
	if (!isMap(doc.contents)) return {ok: false, problems: [{...at(doc.contents.range?.[0]), message: 'expected a mapping of settings (key: value lines)'}]};
	try {
		return {ok: true, doc, data: doc.toJS({maxAliasCount}), at};
	} catch (thrown) {
		const {line, col, message} = aliasProblem(doc, thrown, (offset, words) => ({file: '', ...at(offset), message: words}));
		return {ok: false, problems: [{line, col, message}]};
	}
}

/** hoist.yml's settings go 3 levels deep (acme.trustRoots.0); far deeper is another file, or a file made to crash a reader. */
const maxNesting = 32;
const nestingMessage = `the values here are nested more than ${maxNesting} levels deep; hoist.yml's settings go at most 3 levels deep (e.g. acme.trustRoots)`;

function yamlProblem(doc: Document, error: YAMLError, at: Position): Problem {
	const offset = error.pos[0];
	switch (error.code) {
		case 'DUPLICATE_KEY':
			return {...at(offset), message: duplicateKeyText(doc, offset, at)};
		case 'MULTIPLE_DOCS':
			return {...at(offset), message: 'a second YAML document starts here (after ---); hoist.yml is one document: remove the --- and what is not hoist\'s'};
		case 'TAB_AS_INDENT':
			return {...at(offset), message: 'a tab is used for indentation; YAML indents with spaces only'};
		case 'MISSING_CHAR': {
			// yaml reports an unclosed quote where the file ends; the mistake is where the quote opens.
			const quote = /closing (["'])/.exec(error.message)?.[1];
			const opened = quote === undefined ? undefined : openQuote(doc, quote);
			if (opened !== undefined) return {...at(opened), message: `this value opens a ${quote} quote that is never closed; add the closing ${quote} at its end`};
			break;
		}
	}
	// The first line is the library's description, without its position or its advice about its own API.
	const firstLine = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '').replace(/;\s*please use .*$/, '');
	return {...at(offset), message: `invalid YAML: ${firstLine}`};
}

function openQuote(doc: Document, quote: string): number | undefined {
	let last: number | undefined;
	const type = quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
	visit(doc, {
		Scalar(_, node) {
			if (isScalar(node) && node.type === type && node.range) last = node.range[0];
		},
	});
	return last;
}
