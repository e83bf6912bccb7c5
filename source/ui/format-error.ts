import type {ErrorView} from '../engine/events.js';
import {printable} from '../text/printable.js';

/**
 * An error as plain lines: what failed, why, what ran, next steps. Only bugs carry a stack trace. Each line is made
 * printable: an error may quote what the user typed or a file held, and an escape sequence in it must not reach
 * the terminal.
 */
export function formatError(error: ErrorView): string[] {
	const lines = [`${error.kind === 'cancelled' ? 'Stopped' : 'Error'}: ${error.message}`];
	if (error.hint) lines.push(...error.hint.split('\n').map((line) => `  ${line}`));
	if (error.command) lines.push(`  Command: ${error.command}`);
	if (error.output) lines.push('  Output:', ...error.output.split('\n').map((line) => `    ${line}`));
	if (error.nextSteps.length > 0) {
		lines.push('  Next steps:', ...error.nextSteps.map((step, index) => `    ${index + 1}. ${step.text}`));
	}
	if (error.kind === 'bug') {
		lines.push('  This is a bug in hoist. Please report it with the trace below.');
		if (error.stack) lines.push(...error.stack.split('\n').map((line) => `    ${line}`));
	}
	return lines.map(printable);
}
