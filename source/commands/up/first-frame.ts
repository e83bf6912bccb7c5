import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {planOutline} from '../../wizard/outline.js';
import {rendererKind} from '../../ui/renderer.js';
import type {CommandIo} from '../../cli/io.js';

/**
 * `hoist up` on a terminal draws its step list before anything heavy loads: validating hoist.yml and the compose
 * file, the steps, Ink and React, the AWS SDK and ssh2 take most of a second on a small machine (README,
 * Benchmarks), and a person who typed `hoist up` should see at once what will happen. The frame is provisional:
 * the next output on the terminal (Ink's first render, an error, a question) first erases it, so a failed check
 * replaces it with its error. It writes nothing to disk and asks nothing.
 */
export function showFirstFrame(argv: string[], io: CommandIo): void {
	// Only to find the command and --config: the values of --config and --from are not taken for the command.
	const {values, positionals} = parseArgs({
		args: argv,
		options: {config: {type: 'string', short: 'c'}, from: {type: 'string'}, json: {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
		strict: false,
		allowPositionals: true,
	});
	if (positionals[0] !== 'up' || positionals.length > 1 || values['help'] === true) return;
	if (rendererKind({json: values['json'] === true, stdout: io.stdout, env: io.env}) !== 'ink') return;
	let text: string;
	try {
		text = readFileSync(typeof values['config'] === 'string' ? values['config'] : 'hoist.yml', 'utf8');
	} catch {
		// No hoist.yml to read: the command's own error says so in a moment.
		return;
	}
	const color = io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '';
	const style = (code: string, words: string) => (color ? `\u001B[${code}m${words}\u001B[22m` : words);
	const width = Math.max(20, (io.stdout.columns ?? 80) - 1);
	// Lines cut to the terminal's width: a wrapped line would leave a row the erase does not reach.
	const lines = [style('1', 'hoist up'), ...planOutline(planShape(text)).map((step) => `${style('2', '○')} ${step.title.slice(0, width - 2)}`)];
	io.stdout.write(`${lines.join('\n')}\n`);
	eraseBeforeNextOutput(io, lines.length);
}

/**
 * Enough of hoist.yml to know the plan, without a YAML parser: an `aws` or `server` section, a `registry` section,
 * as top-level keys. A file this misreads only shows a different list for a moment: the real plan replaces it.
 */
export function planShape(text: string): {aws: boolean; registry: boolean} {
	const has = (key: string) => new RegExp(`^["']?${key}["']?\\s*:`, 'm').test(text);
	return {aws: has('aws') || !has('server'), registry: has('registry')};
}

/** The next write to the terminal (stdout or stderr) starts by moving up over the frame's lines and clearing them. */
function eraseBeforeNextOutput(io: CommandIo, lineCount: number): void {
	const streams = [io.stdout, io.stderr];
	const originals = streams.map((stream) => stream.write);
	const restore = () => streams.forEach((stream, index) => (stream.write = originals[index]!));
	streams.forEach((stream, index) => {
		stream.write = ((...args: Parameters<NodeJS.WriteStream['write']>) => {
			restore();
			io.stdout.write(`\u001B[${lineCount}A\r\u001B[J`);
			return originals[index]!.apply(stream, args);
		}) as NodeJS.WriteStream['write'];
	});
}
