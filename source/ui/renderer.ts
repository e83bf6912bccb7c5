import type {RunState} from './run-state.js';
import type {EngineEvent, ErrorView} from '../engine/events.js';
import type {FinishFacts} from '../engine/finish.js';

/**
 * Turns the engine's event stream into output. Three implementations share it: Ink on a terminal,
 * plain timestamped lines (CI, pipes), and JSON lines (--json).
 */
export interface Renderer {
	/** True when a person can answer (a TTY on stdin and stdout, not CI, not --json). */
	readonly interactive: boolean;
	onEvent(event: EngineEvent): void;
	/** After a failed run, on an interactive renderer: the person presses r (retry) or q (quit). */
	askRetry(): Promise<'retry' | 'quit'>;
	/** Shows a failure that happened outside a run (config, lock), in the renderer's own style. */
	showError(error: ErrorView): void;
	/** A closing message after the run, e.g. next steps. */
	showMessage(lines: string[]): void;
	/** After a successful `hoist up`: the URL, certificate, server, time to HTTPS and the next commands. */
	showFinish(facts: FinishFacts): void;
	/** Flushes and restores the terminal. */
	close(): Promise<void>;
}

export interface RendererOptions {
	json: boolean;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	env: NodeJS.ProcessEnv;
	/** Called when the person presses Ctrl-C inside the Ink screen (raw mode swallows SIGINT). */
	onCancel: () => void;
	/** The command's stop (Ctrl-C, SIGTERM, SIGHUP, a closed terminal): a question on screen gives way to it. */
	signal?: AbortSignal;
	/** A command's own keys on the run screen (`c` in a rehearsal's DNS watcher); the Ink screen alone offers them. */
	keys?: ScreenKey[];
}

/** One key a command offers on the run screen while `when` holds, with the hint shown meanwhile. */
export interface ScreenKey {
	key: string;
	hint: string;
	when(state: RunState): boolean;
	press(state: RunState): void;
}

export type RendererKind = 'ink' | 'plain' | 'json';

/** Ink only on a real terminal outside CI; plain lines otherwise; JSON when asked. */
export function rendererKind(options: Pick<RendererOptions, 'json' | 'stdout' | 'env'>): RendererKind {
	if (options.json) return 'json';
	const ci = options.env['CI'];
	const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
	return options.stdout.isTTY === true && !inCi && options.env['TERM'] !== 'dumb' ? 'ink' : 'plain';
}

export async function createRenderer(options: RendererOptions): Promise<Renderer> {
	switch (rendererKind(options)) {
		case 'json': {
			const {JsonRenderer} = await import('./json-renderer.js');
			return new JsonRenderer(options.stdout);
		}
		case 'plain': {
			const {PlainRenderer} = await import('./plain-renderer.js');
			return new PlainRenderer(options.stdout, options.stderr);
		}
		case 'ink': {
			// NO_COLOR (no-color.org): Ink colours through chalk, which ignores NO_COLOR but reads FORCE_COLOR when it
			// is first loaded, and Ink (with chalk) is loaded only here.
			if (options.env['NO_COLOR'] !== undefined && options.env['NO_COLOR'] !== '') process.env['FORCE_COLOR'] = '0';
			const {createInkRenderer} = await import('./ink/ink-renderer.js');
			return createInkRenderer(options);
		}
	}
}
