import type {CommandContext} from './command.js';
import type {Journal} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import {runPlan} from '../engine/runner.js';
import {UserError} from '../errors.js';

export interface ReleaseRun {
	command: 'deploy' | 'rollback';
	title: string;
	withJobs: boolean;
	service?: string;
	/** Sets up the journal (pin or unpin) before the run; returns the release a rollback brings back. */
	prepare(journal: Journal): number | undefined;
}

/** What `hoist deploy` and `hoist rollback` share: the plan with the deploy step asked for a release, then the release in the journal. */
export async function releaseCommand({stack}: CommandContext, run: ReleaseRun): Promise<number> {
	return stack.withSession({command: run.command}, async ({plan, env, journal, renderer}) => {
		if (!stepOutputs(journal.data, 'deploy')) {
			throw new UserError(`Nothing is deployed yet, so there is nothing to ${run.command}.`, {
				code: 'NOT_DEPLOYED',
				nextSteps: ['Run `hoist up` first: it creates the server and deploys the stack.'],
			});
		}
		const restored = run.prepare(journal);
		const [{withRelease}, {recordRelease, describeRelease}] = await Promise.all([import('../wizard/plan.js'), import('./releases.js')]);
		const releasing = await withRelease(plan, {title: run.title, withJobs: run.withJobs, ...(run.service === undefined ? {} : {service: run.service})});
		const outcome = await runPlan(releasing, env, {command: run.command});
		if (outcome.result === 'ok') {
			const release = recordRelease(journal, run.command, restored);
			if (release) renderer.showMessage([`Live now: ${describeRelease(release)}.`]);
		}
		return outcome.error?.exitCode ?? 0;
	});
}
