import {readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {repoRoot as root, sourceFiles} from '../helpers/source-files.js';

/**
 * The arrows between hoist's folders, read from the code itself: every static `from '…'`, side-effect `import '…'`
 * and dynamic `import('…')` of source/ and steps/ (type-only imports count too: they tie a folder to another's words).
 */
/** The repository paths a file imports (relative imports only: packages and node: are not hoist's folders). */
function importsOf(file: string): string[] {
	const text = readFileSync(join(root, file), 'utf8');
	const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)].map((match) => match[1]!);
	return specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, ''));
}

/** A file's folder: source/<folder>, or steps; a file directly in source/ (errors.ts, main.ts) stands for itself. */
function folderOf(path: string): string {
	const parts = path.split('/');
	// (named with .ts, so the entry source/cli.ts is not taken for the folder source/cli/)
	if (parts[0] === 'source') return parts.length > 2 ? `source/${parts[1]}` : `${path.replace(/\.tsx?$/, '')}.ts`;
	return parts[0]!;
}

const edges = [...sourceFiles('source'), ...sourceFiles('steps')].flatMap((file) => importsOf(file).map((target) => ({file, target})));

/** The files of one folder that import another folder, as "file → target". */
function crossings(from: string, to: string): string[] {
	return edges.filter(({file, target}) => folderOf(file) === from && folderOf(target) === to).map(({file, target}) => `${file} → ${target}`);
}

function folderGraph(): Map<string, Set<string>> {
	const graph = new Map<string, Set<string>>();
	for (const {file, target} of edges) {
		const from = folderOf(file);
		const to = folderOf(target);
		if (from === to) continue;
		if (!graph.has(from)) graph.set(from, new Set());
		graph.get(from)!.add(to);
	}
	return graph;
}

/** A path of folders from `from` to `to` through the folder graph, if there is one. */
function pathBetween(from: string, to: string): string[] | undefined {
	const graph = folderGraph();
	const seen = new Map<string, string[]>([[from, [from]]]);
	const queue = [from];
	while (queue.length > 0) {
		const folder = queue.shift()!;
		for (const next of graph.get(folder) ?? []) {
			if (seen.has(next)) continue;
			const path = [...seen.get(folder)!, next];
			if (next === to) return path;
			seen.set(next, path);
			queue.push(next);
		}
	}
	return undefined;
}

describe('the arrows between folders', () => {
	it('reads the imports it checks (a static, a dynamic and a type-only one)', () => {
		expect(edges).toContainEqual({file: 'source/main.ts', target: 'source/errors'});
		expect(edges).toContainEqual({file: 'source/main.ts', target: 'source/commands/index'});
		expect(edges).toContainEqual({file: 'source/engine/events.ts', target: 'source/engine/details'});
	});

	it('the engine knows no DNS: source/engine/ imports nothing from source/dns/', () => {
		expect(crossings('source/engine', 'source/dns')).toEqual([]);
	});

	it('the DNS code takes from the engine only its generic tools (the waiting loop, settleOnce, the detail row), never a run', () => {
		const taken = new Set(crossings('source/dns', 'source/engine').map((crossing) => crossing.split(' → ')[1]));
		expect([...taken].filter((target) => !['source/engine/poll', 'source/engine/settle-once', 'source/engine/details'].includes(target!))).toEqual([]);
	});

	it('source/cli/ is the command framework: it imports no command, and no folder it imports leads back to source/commands/', () => {
		expect(crossings('source/cli', 'source/commands')).toEqual([]);
		expect(pathBetween('source/cli', 'source/commands')).toBeUndefined();
		// The other way is how it should be: the commands are built on the framework.
		expect(crossings('source/commands', 'source/cli').length).toBeGreaterThan(0);
	});

	it('the SSH layer knows no stack layout: source/remote/ imports nothing from source/server/', () => {
		expect(crossings('source/remote', 'source/server')).toEqual([]);
	});
});
