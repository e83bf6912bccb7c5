import type {EngineEvent, ErrorView} from '../engine/events.js';
import type {FinishFacts} from '../engine/finish.js';
import {finishLines} from './finish-lines.js';
import {formatDuration} from './format-duration.js';
import {formatError} from './format-error.js';
import {printableEvent} from './printable-event.js';
import type {Renderer} from './renderer.js';

/** Timestamped lines for CI logs and pipes: one line per step transition, no cursor movement, no colour. */
export class PlainRenderer implements Renderer {
	readonly interactive = false;
	readonly #out: NodeJS.WritableStream;
	readonly #err: NodeJS.WritableStream;
	readonly #titles = new Map<string, string>();
	readonly #lastProgress = new Map<string, string>();
	readonly #lastDetail = new Map<string, string>();

	constructor(out: NodeJS.WritableStream, err: NodeJS.WritableStream) {
		this.#out = out;
		this.#err = err;
	}

	onEvent(raw: EngineEvent): void {
		const event = printableEvent(raw);
		const title = 'stepId' in event ? (this.#titles.get(event.stepId) ?? event.stepId) : '';
		switch (event.type) {
			case 'run-started':
				for (const step of event.steps) this.#titles.set(step.id, step.title);
				this.#line(event.at, `hoist ${event.command}: ${event.steps.length} steps (run ${event.runId})`);
				break;
			case 'step-started':
				this.#line(event.at, `▸ ${title}`);
				break;
			case 'step-progress':
				if (this.#lastProgress.get(event.stepId) === event.message) break;
				this.#lastProgress.set(event.stepId, event.message);
				this.#line(event.at, `  … ${event.message}`);
				break;
			case 'step-log':
				this.#line(event.at, `  │ ${event.line}`);
				break;
			case 'step-detail':
				// Polling steps repeat the same fact every round: a line only when it changes.
				if (this.#lastDetail.get(`${event.stepId}\0${event.detail.key}`) === event.line) break;
				this.#lastDetail.set(`${event.stepId}\0${event.detail.key}`, event.line);
				this.#line(event.at, `  · ${event.line}`);
				break;
			case 'step-done': {
				const how = event.reused ? 'already done' : formatDuration(event.durationMs);
				this.#line(event.at, `✔ ${title} (${how})${event.summary ? ` — ${event.summary}` : ''}`);
				break;
			}
			case 'step-failed':
				this.#line(event.at, `✖ ${title} (${formatDuration(event.durationMs)})`);
				this.#block(formatError(event.error));
				break;
			case 'run-finished':
				this.#line(event.at, event.result === 'ok' ? 'All steps done.' : event.result === 'cancelled' ? 'Stopped; the journal is saved.' : 'Stopped at a failed step; the journal is saved.');
				break;
		}
	}

	async askRetry(): Promise<'quit'> {
		return 'quit';
	}

	showError(error: ErrorView): void {
		this.#err.write(`${formatError(error).join('\n')}\n`);
	}

	showMessage(lines: string[]): void {
		this.#out.write(`${lines.join('\n')}\n`);
	}

	showFinish(facts: FinishFacts): void {
		this.showMessage(finishLines(facts));
	}

	async close(): Promise<void> {}

	#line(at: number, text: string): void {
		this.#out.write(`${new Date(at).toISOString().slice(11, 19)} ${text}\n`);
	}

	#block(lines: string[]): void {
		this.#out.write(`${lines.map((line) => `         ${line}`).join('\n')}\n`);
	}
}
