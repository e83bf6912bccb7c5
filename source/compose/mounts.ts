import type {LongVolume} from './model.js';

export type Mount =
	| {kind: 'bind'; source: string}
	| {kind: 'volume'; source: string}
	/** An anonymous volume, a tmpfs, or a type hoist has nothing to check for. */
	| {kind: 'other'};

/**
 * A service's `volumes:` entry in either syntax. In the short syntax `SOURCE:TARGET[:MODE]`, a source that
 * starts with `.`, `/` or `~` is a host path (a bind mount); any other source names a volume; no source means an
 * anonymous volume.
 */
export function parseMount(entry: string | LongVolume): Mount {
	if (typeof entry !== 'string') {
		if ((entry.type === 'bind' || entry.type === 'volume') && entry.source) return {kind: entry.type, source: entry.source};
		return {kind: 'other'};
	}
	const parts = entry.split(':');
	if (parts.length < 2) return {kind: 'other'};
	const source = parts[0] ?? '';
	if (source === '') return {kind: 'other'};
	return /^[./~]/.test(source) ? {kind: 'bind', source} : {kind: 'volume', source};
}
