import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {UserError} from '../../../source/errors.js';
import {readProjectFile} from '../../../source/server/project-file.js';

const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function folder(): string {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-project-file-'));
	made.push(dir);
	return dir;
}

// Issue 17: what travels is what the compose check looked at, even if the path changed in between.
describe('reading a project file for the upload', () => {
	it('reads a regular file byte for byte', () => {
		const dir = folder();
		writeFileSync(join(dir, 'app.env'), Buffer.from([0, 1, 2, 255]));
		expect([...readProjectFile(join(dir, 'app.env'))]).toEqual([0, 1, 2, 255]);
	});

	it('refuses a path that became a link since the check, without reading what it points at', () => {
		const dir = folder();
		writeFileSync(join(dir, 'outside.env'), 'SECRET=1\n');
		symlinkSync(join(dir, 'outside.env'), join(dir, 'app.env'));
		expect(() => readProjectFile(join(dir, 'app.env'))).toThrow(UserError);
		expect(() => readProjectFile(join(dir, 'app.env'))).toThrow(/app\.env became a symbolic link after hoist checked the compose project/);
	});

	it('refuses a path that became a named pipe, at once', () => {
		const dir = folder();
		execFileSync('mkfifo', [join(dir, 'app.env')]);
		expect(() => readProjectFile(join(dir, 'app.env'))).toThrow(/app\.env became a named pipe \(FIFO\) after hoist checked/);
	});
});
