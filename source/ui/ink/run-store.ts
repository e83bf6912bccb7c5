import {initialRunState, type RunState} from '../run-state.js';

/** Holds the run state outside React so the renderer can feed it from engine callbacks. */
export class RunStore {
	#state: RunState = initialRunState;
	readonly #listeners = new Set<() => void>();

	readonly getState = (): RunState => this.#state;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	update(change: (state: RunState) => RunState): void {
		this.#state = change(this.#state);
		for (const listener of this.#listeners) listener();
	}
}
