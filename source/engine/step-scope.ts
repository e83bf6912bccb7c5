import {AsyncLocalStorage} from 'node:async_hooks';

/**
 * The step that is running, for adapters that wait on their own (AWS retries): their waits show on that step's
 * progress line without every step passing a callback to every call. Outside a step a wait is not shown.
 */
const scope = new AsyncLocalStorage<(message: string) => void>();

/** Runs a step's check, run or undo with its progress line as the scope's. */
export function inStep<T>(progress: (message: string) => void, work: () => Promise<T>): Promise<T> {
	return scope.run(progress, work);
}

/** A line on the running step's progress, if a step is running. */
export function showWait(message: string): void {
	scope.getStore()?.(message);
}
