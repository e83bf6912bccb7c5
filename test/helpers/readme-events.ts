import {readFileSync} from 'node:fs';

/** The types in the README's table of JSON events (the first column of the table under "### JSON events"). */
export function readmeEventTypes(): string[] {
	const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
	const section = /^### JSON events\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1];
	if (section === undefined) throw new Error('README.md has no "### JSON events" section');
	return [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]!);
}
