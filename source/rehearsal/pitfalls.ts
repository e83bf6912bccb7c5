import {UserError} from '../errors.js';
import {didYouMean} from '../text/did-you-mean.js';
import {printable} from '../text/printable.js';

/**
 * The mistakes a rehearsal can start its zone with, each one hoist's DNS watcher explains. All four are honest: the
 * zone really holds the mistake, the watcher finds it by asking the stand-in servers, and the fix is a real change of
 * the zone (`hoist rehearse dns …`). What the stand-in CA does not judge (Pebble ignores CAA) hoist's own rule stops.
 */
export const pitfalls = {
	none: 'no record yet (as a new domain starts)',
	aaaa: 'a stale AAAA record beside the A record hoist asks for',
	caa: 'a CAA record that allows only another CA',
	stale: 'two authoritative servers, one still answering an old address',
	proxy: 'the A record points at a Cloudflare proxy address',
} as const;

export type Pitfall = keyof typeof pitfalls;

export function pitfallNamed(value: string): Pitfall {
	if (Object.hasOwn(pitfalls, value)) return value as Pitfall;
	const names = Object.keys(pitfalls);
	throw new UserError(printable(`--pitfall: there is no pitfall "${value}"${didYouMean(value, names)}.`), {
		code: 'USAGE',
		nextSteps: [`Use one of: ${names.map((name) => `${name} (${pitfalls[name as Pitfall]})`).join('; ')}.`],
	});
}
