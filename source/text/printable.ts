/**
 * What a user or a file typed, safe to print on a terminal: control characters (escape sequences, carriage
 * returns) shown as \xNN, so a name read back from argv, hoist.yml or the journal cannot repaint the screen.
 */
export function printable(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
