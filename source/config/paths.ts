import {homedir} from 'node:os';
import {isAbsolute, resolve} from 'node:path';

/** Resolves a path from hoist.yml: ~ is the home directory, relative paths start at hoist.yml's directory. */
export function resolvePath(dir: string, value: string): string {
	if (value === '~' || value.startsWith('~/')) return resolve(homedir(), value.slice(2));
	return isAbsolute(value) ? value : resolve(dir, value);
}
