import {defineCommand} from '../cli/command.js';
import type {Journal} from '../engine/journal.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';
import {releaseCommand} from '../cli/release-command.js';

/** `hoist rollback [RELEASE]`: the images of an earlier release, by digest, as a new release. */
export const rollback = defineCommand({
	name: 'rollback',
	summary: 'Go back to the images of an earlier release (the previous one by default)',
	description: `Redeploys the image digests recorded for RELEASE (default: the one before the current), pinned by
digest so a tag that moved since cannot change what comes back, without a failed request. It is recorded as
a new release and stays pinned until the next \`hoist deploy\`. One-shot services (migrations) are not run
again: a rollback brings back images, not the database.`,
	flags: {
		'with-jobs': {type: 'boolean', description: 'Run the one-shot services (migrations, seeds) again too'},
	},
	positionals: [{name: 'RELEASE', description: 'The release number (`hoist status` lists them)', optional: true}],
	needs: 'lock',
	run: (context) => {
		const wanted = context.args.positionals[0];
		return releaseCommand(context, {
			command: 'rollback',
			title: wanted ? `Roll back to release ${printable(wanted)}` : 'Roll back to the previous release',
			withJobs: context.args.flags['with-jobs'] === true,
			prepare: (journal) => {
				const target = chooseRelease(journal, wanted);
				journal.pinRelease(target);
				return target;
			},
		});
	},
});

function chooseRelease(journal: Journal, wanted: string | undefined): number {
	const {releases} = journal.data;
	const known = releases.map((release) => release.number).join(', ') || 'none yet';
	if (wanted !== undefined) {
		const number = Number(wanted);
		const release = releases.find((candidate) => candidate.number === number);
		if (!release) {
			throw new UserError(`There is no release ${printable(wanted)}.`, {code: 'NO_SUCH_RELEASE', nextSteps: [`Releases hoist knows: ${known} (\`hoist status\` shows what each ran).`]});
		}
		if (Object.values(release.services).some((service) => service.digest === undefined)) {
			throw new UserError(`Release ${number} has no recorded digest for every service, so it cannot be brought back exactly.`, {code: 'RELEASE_WITHOUT_DIGESTS', nextSteps: ['Choose another release.']});
		}
		return number;
	}
	const previous = releases.at(-2);
	if (!previous) throw new UserError('There is no earlier release to go back to.', {code: 'NO_PREVIOUS_RELEASE', nextSteps: [`Releases hoist knows: ${known}.`]});
	return previous.number;
}
