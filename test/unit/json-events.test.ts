import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {expect, it} from 'vitest';
import {repoRoot, sourceFiles} from '../helpers/source-files.js';
import {declined} from '../../source/cli/confirm.js';
import {jsonEventTypes} from '../../source/ui/json-events.js';
import {readmeEventTypes} from '../helpers/readme-events.js';

class Collector extends Writable {
	text = '';

	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}
}

it('documents in the README exactly the JSON event types the contract has, in the same order', () => {
	expect(readmeEventTypes()).toEqual([...jsonEventTypes]);
});

it('says a declined question as a `declined` event with --json, in words without', async () => {
	const json = new Collector();
	expect(await declined(true, json, 'Nothing was changed.')).toBe(0);
	expect(JSON.parse(json.text)).toEqual({type: 'declined', at: expect.any(Number), message: 'Nothing was changed.'});
	const plain = new Collector();
	await declined(false, plain, 'Nothing was changed.');
	expect(plain.text).toBe('Nothing was changed.\n');
});

it('writes JSON to stdout only through writeJsonEvent, so that no command prints a shape outside the union', () => {
	const handMade = sourceFiles('source')
		.flatMap((path) => readFileSync(join(repoRoot, path), 'utf8').split('\n').map((line, index) => ({where: `${path}:${index + 1}`, line})))
		.filter(({line}) => /stdout\.write\(.*JSON\.stringify/.test(line));
	expect(handMade.map(({where, line}) => `${where}: ${line.trim()}`)).toEqual([]);
});
