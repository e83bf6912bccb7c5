import {EventEmitter} from 'node:events';
import {stripVTControlCharacters} from 'node:util';
import {vi} from 'vitest';
import {createInkRenderer} from '../../source/ui/ink/ink-renderer.js';

/** Collects Ink's frames; with `debug` each write is one whole frame. */
export class FakeStdout extends EventEmitter {
	readonly columns = 100;
	readonly rows = 40;
	readonly frames: string[] = [];
	readonly write = (frame: string): boolean => {
		this.frames.push(frame);
		return true;
	};

	/** What the person sees now, without colours. */
	lastFrame(): string {
		return stripVTControlCharacters(this.frames.at(-1) ?? '');
	}

	allOutput(): string {
		return stripVTControlCharacters(this.frames.join(''));
	}
}

/** A keyboard: `isTTY` decides whether Ink may switch raw mode on; `rawMode` records what it did. */
export class FakeStdin extends EventEmitter {
	readonly isTTY: boolean | undefined;
	readonly rawMode: boolean[] = [];
	#pending: string | null = null;

	constructor(isTTY: boolean | undefined) {
		super();
		this.isTTY = isTTY;
	}

	/** Types keys the way a terminal delivers them: Ink reads on 'readable'. */
	type(keys: string): void {
		this.#pending = keys;
		this.emit('readable');
	}

	readonly read = (): string | null => {
		const pending = this.#pending;
		this.#pending = null;
		return pending;
	};

	setRawMode(enabled: boolean): this {
		this.rawMode.push(enabled);
		return this;
	}

	setEncoding(): this {
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}

/** Without `tty` stdin has no isTTY at all, like a pipe or /dev/null: the case Ink gets wrong if trusted. */
export function startInkRenderer({tty, stdin = new FakeStdin(tty ? true : undefined)}: {tty: boolean; stdin?: FakeStdin}) {
	const stdout = new FakeStdout();
	const stderr = new FakeStdout();
	const onCancel = vi.fn();
	const renderer = createInkRenderer(
		{
			json: false,
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: stderr as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			env: {},
			onCancel,
		},
		{debug: true},
	);
	return {renderer, stdout, stderr, stdin, onCancel};
}
