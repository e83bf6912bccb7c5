import {existsSync, readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import type {BadInput} from './case.js';

const usage = (name: string, args: string[], names: RegExp): BadInput => ({name, args, exit: 2, names});
/** `--version` or `--help` after a command: printed, and the command does not run (no effect, the journal as it was). */
const printsOnly = (name: string, args: string[], names: RegExp): BadInput => ({
	name,
	args,
	exit: 0,
	names,
	refused: true,
	after: (dir) => expect(existsSync(join(dir, 'effects.log'))).toBe(false),
});
const json = (result: {stdout: string}) => result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

/** The command line: every mistake named, nothing echoed raw, JSON when JSON was asked for. */
export const cliCases: BadInput[] = [
	usage('an unknown command with an escape sequence', ['\u001b[31mred'], /Unknown command "\\x1b\[31mred"/),
	usage('an unknown command close to a real one', ['stauts'], /Unknown command "stauts" \(did you mean "status"\?\)\.\n[\s\S]*hoist --help/),
	usage('an unknown option', ['up', '--frm', 'ami'], /Unknown option '--frm'/),
	usage('an unknown short option', ['up', '-x'], /Unknown option '-x'/),
	usage('--from without a value', ['up', '--from'], /--from <value>' argument missing/),
	{
		...usage('--tail -5: one line that says how to give a value with a dash', ['logs', '--tail', '-5'], /^Error: --tail needs a value, and the word after it starts with a dash: to give that value, write --tail=-VALUE\.$/m),
		after: (_dir, result) => expect(result.stderr).not.toContain('\\x0a'),
	},
	usage('--tail=-5 is not a number of lines', ['logs', '--tail=-5'], /--tail "-5" is not a number of lines/),
	...['0x1', '1.0', '+1', '01', '1e0', '١'].map((typed) => usage(`rollback ${typed}: a release number is a plain positive integer`, ['rollback', typed], new RegExp(`"${typed.replace(/[.+]/g, '\\$&')}" is not a release number`))),
	{
		...usage('rollback on a stack that was never deployed: refused before .hoist/ exists', ['rollback'], /Nothing is deployed yet, so there is nothing to roll back/),
		setup: (dir) => rmSync(join(dir, '.hoist'), {recursive: true}),
		after: (dir) => expect(existsSync(join(dir, '.hoist'))).toBe(false),
	},
	{
		...usage('deploy on a stack that was never deployed: refused, the journal and no lock left', ['deploy'], /Nothing is deployed yet, so there is nothing to deploy/),
		after: (dir) => expect(readdirSync(join(dir, '.hoist'))).toEqual(['state.json']),
	},
		usage('an empty --config', ['up', '--config', ''], /--config needs a value/),
	usage('an empty --from', ['up', '--from='], /--from needs a value/),
	usage('an extra argument', ['status', 'extra'], /Unexpected argument "extra"/),
	usage('an extra argument with an escape sequence', ['up', 'x\u001b]0;pwned\u0007'], /Unexpected argument "x\\x1b\]0;pwned\\x07"/),
	usage('-- where the command takes nothing after it', ['up', '--', 'x'], /`--` is not expected here/),
	{
		...usage('--from naming no step: refused before .hoist/ is touched', ['up', '--from', 'nope'], /There is no step "nope"[\s\S]*alpha, beta, gamma, delta/),
		setup: () => undefined,
		after: (dir) => expect(existsSync(join(dir, '.hoist', 'lock'))).toBe(false),
	},
	usage('--from with an escape sequence', ['up', '--from', '\u001b[2J'], /There is no step "\\x1b\[2J"/),
	usage('--restart --from naming no step: the journal is not reset', ['up', '--restart', '--from', 'bogus'], /There is no step "bogus"/),
	usage('a global option before the command, with an unknown step', ['--config', 'hoist.yml', '--json', 'up', '--from', 'zzz'], /"message":"There is no step \\"zzz\\"\."/),
	usage('a command option before the command, with an unknown step', ['--from', 'zzz', 'up'], /There is no step "zzz"/),
	usage('destroy without a terminal and without --yes', ['destroy'], /`hoist destroy` asks for confirmation, and there is no terminal[\s\S]*hoist destroy --yes/),
	usage('--json destroy without a terminal', ['--json', 'destroy'], /"code":"CONFIRMATION_NEEDED"/),
	printsOnly('destroy --yes --version prints the version and destroys nothing', ['destroy', '--yes', '--version'], /^\d+\.\d+\.\d+\n$/),
	printsOnly('up --version prints the version and deploys nothing', ['up', '--version'], /^\d+\.\d+\.\d+\n$/),
	printsOnly('up -v --json prints the version as JSON', ['up', '-v', '--json'], /"type":"version"/),
	printsOnly('destroy --yes --help prints destroy\'s help and destroys nothing', ['destroy', '--yes', '--help'], /^Usage: hoist destroy /),
	{
		...usage('--json after `--` is not hoist\'s: its own error stays on the screen', ['exec', 'web', '--bogus', '--', 'cli', '--json'], /^Error: Unknown option '--bogus'/),
		after: (_dir, result) => expect(result.stdout).toBe(''),
	},
	{
		name: '--version --json is JSON',
		args: ['--version', '--json'],
		exit: 0,
		names: /"type":"version","version":"\d+\.\d+\.\d+"/,
		after: (_dir, result) => expect(json(result)).toEqual([{type: 'version', version: expect.any(String)}]),
	},
	{
		name: '--help --json is JSON',
		args: ['--help', '--json'],
		exit: 0,
		names: /"type":"help"/,
		after: (_dir, result) => expect(json(result)[0]).toMatchObject({type: 'help', commands: expect.arrayContaining([expect.objectContaining({name: 'destroy'})])}),
	},
	{
		name: 'up --help --json is JSON',
		args: ['up', '--help', '--json'],
		exit: 0,
		names: /"usage":"hoist up /,
		after: (_dir, result) => expect(json(result)[0]).toMatchObject({type: 'help', command: 'up', options: expect.arrayContaining([expect.objectContaining({name: 'from'})])}),
	},
	{
		name: 'an unknown command with --json is one JSON error',
		args: ['--json', 'bogus'],
		exit: 2,
		names: /Unknown command \\"bogus\\"/,
		after: (_dir, result) => expect(json(result)).toEqual([expect.objectContaining({type: 'error', error: expect.objectContaining({code: 'USAGE'})})]),
	},
];
