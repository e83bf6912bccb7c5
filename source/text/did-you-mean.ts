/** ` (did you mean "image"?)` when a known word is within two edits of what was written, else ''. */
export function didYouMean(written: string, known: readonly string[]): string {
	const lower = written.toLowerCase();
	let best: {word: string; distance: number} | undefined;
	for (const word of known) {
		const distance = editDistance(word.toLowerCase(), lower);
		if (distance <= 2 && (!best || distance < best.distance)) best = {word, distance};
	}
	return best ? ` (did you mean "${best.word}"?)` : '';
}

/** Levenshtein distance: how many single-character edits turn one word into the other. */
export function editDistance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length]!;
}
