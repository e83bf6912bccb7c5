import {existsSync, mkdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {expect} from 'vitest';
import {deployedJournal, journalBefore, mkfifo, put, stateFile, type BadInput} from './case.js';

const lockFile = '.hoist/lock';
const damaged = (name: string, content: string, args: string[], names: RegExp): BadInput => ({name, args, exit: 2, names, setup: (dir) => put(dir, stateFile, content)});
const wrongOutputs = (command: string[], steps: Record<string, object>, names: RegExp): BadInput => ({
	name: `hoist ${command[0]} on a journal with ${Object.keys(steps).join(', ')} outputs of the wrong shape`,
	args: command,
	exit: 2,
	names,
	setup: (dir) => put(dir, stateFile, deployedJournal(dir, steps)),
});
const journalIsAFolder = (dir: string) => (rmSync(join(dir, stateFile)), mkdirSync(join(dir, stateFile)));
const holder = (fields: object) => `${JSON.stringify({host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'up', ...fields})}\n`;
const lockedBy = (name: string, content: string, exit: number, names: RegExp, args = ['up']): BadInput => ({
	name,
	args,
	exit,
	names,
	setup: (dir) => put(dir, lockFile, content),
	after: (dir, result) => {
		if (result.code === 0) expect(existsSync(join(dir, lockFile))).toBe(false);
	},
});

/** Journals that hoist must not lose or misread, and locks in every state a crash or a person can leave. */
export const journalCases: BadInput[] = [
	damaged('a journal of another stack', journalBefore('old-shop'), ['up'], /state\.json belongs to stack "old-shop", but hoist\.yml says stack "demo"\. It records 1 AWS resource: instance i-0abc/),
	{
		...damaged(
			'a journal of another stack on an existing server: its resources are the server\'s, not AWS\'s',
			journalBefore('old-shop').replace(/"resources": \{[\s\S]*?\n {2}\},/, `"resources": ${JSON.stringify({'stack-dir:/srv/hoist/old-shop@10.0.0.5': {type: 'stack-dir', id: '/srv/hoist/old-shop@10.0.0.5', ownedByHoist: true}})},`),
			['up', '--restart'],
			/belongs to stack "old-shop"[\s\S]*It records 1 server resource: stack-dir \/srv\/hoist\/old-shop@10\.0\.0\.5\./,
		),
		after: (_dir, result) => expect(`${result.stdout}${result.stderr}`).not.toContain('AWS'),
	},
	{
		...damaged('a damaged journal of an existing server: what hoist made is found again by name, not only by AWS tag', '{"schema": 1,', ['up'], /damaged and cannot be read[\s\S]*on a server by the stack's name/),
		config: ['stack: demo', 'domain: app.example.test', 'compose:', '  service: web', '  port: 8080', 'server:', '  host: 10.0.0.5', ''].join('\n'),
	},
	damaged('--restart on a journal of another stack', journalBefore('old-shop'), ['up', '--restart'], /belongs to stack "old-shop"[\s\S]*instance i-0abc[\s\S]*hoist destroy/),
	damaged('destroy on a journal of another stack', journalBefore('old-shop'), ['destroy', '--yes'], /belongs to stack "old-shop"/),
	damaged('a journal that is not JSON', '{"schema": 1,', ['up'], /\.hoist\/state\.json is damaged and cannot be read/),
	damaged('an empty journal', '', ['up'], /\.hoist\/state\.json is damaged and cannot be read/),
	damaged('a journal that is null', 'null', ['up'], /\.hoist\/state\.json is damaged and cannot be read \(top level: /),
	damaged('a journal of format 0', journalBefore().replace('"schema": 1', '"schema": 0'), ['up'], /\.hoist\/state\.json is damaged and cannot be read \(schema: /),
	damaged('a journal from a newer hoist', journalBefore().replace('"schema": 1', '"schema": 7'), ['up'], /\.hoist\/state\.json was written by a newer hoist \(journal format 7/),
	damaged('--restart on a journal from a newer hoist', journalBefore().replace('"schema": 1', '"schema": 7'), ['up', '--restart'], /journal format 7/),
	damaged('--restart on a damaged journal that still records resources', journalBefore().replace('"done"', '"finished"'), ['up', '--restart'], /damaged[\s\S]*records 1 AWS resource: instance i-0abc[\s\S]*does not replace/),
	damaged('--restart on a damaged journal of another stack', journalBefore('old-shop').replace('"done"', '"finished"').replace(/"resources": \{[\s\S]*?\n {2}\},/, '"resources": {},'), ['up', '--restart'], /damaged[\s\S]*journal of stack "old-shop"/),
	damaged('status on a damaged journal', '[1, 2', ['status'], /\.hoist\/state\.json is damaged/),
	damaged('an escape sequence in the stack of the journal', journalBefore('old\u001b[2Jshop'), ['up'], /belongs to stack "old\\x1b\[2Jshop"/),
	{name: 'a journal that is a folder', args: ['up'], exit: 2, names: /The journal .*\.hoist\/state\.json is a folder, not a regular file/, setup: journalIsAFolder},
	{name: '--restart on a journal that is a folder', args: ['up', '--restart'], exit: 2, names: /The journal .*\.hoist\/state\.json is a folder, not a regular file[\s\S]*move what is there aside/, setup: journalIsAFolder},
	{name: 'status on a journal that is a folder', args: ['status'], exit: 2, names: /\.hoist\/state\.json is a folder/, setup: journalIsAFolder},
	{name: 'a journal that is a FIFO does not hang', args: ['up'], exit: 2, names: /\.hoist\/state\.json is a named pipe \(FIFO\)/, setup: (dir) => (rmSync(join(dir, stateFile)), mkfifo(join(dir, stateFile)))},
	{name: 'a journal that links to a folder', args: ['up'], exit: 2, names: /\.hoist\/state\.json is a folder/, setup: (dir) => (rmSync(join(dir, stateFile)), mkdirSync(join(dir, '.hoist', 'elsewhere')), symlinkSync('elsewhere', join(dir, stateFile)))},
	{name: 'a journal of 17 MiB', args: ['up'], exit: 2, names: /The journal .*state\.json is 17\.0 MiB; hoist reads at most 16\.0 MiB/, setup: (dir) => put(dir, stateFile, Buffer.alloc(17 << 20, 32))},
	wrongOutputs(['logs'], {target: {}}, /\.hoist\/state\.json is damaged: steps\.target\.outputs\.kind is not what the step records[\s\S]*hoist up/),
	wrongOutputs(['exec', 'web', '--', 'ls'], {target: {}}, /\.hoist\/state\.json is damaged: steps\.target\.outputs/),
	wrongOutputs(['logs'], {compose: {file: 'docker-compose.yml', services: [], namedVolumes: []}}, /state\.json is damaged: steps\.compose\.outputs\.services/),
	wrongOutputs(['status'], {target: {kind: 'server', host: 7}}, /state\.json is damaged: steps\.target\.outputs\.host/),
	{
		name: 'a journal saved with a byte order mark is read',
		args: ['up'],
		exit: 0,
		refused: false,
		names: /All steps done/,
		setup: (dir) => put(dir, stateFile, `\uFEFF${journalBefore()}`),
		after: (dir) => expect(JSON.parse(readFileSync(join(dir, stateFile), 'utf8'))).toMatchObject({steps: {alpha: {status: 'done'}}}),
	},
	{
		name: '--restart on a damaged journal that records nothing keeps a numbered copy',
		args: ['up', '--restart'],
		exit: 0,
		refused: false,
		names: /Kept the damaged journal as .*state\.json\.bak\.2/,
		setup: (dir) => (put(dir, stateFile, '{broken'), put(dir, `${stateFile}.bak.1`, 'an older copy')),
		after: (dir) => {
			expect(readFileSync(join(dir, `${stateFile}.bak.1`), 'utf8')).toBe('an older copy');
			expect(readFileSync(join(dir, `${stateFile}.bak.2`), 'utf8')).toBe('{broken');
		},
	},
];

export const lockCases: BadInput[] = [
	{name: 'a lock that is a folder', args: ['up'], exit: 2, names: /\.hoist\/lock is a folder, not hoist's lock file[\s\S]*rm -r .*\.hoist\/lock/, setup: (dir) => mkdirSync(join(dir, lockFile), {recursive: true})},
	{name: 'a lock that is a FIFO does not hang', args: ['up'], exit: 2, names: /\.hoist\/lock is a named pipe \(FIFO\), not hoist's lock file/, setup: (dir) => (mkdirSync(join(dir, '.hoist'), {recursive: true}), mkfifo(join(dir, lockFile)))},
	{name: 'a lock that is a dangling link', args: ['up'], exit: 2, names: /\.hoist\/lock is a symbolic link, not hoist's lock file/, setup: (dir) => (mkdirSync(join(dir, '.hoist'), {recursive: true}), symlinkSync('nowhere', join(dir, lockFile)))},
	lockedBy('a lock held by a live process', holder({pid: process.pid}), 2, new RegExp(`This stack is busy: hoist up \\(pid ${process.pid} on .*, since 2026-01-01T00:00:00\\.000Z\\)`)),
	lockedBy('a lock held on another host', holder({pid: 4242, host: 'build-box'}), 2, /This stack is busy: hoist up \(pid 4242 on build-box[\s\S]*If no hoist is running on build-box, delete .*\.hoist\/lock/),
	lockedBy('destroy on a lock held by a live process', holder({pid: process.pid, command: 'up'}), 2, /This stack is busy: hoist up/, ['destroy', '--yes']),
	lockedBy('a lock with an escape sequence in its command', holder({pid: process.pid, command: 'up\u001b[2J'}), 2, /busy: hoist up\\x1b\[2J/),
	lockedBy('a lock with pid 0', holder({pid: 0}), 0, /Took over .*\.hoist\/lock: it held no valid owner/),
	lockedBy('a lock with a negative pid', holder({pid: -7}), 0, /Took over .*\.hoist\/lock: it held no valid owner/),
	lockedBy('a lock with the pid as text', holder({pid: '123'}), 0, /Took over .*\.hoist\/lock: it held no valid owner/),
	lockedBy('a lock without a start time', `${JSON.stringify({pid: process.pid, host: hostname()})}\n`, 0, /Took over .*\.hoist\/lock: it held no valid owner/),
	lockedBy('a lock of garbage', 'garbage', 0, /Took over .*\.hoist\/lock: it held no readable owner/),
	lockedBy('an empty lock', '', 0, /Took over .*\.hoist\/lock: it was empty/),
	lockedBy('a lock left by a dead process', holder({pid: 2 ** 22 + 17}), 0, /Took over .*\.hoist\/lock: it was left by hoist up \(pid 4194321\), which is no longer running/),
	{
		...lockedBy('status while a live process holds the lock', holder({pid: process.pid}), 0, new RegExp(`started 2026-01-01T00:00:00\\.000Z, running now\\n+Running now: hoist up \\(pid ${process.pid} on `), ['status']),
		setup: (dir) => (put(dir, stateFile, journalBefore('demo', false)), put(dir, lockFile, holder({pid: process.pid}))),
		after: (dir) => expect(existsSync(join(dir, lockFile))).toBe(true),
	},
];
