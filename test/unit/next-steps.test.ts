import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {expect, it} from 'vitest';
import type {ErrorView} from '../../source/engine/events.js';
import {nextCommand} from '../../source/errors.js';
import {formatError} from '../../source/ui/format-error.js';
import {JsonRenderer} from '../../source/ui/json-renderer.js';
import {repoRoot as root, sourceFiles} from '../helpers/source-files.js';

class Collector extends Writable {
	text = '';

	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}
}


const failure: ErrorView = {
	kind: 'user',
	code: 'FIXTURE',
	message: 'beta broke',
	nextSteps: [{text: 'Remove the flag file.'}, nextCommand('hoist up', 'Run {command} again: it resumes at step beta.')],
};

it('shows a next step\'s command in its sentence on the screen and in plain lines, and as data in JSON', () => {
	expect(formatError(failure)).toEqual(['Error: beta broke', '  Next steps:', '    1. Remove the flag file.', '    2. Run `hoist up` again: it resumes at step beta.']);
	const out = new Collector();
	new JsonRenderer(out).showError(failure);
	expect(JSON.parse(out.text)).toMatchObject({
		type: 'error',
		error: {nextSteps: [{text: 'Remove the flag file.'}, {text: 'Run `hoist up` again: it resumes at step beta.', command: 'hoist up'}]},
	});
});

it('puts the command into its sentence as it is, `$` and all', () => {
	expect(nextCommand('hoist logs web', 'Look at its logs ({command}).')).toEqual({text: 'Look at its logs (`hoist logs web`).', command: 'hoist logs web'});
	expect(nextCommand('echo $& $1', 'Run {command}.').text).toBe('Run `echo $& $1`.');
});

it('writes every error code out as a literal, so that a code a user reports is found by searching the source', () => {
	const built = sourceFiles('source')
		.concat(sourceFiles('steps'))
		.flatMap((path) => readFileSync(join(root, path), 'utf8').split('\n').map((line, index) => ({where: `${path}:${index + 1}`, line})))
		// `code: \`…\`` or a template literal anywhere in a code's value (`code: nx ? 'DNS_NXDOMAIN' : \`DNS_NO_${type}_RECORD\``).
		.filter(({line}) => /\bcode: [^,;]*`/.test(line));
	expect(built.map(({where, line}) => `${where}: ${line.trim()}`)).toEqual([]);
});
