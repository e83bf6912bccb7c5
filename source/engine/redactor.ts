import type {EngineEvent, ErrorView} from './events.js';

/**
 * Masks known secret values where a secret can really appear: text that came from outside (command output, log
 * lines, progress, error messages and hints). hoist's own words (event types, step ids, statuses, next steps) are
 * never masked, so a token that happens to be an ordinary word ("status", "alpine") cannot break the output or the
 * journal: it is masked in outside text, and `weakSecret` lets the session warn about it. Nothing here refuses.
 */
export class Redactor {
	readonly #secrets = new Set<string>();

	add(value: string | undefined): void {
		// Fewer than 4 characters cannot be masked without masking half of every sentence; the session warns instead.
		if (value !== undefined && value.trim().length >= 4) this.#secrets.add(value.trim());
	}

	redact(text: string): string {
		let result = text;
		for (const secret of this.#secrets) result = result.split(secret).join('***');
		return result;
	}

	/**
	 * Whether text holds a secret that cannot be there by coincidence: only distinctive secrets count, since a weak
	 * one matches ordinary words and key names. For guards that catch a step leaking a secret into stored data.
	 */
	leaks(text: string): boolean {
		for (const secret of this.#secrets) if (!weakSecret(secret) && text.includes(secret)) return true;
		return false;
	}
}

/** A secret too short or too plain to tell apart from ordinary text (a word, a number). */
export function weakSecret(value: string): boolean {
	const trimmed = value.trim();
	return trimmed.length < 12 || /^[a-z]+$/i.test(trimmed) || /^\d+$/.test(trimmed);
}

/** An error with its outside text masked: message, hint, command, output and trace. */
export function redactView(view: ErrorView, redactor: Redactor): ErrorView {
	const masked: ErrorView = {...view, message: redactor.redact(view.message), nextSteps: [...view.nextSteps]};
	for (const key of ['hint', 'command', 'output', 'stack'] as const) {
		const value = view[key];
		if (value !== undefined) masked[key] = redactor.redact(value);
	}
	return masked;
}

/** Fields of a detail's data that hold hoist's own words (ids, states), never outside text. */
const structural = new Set(['id', 'state', 'health', 'status', 'role', 'severity', 'code']);

/** A detail's data with every outside text in it masked, however deep (a DNS summary's missing items and fixes). */
function redactData(value: unknown, redactor: Redactor, key?: string): unknown {
	if (typeof value === 'string') return key !== undefined && structural.has(key) ? value : redactor.redact(value);
	if (Array.isArray(value)) return value.map((item) => redactData(item, redactor));
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([inner, item]) => [inner, redactData(item, redactor, inner)]));
	return value;
}

/** An engine event with its outside text masked; its structure (type, ids, statuses) is left as it is. */
export function redactEvent(event: EngineEvent, redactor: Redactor): EngineEvent {
	switch (event.type) {
		case 'step-progress':
			return {...event, message: redactor.redact(event.message)};
		case 'step-log':
			return {...event, line: redactor.redact(event.line)};
		case 'step-detail': {
			// Titles, notes, image and service names may quote the server; the kind, ids and states are hoist's own.
			const {kind, key, data} = event.detail;
			return {...event, line: redactor.redact(event.line), detail: {kind, key: redactor.redact(key), data: redactData(data, redactor) as object}};
		}
		case 'step-done':
			return event.summary === undefined ? event : {...event, summary: redactor.redact(event.summary)};
		case 'step-failed':
			return {...event, error: redactView(event.error, redactor)};
		case 'run-finished':
			return event.error === undefined ? event : {...event, error: redactView(event.error, redactor)};
		default:
			return event;
	}
}
