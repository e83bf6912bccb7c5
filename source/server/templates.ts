import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../files/package-root.js';

/** A file from templates/ (the files that go to the server), as text. */
export function readTemplate(name: string): string {
	return readFileSync(join(packageRoot(), 'templates', name), 'utf8');
}

/**
 * Fills @NAME@ placeholders. Every placeholder must be given and every value used: a template and its caller that
 * drift apart fail here, not on the server.
 */
export function fillTemplate(text: string, values: Record<string, string>): string {
	const unused = new Set(Object.keys(values));
	const filled = text.replace(/@([A-Z][A-Z0-9_]*)@/g, (match, name: string) => {
		const value = values[name];
		if (value === undefined) throw new Error(`template placeholder ${match} has no value`);
		unused.delete(name);
		return value;
	});
	if (unused.size > 0) throw new Error(`template has no placeholder for ${[...unused].join(', ')}`);
	return filled;
}
