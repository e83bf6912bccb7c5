import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {repoRoot} from '../helpers/run-cli.js';

/** Where tests keep text captures of the key screens (gitignored): look at them to see what a person sees. */
export const artifactsDir = join(repoRoot, 'test', 'artifacts', 'screens');

export function keepCapture(name: string, text: string): void {
	mkdirSync(artifactsDir, {recursive: true});
	writeFileSync(join(artifactsDir, `${name}.txt`), text.endsWith('\n') ? text : `${text}\n`);
}
