import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {defineCommand, type CommandLine} from '../../../source/cli/command.js';
import {main} from '../../../source/main.js';

/** A command that exists only in this test: the table alone must give it parsing, help and dispatch. */
function echoCommand(seen: CommandLine[]) {
	return defineCommand({
		name: 'echo',
		summary: 'Print a service\'s words (test only)',
		description: 'Prints what it was given.',
		flags: {loud: {type: 'boolean', short: 'l', description: 'Shout'}, times: {type: 'string', value: 'N', description: 'How often'}},
		positionals: [
			{name: 'SERVICE', description: 'The service'},
			{name: 'WORDS', description: 'What to say', variadic: true},
		],
		passThrough: {name: 'COMMAND', description: 'Run this instead'},
		needs: 'nothing',
		async run({args, io}) {
			seen.push(args);
			io.stdout.write(`${args.positionals.join(' ')}\n`);
			return 0;
		},
	});
}

function quietCommand() {
	return defineCommand({name: 'quiet', summary: 'Takes nothing', flags: {}, needs: 'nothing', run: async () => 0});
}

async function hoist(argv: string[], seen: CommandLine[] = []): Promise<{code: number; stdout: string; stderr: string}> {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
	const code = await main(argv, {
		commands: [echoCommand(seen), quietCommand()],
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: stderr as unknown as NodeJS.WriteStream,
	});
	return {code, stdout: out, stderr: err};
}

describe('a command declared in the table', () => {
	it('gets its flags, positionals and the -- tail parsed, with global options before or after the command', async () => {
		const seen: CommandLine[] = [];
		const result = await hoist(['--json', 'echo', 'web', 'hello', 'there', '-l', '--times', '3', '-c', 'other.yml', '--', 'uptime', '-p'], seen);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('web hello there\n');
		expect(seen).toEqual([
			{config: 'other.yml', json: true, flags: {loud: true, times: '3'}, positionals: ['web', 'hello', 'there'], rest: ['uptime', '-p']},
		]);
	});

	it('has help derived from its declaration', async () => {
		const top = await hoist(['--help']);
		expect(top.code).toBe(0);
		expect(top.stdout).toMatch(/^ {2}echo {3}Print a service's words \(test only\)$/m);
		expect(top.stdout).toMatch(/^ {2}quiet {2}Takes nothing$/m);
		const own = await hoist(['echo', '--help']);
		expect(own.code).toBe(0);
		expect(own.stdout).toContain('Usage: hoist echo SERVICE [WORDS…] [--loud] [--times N] [options] [-- COMMAND…]');
		expect(own.stdout).toMatch(/^ {2}SERVICE +The service$/m);
		expect(own.stdout).toMatch(/^ {2}-- COMMAND +Run this instead$/m);
		expect(own.stdout).toMatch(/^ {2}-l, --loud +Shout$/m);
		expect(own.stdout).toMatch(/^ {6}--times N +How often$/m);
	});

	it.each([
		[['quiet', 'extra'], 'Unexpected argument "extra".', 'hoist quiet --help'],
		[['echo'], 'Missing SERVICE.', 'hoist echo --help'],
		[['quiet', '--', 'x'], '`--` is not expected here.', 'hoist quiet --help'],
		[['quiet', '--nope'], "Unknown option '--nope'.", 'hoist quiet --help'],
		[['nope\u001b[31m'], 'Unknown command "nope\\x1b[31m".', 'hoist --help'],
	])('refuses %j as a usage error (exit 2) that names the problem', async (argv, message, help) => {
		const result = await hoist(argv);
		expect(result.code).toBe(2);
		expect(result.stderr.split('\n')[0]).toBe(`Error: ${message}`);
		expect(result.stderr).toContain(help);
		expect(result.stderr).not.toContain('\u001b');
	});
});

describe('--version and --help anywhere before `--`', () => {
	it.each([
		[['echo', 'web', '--version'], /^\d+\.\d+\.\d+\n$/],
		[['echo', 'web', '-v', '--json'], /^\{"type":"version","version":"\d+\.\d+\.\d+"\}\n$/],
		[['quiet', '--version'], /^\d+\.\d+\.\d+\n$/],
		[['echo', 'web', 'hello', '--help'], /^Usage: hoist echo /],
		[['echo', '--version', '--help'], /^Usage: hoist echo /],
	])('%j prints and exits without running the command', async (argv, printed) => {
		const seen: CommandLine[] = [];
		const result = await hoist(argv, seen);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(printed);
		expect(seen).toEqual([]);
	});

	it('leaves --version and --json after `--` to the command it runs', async () => {
		const seen: CommandLine[] = [];
		const result = await hoist(['echo', 'web', '--', 'node', '--version', '--json'], seen);
		expect(result.code).toBe(0);
		expect(seen).toEqual([{config: 'hoist.yml', json: false, flags: {loud: undefined, times: undefined}, positionals: ['web'], rest: ['node', '--version', '--json']}]);
	});

	it('keeps its own errors on the screen when --json comes only after `--`', async () => {
		const result = await hoist(['echo', 'web', '--nope', '--', '--json']);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.split('\n')[0]).toBe("Error: Unknown option '--nope'.");
	});
});
