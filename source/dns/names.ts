/** Domain name helpers: normalised, lower case, no trailing dot. */

export function normalizeName(name: string): string {
	return name.trim().replace(/\.$/, '').toLowerCase();
}

export function sameName(a: string, b: string): boolean {
	return normalizeName(a) === normalizeName(b);
}

/** True when `name` is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
	const n = normalizeName(name);
	const z = normalizeName(zone);
	return z === '' || n === z || n.endsWith(`.${z}`);
}

/** The name and every ancestor up to the top-level label, nearest first (app.example.com → …, example.com, com). */
export function selfAndAncestors(name: string): string[] {
	const labels = normalizeName(name).split('.').filter((label) => label !== '');
	return labels.map((_, i) => labels.slice(i).join('.'));
}

/** Ancestors only, nearest first. */
export function ancestors(name: string): string[] {
	return selfAndAncestors(name).slice(1);
}
