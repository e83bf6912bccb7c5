import {render, type RenderOptions} from 'ink';
import type {ReactElement} from 'react';

/**
 * Draws a screen that takes no keys once and lets go of the terminal, leaving it on screen: for what comes before
 * an inquirer question (the resume screen). The caller hands stdin over before asking (cli/confirm.ts).
 */
export async function showOnce(element: ReactElement, streams: Pick<RenderOptions, 'stdout' | 'stdin' | 'stderr' | 'debug'>): Promise<void> {
	const instance = render(element, {...streams, exitOnCtrlC: false, patchConsole: false});
	// React commits the first frame in a microtask; unmounting before it would leave nothing on screen.
	await new Promise((resolve) => setImmediate(resolve));
	instance.unmount();
	await instance.waitUntilExit();
}
