import {PassThrough} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import type {CommandIo} from '../../source/cli/io.js';

/** Keys as a terminal sends them. */
export const keys = {enter: '\r', down: '\u001b[B', clearLine: '\u0015', ctrlC: '\u0003'} as const;

/**
 * The screen a person would see: the output applied to rows of text, with the cursor moves and erases that
 * @inquirer/prompts and Ink use (column, up, down, erase line, erase below). No scrolling: every row is kept.
 */
export class VirtualScreen {
	readonly rows: string[] = [''];
	#row = 0;
	#col = 0;

	write(text: string): void {
		// eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
		const pattern = /\u001b\[([0-9;?]*)([A-Za-z])|\u001b[^[]|([\s\S])/g;
		for (const match of text.matchAll(pattern)) {
			const [, params = '', command, char] = match;
			if (char !== undefined) this.#char(char);
			else if (command !== undefined) this.#csi(params, command);
		}
	}

	text(fromRow = 0): string {
		return this.rows.slice(fromRow).map((row) => row.trimEnd()).join('\n');
	}

	get cursorRow(): number {
		return this.#row;
	}

	#char(char: string): void {
		if (char === '\n') {
			this.#row++;
			this.#col = 0;
			while (this.rows.length <= this.#row) this.rows.push('');
		} else if (char === '\r') {
			this.#col = 0;
		} else {
			const line = this.rows[this.#row]!.padEnd(this.#col);
			this.rows[this.#row] = line.slice(0, this.#col) + char + line.slice(this.#col + 1);
			this.#col++;
		}
	}

	#csi(params: string, command: string): void {
		if (params.startsWith('?')) return; // cursor show/hide and other modes
		const n = params === '' ? 1 : Number(params.split(';')[0]);
		switch (command) {
			case 'A':
				this.#row = Math.max(0, this.#row - n);
				break;
			case 'B':
				this.#row += n;
				while (this.rows.length <= this.#row) this.rows.push('');
				break;
			case 'C':
				this.#col += n;
				break;
			case 'D':
				this.#col = Math.max(0, this.#col - n);
				break;
			case 'G':
				this.#col = Math.max(0, n - 1);
				break;
			case 'K':
				this.rows[this.#row] = params === '2' ? '' : params === '1' ? ' '.repeat(this.#col) + this.rows[this.#row]!.slice(this.#col) : this.rows[this.#row]!.slice(0, this.#col);
				break;
			case 'J':
				if (params === '' || params === '0') {
					this.rows[this.#row] = this.rows[this.#row]!.slice(0, this.#col);
					this.rows.length = this.#row + 1;
				}
				break;
			default:
				break; // colours (m) and anything else change no text
		}
	}
}

/**
 * A terminal on both ends, as @inquirer/prompts, Ink and canAsk see one: a test waits for what the person would see,
 * then types.
 */
export function fakeTty(env: NodeJS.ProcessEnv = {TERM: 'xterm'}) {
	const stdin = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin});
	// A terminal is never ended: inquirer pipes into it and ends its pipe after each question (process.stdout ignores that).
	const stdout = Object.assign(new PassThrough(), {isTTY: true, columns: 200, rows: 60, end: () => stdout});
	const view = new VirtualScreen();
	stdout.on('data', (chunk: Buffer) => view.write(chunk.toString()));
	const controller = new AbortController();
	const io = {
		stdin: stdin as unknown as NodeJS.ReadStream,
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new PassThrough() as unknown as NodeJS.WriteStream,
		env,
		cancellation: {signal: controller.signal, cancel: () => controller.abort(), dispose: () => undefined},
	} satisfies CommandIo;
	let mark = 0;
	return {
		io,
		/** The whole screen now. */
		screen: () => view.text(),
		/**
		 * Waits until the screen, from the row of the last match on, shows the pattern; returns that part of the
		 * screen. The next wait starts at the row where this match starts (the question just matched: once answered,
		 * what follows comes on that row or below).
		 */
		async waitFor(pattern: RegExp, timeoutMs = 3_000): Promise<string> {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const shown = view.text(mark);
				const match = pattern.exec(shown);
				if (match) {
					mark += shown.slice(0, match.index).split('\n').length - 1;
					return shown;
				}
				if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${shown}`);
				await sleep(5);
			}
		},
		/** Types as a person does: one key sequence per write, the way a terminal delivers them. */
		async type(...sequences: string[]): Promise<void> {
			for (const sequence of sequences) {
				stdin.write(sequence);
				await sleep(5);
			}
		},
	};
}
