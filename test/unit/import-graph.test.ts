import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';

/**
 * The arrows between hoist's folders, read from the code itself: every static `from '…'`, side-effect `import '…'`
 * and dynamic `import('…')` of source/ and steps/ (type-only imports count too: they tie a folder to another's words).
 */
const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
	return readdirSync(join(root, dir), {withFileTypes: true}).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return /\.tsx?$/.test(entry.name) ? [path] : [];
	});
}

/** The repository paths a file imports (relative imports only: packages and node: are not hoist's folders). */
function importsOf(file: string): string[] {
	const text = readFileSync(join(root, file), 'utf8');
	const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)].map((match) => match[1]!);
	return specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, ''));
}

/** A file's folder: source/<folder>, or steps; a file directly in source/ (errors.ts, main.ts) stands for itself. */
function folderOf(path: string): string {
	const parts = path.split('/');
	if (parts[0] === 'source') return parts.length > 2 ? `source/${parts[1]}` : path.replace(/\.tsx?$/, '');
	return parts[0]!;
}

const edges = [...sourceFiles('source'), ...sourceFiles('steps')].flatMap((file) => importsOf(file).map((target) => ({file, target})));

/** The files of one folder that import another folder, as "file → target". */
function crossings(from: string, to: string): string[] {
	return edges.filter(({file, target}) => folderOf(file) === from && folderOf(target) === to).map(({file, target}) => `${file} → ${target}`);
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
});
