import type {EngineEvent} from '../engine/events.js';
import {printable} from '../text/printable.js';

/**
 * An engine event as a terminal may show it: every text in it (titles, progress, log lines, detail rows, summaries)
 * made printable, since most of it quotes hoist.yml, a compose file or the server. Errors are left whole here: their
 * hint and output are several lines, made printable one by one where they are formatted (formatError).
 */
export function printableEvent(event: EngineEvent): EngineEvent {
	if (event.type === 'step-failed' || event.type === 'run-finished') return event;
	return printableValue(event) as EngineEvent;
}

function printableValue(value: unknown): unknown {
	if (typeof value === 'string') return printable(value);
	if (Array.isArray(value)) return value.map(printableValue);
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, printableValue(inner)]));
	return value;
}
