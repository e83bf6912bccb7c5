import type {CommandContext} from '../../cli/command.js';
import type {Config} from '../../config/schema.js';
import type {JournalData} from '../../engine/journal.js';
import {stepOutputs} from '../../engine/outputs.js';
import {runPlan} from '../../engine/runner.js';
import type {StackFiles} from '../../engine/stack-files.js';
import {UserError, nextCommand} from '../../errors.js';

export interface ReleaseRun {
	command: 'deploy' | 'rollback';
	title: string;
	withJobs: boolean;
	service?: string;
	/** The release a rollback brings back, chosen from the journal (refusing one it cannot); a deploy brings none back. */
	restore(journal: Readonly<JournalData>): number | undefined;
	/** The command line that does this again, with its arguments: the advice after a failure or a stop names it. */
	resume(restored: number | undefined): string;
}

/** What `hoist deploy` and `hoist rollback` share: the plan with the deploy step asked for a release, then the release in the journal. */
export async function releaseCommand({stack}: CommandContext, run: ReleaseRun): Promise<number> {
	// Refused before .hoist/ is touched (the journal read as it is); chosen again under the lock, which another run may
	// have changed meanwhile.
	const before = async (config: Config, _plan: unknown, files: StackFiles) => {
		const [{Journal}, {Redactor}] = await Promise.all([import('../../engine/journal.js'), import('../../engine/redactor.js')]);
		choose(Journal.open(files.journal, config.stack, new Redactor()).data, run);
		return [];
	};
	return stack.withSession({command: run.command, resume: run.resume(undefined), before}, async ({plan, env, journal, renderer}) => {
		const restored = choose(journal.data, run);
		// A deploy brings the tags' images back, ending the pin of an earlier rollback; a rollback pins its release.
		journal.pinRelease(restored);
		const [{withRelease}, {recordRelease, describeRelease}] = await Promise.all([import('../../wizard/plan.js'), import('./releases.js')]);
		const releasing = await withRelease(plan, {title: run.title, withJobs: run.withJobs, ...(run.service === undefined ? {} : {service: run.service})});
		const outcome = await runPlan(releasing, env, {command: run.command, resume: run.resume(restored)});
		if (outcome.result === 'ok') {
			const release = recordRelease(journal, run.command, restored);
			if (release) renderer.showMessage([`Live now: ${describeRelease(release)}.`]);
		}
		return outcome.error?.exitCode ?? 0;
	});
}

function choose(journal: Readonly<JournalData>, run: ReleaseRun): number | undefined {
	if (!stepOutputs(journal, 'deploy')) {
		throw new UserError(`Nothing is deployed yet, so there is nothing to ${run.command === 'rollback' ? 'roll back' : 'deploy'}.`, {
			code: 'NOT_DEPLOYED',
			nextSteps: [nextCommand('hoist up', 'Run {command} first: it creates the server and deploys the stack.')],
		});
	}
	return run.restore(journal);
}
