import {render, type RenderOptions} from 'ink';
import {CancelledError, cancellationOf} from '../../errors.js';
import {printableEvent} from '../printable-event.js';
import {reduceRun} from '../run-state.js';
import type {Renderer, RendererOptions} from '../renderer.js';
import {RunApp, type RetryAnswer} from './RunApp.js';
import {RunStore} from './run-store.js';

/** Extra Ink options for tests: fake streams need `debug` so every frame is written whole. */
export type InkTestOptions = Pick<RenderOptions, 'debug'>;

export function createInkRenderer(options: RendererOptions, inkOptions: InkTestOptions = {}): Renderer {
	const store = new RunStore();
	const interactive = options.stdin.isTTY === true;
	let pending: {resolve: (answer: RetryAnswer) => void; reject: (stop: CancelledError) => void} | undefined;

	const settleRetry = (answer: RetryAnswer | CancelledError): void => {
		const waiting = pending;
		if (waiting === undefined) return;
		pending = undefined;
		store.update((state) => ({...state, awaitingRetry: false}));
		if (answer instanceof CancelledError) waiting.reject(answer);
		else waiting.resolve(answer);
	};
	const answerRetry = (answer: RetryAnswer): void => settleRetry(answer);
	// A signal (or a closed terminal) while the banner waits for r/q ends the wait as the stop it is: exit 143, 129….
	const {signal} = options;
	signal?.addEventListener('abort', () => settleRetry(cancellationOf(signal)), {once: true});
	const cancel = (): void => {
		// Ctrl-C while the banner waits for r/q means "get me out", not "keep waiting": the stop settles the wait.
		options.onCancel();
		answerRetry('quit');
	};

	const instance = render(<RunApp store={store} onRetryAnswer={answerRetry} onCancel={cancel} keys={options.keys ?? []} />, {
		stdout: options.stdout,
		stdin: options.stdin,
		stderr: options.stderr,
		exitOnCtrlC: false,
		patchConsole: false,
		...inkOptions,
	});
	// Ask now: Ink settles this only for callers already waiting, so a screen that crashed before close() would hang it.
	const exited = instance.waitUntilExit();
	// Once the screen is gone (close or a crash) nobody can press r. The handler also keeps a crash, which close()
	// reports, from counting as an unhandled rejection before then.
	let gone = false;
	const onGone = (): void => {
		gone = true;
		answerRetry('quit');
	};
	exited.then(onGone, onGone);

	return {
		interactive,
		onEvent(event) {
			store.update((state) => reduceRun(state, printableEvent(event)));
		},
		askRetry() {
			if (!interactive || gone) return Promise.resolve('quit');
			if (signal?.aborted) return Promise.reject(cancellationOf(signal));
			return new Promise<RetryAnswer>((resolve, reject) => {
				pending = {resolve, reject};
				store.update((state) => ({...state, awaitingRetry: true}));
			});
		},
		showError(error) {
			store.update((state) => ({...state, outsideError: error}));
		},
		showMessage(lines) {
			store.update((state) => ({...state, messages: [...state.messages, ...lines]}));
		},
		showFinish(facts) {
			store.update((state) => ({...state, finish: facts}));
		},
		async close() {
			// Before unmounting, so the frame left on screen does not offer keys that no longer work.
			answerRetry('quit');
			// React commits store updates in a microtask; unmounting first would drop the last events and messages.
			await new Promise((resolve) => setImmediate(resolve));
			// Unmounting leaves the last frame on screen and switches raw mode off.
			instance.unmount();
			await exited;
		},
	};
}
