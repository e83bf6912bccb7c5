import type {EngineEvent, ErrorView} from '../engine/events.js';
import type {FinishFacts} from '../engine/finish.js';
import {writeJsonEvent, type JsonEvent} from './json-events.js';
import type {Renderer} from './renderer.js';

/** `--json`: one JSON object per line (json-events.ts), the engine's events as they are; errors outside a run as type "error". */
export class JsonRenderer implements Renderer {
	readonly interactive = false;
	readonly #out: NodeJS.WritableStream;

	constructor(out: NodeJS.WritableStream) {
		this.#out = out;
	}

	onEvent(event: EngineEvent): void {
		this.#write(event);
	}

	async askRetry(): Promise<'quit'> {
		return 'quit';
	}

	showError(error: ErrorView): void {
		this.#write({type: 'error', at: Date.now(), error});
	}

	showMessage(lines: string[]): void {
		this.#write({type: 'message', at: Date.now(), lines});
	}

	/** The finish facts as fields of one event, for scripts. */
	showFinish(facts: FinishFacts): void {
		this.#write({type: 'finish', at: Date.now(), ...facts});
	}

	async close(): Promise<void> {}

	#write(event: JsonEvent): void {
		writeJsonEvent(this.#out, event);
	}
}
