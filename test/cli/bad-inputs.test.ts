import {chmodSync, existsSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack} from '../helpers/temp-stack.js';
import {journalBefore, put, stateFile, withConfig, type BadInput, type Cases} from './bad-inputs/case.js';
import {cliCases} from './bad-inputs/cli-cases.js';
import {composeCases} from './bad-inputs/compose-cases.js';
import {configCases} from './bad-inputs/config-cases.js';
import {environmentCases} from './bad-inputs/environment-cases.js';
import {fileSystemCases} from './bad-inputs/file-system-cases.js';
import {signalCases} from './bad-inputs/signal-cases.js';
import {journalCases, lockCases} from './bad-inputs/state-cases.js';

/**
 * Issue 8's acceptance: bad inputs of every class a hostile new user tries, each through the real CLI (with the
 * fixture plan, so nothing reaches AWS). For each: the exit code, an output without a stack trace, a raw errno,
 * "[object Object]", "undefined" or a raw escape sequence, a message that names what and where, and, when the
 * command is refused, a journal whose bytes did not change.
 */
const cases: Cases = {
	config: configCases,
	cli: cliCases,
	journal: journalCases,
	lock: lockCases,
	environment: environmentCases,
	'file system': fileSystemCases,
	signals: signalCases,
	compose: composeCases,
};

const nobody = {uid: 65534, gid: 65534};
const isRoot = process.getuid?.() === 0;

const stackTrace = /^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)$/m;
const rawErrno = /\bE(ACCES|PERM|NOENT|ISDIR|NOTDIR|EXIST|NOTEMPTY|NOSPC|ROFS|LOOP|NAMETOOLONG|MFILE|BUSY|IO|NXIO|INVAL)\b|\berrno\b|\buv_cwd\b/;

/** The journal's bytes, or what stands in its place (a folder, a FIFO: reading those would block the test). */
function journalBytes(path: string): string | undefined {
	if (!existsSync(path)) return undefined;
	const stats = statSync(path);
	return stats.isFile() ? readFileSync(path).toString('base64') : `not a file (mode ${stats.mode.toString(8)}, inode ${stats.ino})`;
}

async function check(input: BadInput): Promise<void> {
	const stack = makeTempStack(input.config ?? withConfig({}));
	try {
		put(stack.dir, stateFile, journalBefore());
		input.setup?.(stack.dir);
		if (input.asNobody) chmodSync(stack.dir, 0o755);
		const before = journalBytes(stack.journal);
		const env = {FIXTURE_EFFECTS: join(stack.dir, 'effects.log'), ...input.env?.(stack.dir)};
		const result = input.run
			? await input.run(stack.dir, env)
			: await runCli(input.args, {cwd: stack.dir, fixture: true, env, ...(input.asNobody ? {user: nobody} : {})});
		const output = `${result.stdout}${result.stderr}`;
		const context = `hoist ${input.args.join(' ')}\n${output}`;
		expect(result.code, context).toBe(input.exit);
		expect(output, context).not.toMatch(stackTrace);
		expect(output, context).not.toMatch(rawErrno);
		expect(output, context).not.toContain('[object Object]');
		expect(output, context).not.toMatch(/\bundefined\b/);
		expect(output, context).not.toContain('\u001b');
		const names = typeof input.names === 'function' ? input.names(stack.dir) : input.names;
		expect(output, context).toMatch(names);
		const refused = input.refused ?? [1, 2, 70].includes(input.exit);
		if (refused) {
			expect(journalBytes(stack.journal), `${context}\nthe journal changed`).toBe(before);
		}
		input.after?.(stack.dir, result);
	} finally {
		stack.cleanup();
	}
}

describe('bad inputs', () => {
	it('covers every class with at least 100 inputs', () => {
		expect(Object.values(cases).flat().length).toBeGreaterThanOrEqual(100);
		for (const [name, list] of Object.entries(cases)) expect(list.length, name).toBeGreaterThan(0);
	});

	for (const [inputClass, list] of Object.entries(cases)) {
		describe.concurrent(inputClass, () => {
			for (const input of list) {
				const run = input.asNobody && !isRoot ? it.skip : it;
				run(input.name, {timeout: 20_000}, () => check(input));
			}
		});
	}
});
