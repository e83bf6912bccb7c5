import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let root: string | undefined;

/** hoist's own folder (package.json, templates/): found from this file, built (dist/source/…) or not (source/…). */
export function packageRoot(): string {
	if (root) return root;
	let dir = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
		const parent = dirname(dir);
		if (parent === dir) throw new Error(`hoist's package folder was not found above ${fileURLToPath(import.meta.url)}`);
		dir = parent;
	}
	return (root = dir);
}
