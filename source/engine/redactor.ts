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

const structural = new Set(['kind', 'id', 'state', 'health']);

/** An engine event with its outside text masked; its structure (type, ids, statuses) is left as it is. */
export function redactEvent(event: EngineEvent, redactor: Redactor): EngineEvent {
	switch (event.type) {
		case 'step-progress':
			return {...event, message: redactor.redact(event.message)};
		case 'step-log':
			return {...event, line: redactor.redact(event.line)};
		case 'step-detail': {
			// Titles, notes, image and service names may quote the server; kind, id, state and health are hoist's own.
			const detail = Object.fromEntries(
				Object.entries(event.detail).map(([key, value]) => [key, typeof value === 'string' && !structural.has(key) ? redactor.redact(value) : value]),
			) as typeof event.detail;
			return {...event, line: redactor.redact(event.line), detail};
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
