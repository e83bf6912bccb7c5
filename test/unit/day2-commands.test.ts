import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {attachStreams} from '../../source/commands/exec/attach.js';
import type {CommandLine} from '../../source/cli/command.js';
import {volumeLines} from '../../source/commands/destroy/destroy-volumes.js';
import {describeRelease} from '../../source/commands/release/releases.js';
import type {CommandIo} from '../../source/cli/io.js';
import {logsRequest} from '../../source/commands/logs.js';
import {configSchema} from '../../source/config/schema.js';
import type {JournalData} from '../../source/engine/journal.js';
import {PidMarkerFilter} from '../../source/remote/session.js';

const line = (flags: CommandLine['flags']): CommandLine => ({config: 'hoist.yml', json: false, flags, positionals: [], rest: []});

describe('hoist logs: its options, checked before anything connects', () => {
	it('defaults: the last 100 lines, no follow', () => {
		expect(logsRequest(line({}))).toEqual({follow: false, tail: 100});
		expect(logsRequest(line({follow: true, tail: 'all', since: '1h30m'}))).toEqual({follow: true, tail: 'all', since: '1h30m'});
	});

	it.each(['10m', '2h', '1h30m', '45s', '2024-05-01', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00+02:00', '1714557600'])('--since %s is a time', (since) => {
		expect(logsRequest(line({since})).since).toBe(since);
	});

	it.each(['yesterday', '10 minutes', '-5m', '10m; reboot', ''])('--since %j is a usage error', (since) => {
		expect(() => logsRequest(line({since}))).toThrow(expect.objectContaining({code: 'USAGE'}));
	});

	it.each(['-1', 'ten', '1e3', '50 '])('--tail %j is a usage error', (tail) => {
		expect(() => logsRequest(line({tail}))).toThrow(expect.objectContaining({code: 'USAGE', message: expect.stringContaining('is not a number of lines')}));
	});
});

describe('destroy\'s question names the named volumes and what becomes of them', () => {
	const journal = (extra: Partial<JournalData> = {}): JournalData => ({
		schema: 3, stack: 'shop', runId: 'r', createdAt: '', updatedAt: '', runs: [], resources: {}, releases: [],
		steps: {compose: {status: 'done', outputs: {file: 'docker-compose.yml', services: {}, webNetworks: ['default'], namedVolumes: ['appdata']}}},
		...extra,
	});
	const config = (target: object) => configSchema.parse({stack: 'shop', domain: 'app.example.test', compose: {service: 'web', port: 8080}, ...target});
	const aws = config({aws: {sshCidr: '203.0.113.7/32'}});
	const server = config({server: {host: 'vm.local'}});

	it('on AWS they go with the instance; --snapshot keeps a copy of the disk', () => {
		expect(volumeLines(aws, journal(), {volumes: false, snapshot: false})).toEqual([
			'The named volumes appdata, hoist_caddy_data, hoist_caddy_config go with the instance, and their data with them (--snapshot keeps a copy of the disk).',
		]);
		expect(volumeLines(aws, journal(), {volumes: false, snapshot: true})[0]).toMatch(/a snapshot of its disk is kept/);
	});

	it('on an existing server they stay unless --volumes; after an earlier destroy, the kept ones by their names', () => {
		expect(volumeLines(server, journal(), {volumes: false, snapshot: false})).toEqual(['The named volumes appdata, hoist_caddy_data, hoist_caddy_config stay on the server (your data; --volumes removes them).']);
		const kept = journal({steps: {}, resources: {'volume:shop_appdata@vm.local': {type: 'volume', id: 'shop_appdata@vm.local', ownedByHoist: false}}});
		expect(volumeLines(server, kept, {volumes: true, snapshot: false})).toEqual(['--volumes: the named volumes shop_appdata are removed too, and the data in them.']);
		expect(volumeLines(server, undefined, {volumes: true, snapshot: false})).toEqual([]);
	});
});

describe('an attached command', () => {
	async function filtered(chunks: string[]): Promise<{text: string; pid: number | undefined}> {
		let pid: number | undefined;
		const filter = new PidMarkerFilter((found) => (pid = found));
		let text = '';
		filter.on('data', (chunk: Buffer) => (text += chunk.toString()));
		for (const chunk of chunks) filter.write(Buffer.from(chunk));
		filter.end();
		await new Promise((resolve) => filter.on('end', resolve));
		return {text, pid};
	}

	it('loses the pid line, however it is split, and nothing else', async () => {
		expect(await filtered(['@hoist-', 'pid=4711\r', '\nhello\n', 'world'])).toEqual({text: 'hello\nworld', pid: 4711});
		expect(await filtered(['@hoist-pid=12\n'])).toEqual({text: '', pid: 12});
		expect(await filtered(['@hoi', 'st is not it\n'])).toEqual({text: '@hoist is not it\n', pid: undefined});
		expect(await filtered(['plain'])).toEqual({text: 'plain', pid: undefined});
	});

	it('exits with the command\'s status, 128 + the signal that ended it; with --json as events', () => {
		const stdout = new PassThrough();
		let out = '';
		stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		const io = {stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {}} as unknown as CommandIo;
		expect(attachStreams(io, false).exit({exitCode: 7, signal: null})).toBe(7);
		expect(attachStreams(io, false).exit({exitCode: null, signal: 'KILL'})).toBe(137);
		const json = attachStreams(io, true);
		expect(json.terminal).toBeUndefined();
		json.options.stdout.write('{"migrated":true}\npartial');
		expect(json.exit({exitCode: 0, signal: null})).toBe(0);
		expect(out.split('\n').filter(Boolean).map((text) => JSON.parse(text) as object)).toEqual([
			{at: expect.any(Number), type: 'output', stream: 'stdout', line: '{"migrated":true}'},
			{at: expect.any(Number), type: 'output', stream: 'stdout', line: 'partial'},
			{at: expect.any(Number), type: 'exit', code: 0},
		]);
	});
});

describe('a release as hoist status and hoist rollback name it', () => {
	it('each service by its digest, or without one by the image\'s full name (a short one recorded by an older hoist too)', () => {
		const services = {web: {image: 'docker.io/hoistdemo/web:v1', digest: `sha256:${'a'.repeat(64)}`}, db: {image: 'postgres:16'}};
		expect(describeRelease({number: 3, at: '2026-12-07T00:00:00.000Z', command: 'deploy', services})).toBe('release 3: web sha256:aaaaaaaaaaaa, db docker.io/library/postgres:16');
	});
});
