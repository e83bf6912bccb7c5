import {StringDecoder} from 'node:string_decoder';

/** What a command said last, for its error: enough to see the failure, never the whole output. */
export const TAIL_LINES = 300;
/** A line longer than this is cut into pieces: output without newlines must not grow memory either. */
const MAX_LINE = 64 * 1024;

/** The last lines of a command's output (both streams, in the order they arrived), in bounded memory. */
export class Tail {
	readonly #lines: string[] = [];

	push(line: string): void {
		this.#lines.push(line);
		if (this.#lines.length > TAIL_LINES) this.#lines.shift();
	}

	get lines(): string[] {
		return [...this.#lines];
	}
}

/** Turns a byte stream into lines as they arrive; multi-byte characters split across chunks are decoded whole. */
export class LineStream {
	readonly #decoder = new StringDecoder('utf8');
	readonly #onLine: (line: string) => void;
	#partial = '';

	constructor(onLine: (line: string) => void) {
		this.#onLine = onLine;
	}

	write(chunk: Buffer): void {
		this.#take(this.#decoder.write(chunk));
	}

	end(): void {
		this.#take(this.#decoder.end());
		if (this.#partial !== '') this.#emit(this.#partial);
		this.#partial = '';
	}

	#take(text: string): void {
		const all = this.#partial + text;
		let start = 0;
		for (let newline = all.indexOf('\n'); newline >= 0; newline = all.indexOf('\n', start)) {
			this.#emit(all.slice(start, newline).replace(/\r$/, ''));
			start = newline + 1;
		}
		let rest = all.slice(start);
		while (rest.length > MAX_LINE) {
			this.#emit(rest.slice(0, MAX_LINE));
			rest = rest.slice(MAX_LINE);
		}
		this.#partial = rest;
	}

	#emit(line: string): void {
		this.#onLine(line);
	}
}
