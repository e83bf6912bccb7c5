import {defineCommand} from '../cli/command.js';
import type {JournalData} from '../engine/journal.js';
import type {LockHolder} from '../engine/lock.js';
import {printable} from '../text/printable.js';
import type {StepStatus} from '../engine/step-status.js';
import {formatDuration} from '../ui/format-duration.js';
import {formatError} from '../ui/format-error.js';

const icons: Record<StepStatus, string> = {done: '✔', failed: '✖', running: '…', pending: '○', cancelled: '⊘'};

/**
 * `hoist status`: reads the journal only (no AWS call, no lock), so it works while another run is going
 * and even when hoist.yml is broken.
 */
export const status = defineCommand({
	name: 'status',
	summary: 'Show each step, the resources hoist created and the last error',
	description: 'Shows what .hoist/state.json says: each step\'s status, the resources hoist created, the last error.',
	flags: {},
	needs: 'journal',
	async run({args, io, stack}) {
		const {files, journal, running} = await stack.readOnly();
		if (args.json) {
			// The journal as it is; `running` is added only while a run holds the lock.
			io.stdout.write(`${JSON.stringify(journal && running ? {...journal.data, running} : (journal?.data ?? null))}\n`);
			return 0;
		}
		if (!journal) {
			io.stdout.write(`No journal in ${files.stateDir} yet: nothing has run for this stack.\nNext: run \`hoist up\`.\n`);
			return 0;
		}
		io.stdout.write(`${describe(journal.data, running).map(printable).join('\n')}\n`);
		return 0;
	},
});

export function describe(data: JournalData, running?: LockHolder): string[] {
	const lastRun = data.runs.at(-1);
	const lines = [`Stack ${data.stack} — run ${data.runId}`];
	if (data.destroyedAt) lines.push(`Destroyed at ${data.destroyedAt}.`);
	if (lastRun) lines.push(`Last: hoist ${lastRun.command} started ${lastRun.startedAt}, ${lastRun.result ?? (running ? 'running now' : 'did not finish (stopped or killed)')}`);
	if (running) lines.push(`Running now: hoist ${running.command} (pid ${running.pid} on ${running.host}, since ${running.startedAt}).`);
	lines.push('', 'Steps:');
	const steps = Object.entries(data.steps);
	if (steps.length === 0) lines.push('  (none yet)');
	for (const [id, step] of steps) {
		const took = step.reused ? 'already done' : step.durationMs === undefined ? '' : formatDuration(step.durationMs);
		lines.push(`  ${icons[step.status]} ${id.padEnd(18)} ${step.status.padEnd(8)} ${took.padEnd(12)} ${step.summary ?? ''}`.trimEnd());
	}
	const resources = Object.values(data.resources);
	lines.push('', 'Resources hoist created or uses:');
	if (resources.length === 0) lines.push('  (none)');
	for (const resource of resources) {
		lines.push(`  ${resource.type.padEnd(15)} ${resource.id}${resource.ownedByHoist ? '' : '  (yours: destroy leaves it)'}`);
	}
	const failed = steps.find(([, step]) => step.status === 'failed');
	if (failed?.[1].error) lines.push('', `Last error, in step ${failed[0]}:`, ...formatError(failed[1].error).map((line) => `  ${line}`));
	return lines;
}

