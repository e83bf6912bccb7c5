/**
 * What a user or a file typed, safe to print on a terminal: control characters (escape sequences, carriage
 * returns) shown as \xNN, and invisible format characters (bidi overrides like U+202E, zero-width characters, line
 * separators) as \uNNNN, so a name read back from argv, hoist.yml or the journal cannot repaint the screen or make
 * the line read differently from what it holds.
 */
export function printable(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u001f\u007f-\u009f]|[\p{Cf}\p{Zl}\p{Zp}]/gu, (char) => {
		const code = char.codePointAt(0)!;
		if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
		return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
	});
}
