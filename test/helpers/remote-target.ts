import {readFileSync, readdirSync} from 'node:fs';
import {expect} from 'vitest';
import type {JournalData} from '../../source/engine/journal.js';
import {stepOutputs} from '../../source/engine/outputs.js';
import {Redactor} from '../../source/engine/redactor.js';
import {RemoteConnections} from '../../source/remote/connections.js';
import type {Target} from '../../source/remote/target.js';
import type {E2eStack} from './e2e-stack.js';

export interface LoggedIn {
	target: Target;
	connections: RemoteConnections;
	redactor: Redactor;
}

/** Runs `hoist up` for the stack (launch → SSH ready) and opens hoist's own remote layer on the target it recorded. */
export async function loggedIn(stack: E2eStack): Promise<LoggedIn> {
	const up = await stack.run(['up']);
	expect(up.code, up.stdout + up.stderr).toBe(0);
	const journal = JSON.parse(readFileSync(stack.journal, 'utf8')) as JournalData;
	const target = stepOutputs(journal, 'target');
	if (!target) throw new Error('the journal records no target');
	const redactor = new Redactor();
	return {target, redactor, connections: new RemoteConnections({knownHosts: `${stack.dir}/.hoist/known_hosts`, redactor})};
}

/** Processes on the sandbox host (which is this machine) whose command line contains the text. */
export function processesMatching(text: string): string[] {
	const found: string[] = [];
	for (const entry of readdirSafe('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
			if (cmdline.includes(text)) found.push(`${entry} ${cmdline}`);
		} catch {
			// gone while we looked
		}
	}
	return found;
}

function readdirSafe(dir: string): string[] {
	try {
		return readdirSync(dir);
	} catch {
		return [];
	}
}
