/** Replaces known secret values in text. Values shorter than 4 characters are not worth masking (or safe to). */
export class Redactor {
	readonly #secrets = new Set<string>();

	add(value: string | undefined): void {
		if (value !== undefined && value.trim().length >= 4) this.#secrets.add(value.trim());
	}

	redact(text: string): string {
		let result = text;
		for (const secret of this.#secrets) result = result.split(secret).join('***');
		return result;
	}

	/** The first secret found in the text, for callers that must refuse rather than mask. */
	contains(text: string): boolean {
		for (const secret of this.#secrets) if (text.includes(secret)) return true;
		return false;
	}
}
