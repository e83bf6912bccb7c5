import type {EngineEvent, ErrorView} from '../engine/events.js';
import type {FinishFacts} from '../engine/finish.js';
import type {Renderer} from './renderer.js';

/** `--json`: one JSON object per line, the engine's events as they are; errors outside a run as type "error". */
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

	#write(value: object): void {
		this.#out.write(`${JSON.stringify(value)}\n`);
	}
}
