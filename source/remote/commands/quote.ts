import {quote} from 'shell-quote';

/** One shell word per argument, quoted by shell-quote (never by hand): spaces, quotes, $, newlines stay literal. */
export function sh(...words: Array<string | number>): string {
	return words.map((word) => (typeof word === 'number' ? String(word) : word === '' ? "''" : quote([word]))).join(' ');
}

/** Commands joined so the first failure stops the line. */
export function andThen(...lines: string[]): string {
	return lines.filter((line) => line !== '').join(' && ');
}
