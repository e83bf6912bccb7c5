import {readdirSync} from 'node:fs';
import {join, resolve} from 'node:path';

/** The repository's root folder. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** Every .ts and .tsx file under a folder of the repository, as paths from the repository's root. */
export function sourceFiles(folder: string): string[] {
	return readdirSync(join(repoRoot, folder), {withFileTypes: true}).flatMap((entry) => {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return /\.tsx?$/.test(entry.name) ? [path] : [];
	});
}
