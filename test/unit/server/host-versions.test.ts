// The versions `hoist upgrade` shows before and after, read by its command builder run in sh, with stand-ins for
// uname, podman, the compose tool and apk on the PATH (and without them): what the line prints is what the user reads.
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {parseHostVersions, readHostVersions, versionChanges, type HostVersions} from '../../../source/server/commands/host-versions.js';
import type {ComposeTool} from '../../../source/server/commands/compose.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-versions-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** A bin folder with these stand-ins (name → script body) and the tools the line itself needs from the system. */
function bin(name: string, tools: Record<string, string>): string {
	const path = join(dir, name);
	mkdirSync(path);
	for (const [tool, body] of Object.entries(tools)) writeFileSync(join(path, tool), `#!/bin/sh\n${body}\n`, {mode: 0o755});
	for (const tool of ['sed', 'head', 'cat']) execFileSync('ln', ['-s', execFileSync('sh', ['-c', `command -v ${tool}`], {encoding: 'utf8'}).trim(), join(path, tool)]);
	return path;
}
const run = (path: string, tool: ComposeTool) => execFileSync('/bin/sh', ['-c', readHostVersions(tool).line], {encoding: 'utf8', env: {PATH: path}});

const v1: ComposeTool = {command: ['docker-compose'], version: 'v1'};
const v2: ComposeTool = {command: ['docker', 'compose'], version: 'v2'};

describe('readHostVersions in sh', () => {
	it('Alpine with compose v2: the kernel, Podman\'s number, compose\'s short version, apk there', () => {
		const path = bin('alpine', {
			uname: '[ "$1" = -r ] && echo 6.12.13-0-virt',
			podman: '[ "$1" = --version ] && echo "podman version 5.3.1"',
			docker: '[ "$1 $2 $3" = "compose version --short" ] && echo 2.31.0',
			apk: 'exit 0',
		});
		expect(parseHostVersions(run(path, v2), v2)).toEqual({kernel: '6.12.13-0-virt', podman: '5.3.1', compose: 'docker compose 2.31.0', apk: true});
	});

	it('compose v1 without --short: the number from its first line; no apk (a Debian host)', () => {
		const path = bin('debian', {
			uname: 'echo 6.1.0-28-amd64',
			podman: 'echo "podman version 4.3.1"',
			'docker-compose': '[ "$2" = --short ] && { echo "unknown option --short" >&2; exit 1; }; echo "docker-compose version 1.29.2, build unknown"; echo "docker-py version: 5.0.3"',
		});
		expect(parseHostVersions(run(path, v1), v1)).toEqual({kernel: '6.1.0-28-amd64', podman: '4.3.1', compose: 'docker-compose 1.29.2', apk: false});
	});

	it('Podman and compose missing: "none", not a failed look', () => {
		const path = bin('bare', {uname: 'echo 6.6.1'});
		expect(parseHostVersions(run(path, v1), v1)).toEqual({kernel: '6.6.1', podman: 'none', compose: 'docker-compose none', apk: false});
	});

	it('quotes the compose command: a word with a space stays one word', () => {
		expect(readHostVersions({command: ['/opt/my tools/compose'], version: 'v2'}).line).toContain("'/opt/my tools/compose' version --short");
	});
});

describe('versionChanges', () => {
	it('says what changed and what did not', () => {
		const before: HostVersions = {kernel: '6.12.1-0-virt', podman: '5.3.1', compose: 'docker compose 2.31.0', apk: true};
		expect(versionChanges(before, {...before, kernel: '6.12.13-0-virt'})).toEqual([
			'kernel 6.12.1-0-virt → 6.12.13-0-virt',
			'Podman 5.3.1 (unchanged)',
			'compose docker compose 2.31.0 (unchanged)',
		]);
	});
});
