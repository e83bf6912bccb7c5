import {defineCommand} from '../cli/command.js';
import type {JournalData} from '../engine/journal.js';
import {UserError, nextCommand} from '../errors.js';
import {printable} from '../text/printable.js';
import {releaseCommand} from './release/release-command.js';

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
		const wanted = releaseNumber(context.args.positionals[0]);
		const withJobs = context.args.flags['with-jobs'] === true;
		return releaseCommand(context, {
			command: 'rollback',
			title: wanted === undefined ? 'Roll back to the previous release' : `Roll back to release ${wanted}`,
			withJobs,
			restore: (journal) => chooseRelease(journal, wanted),
			// The number it chose, also when none was typed: "the previous release" moves once this one is recorded.
			resume: (restored) => ['rollback', restored ?? wanted, withJobs ? '--with-jobs' : undefined].filter((word) => word !== undefined).join(' '),
		});
	},
});

/** A release number is what `hoist status` lists: 0x1, 1.0, +1 or 01 would all quietly mean release 1. */
function releaseNumber(typed: string | undefined): number | undefined {
	if (typed === undefined) return undefined;
	if (!/^[1-9]\d{0,8}$/.test(typed)) {
		throw new UserError(printable(`"${typed}" is not a release number.`), {
			code: 'USAGE',
			nextSteps: [nextCommand('hoist status', 'Give the number as {command} lists it: a whole number like 3, without a sign, point or leading 0.')],
		});
	}
	return Number(typed);
}

function chooseRelease({releases}: Readonly<JournalData>, wanted: number | undefined): number {
	const known = releases.map((release) => release.number).join(', ') || 'none yet';
	if (wanted !== undefined) {
		const release = releases.find((candidate) => candidate.number === wanted);
		if (!release) {
			throw new UserError(`There is no release ${wanted}.`, {code: 'NO_SUCH_RELEASE', nextSteps: [nextCommand('hoist status', `Releases hoist knows: ${known} ({command} shows what each ran).`)]});
		}
		if (Object.values(release.services).some((service) => service.digest === undefined)) {
			throw new UserError(`Release ${wanted} has no recorded digest for every service, so it cannot be brought back exactly.`, {code: 'RELEASE_WITHOUT_DIGESTS', nextSteps: ['Choose another release.']});
		}
		return wanted;
	}
	const previous = releases.at(-2);
	if (!previous) throw new UserError('There is no earlier release to go back to.', {code: 'NO_PREVIOUS_RELEASE', nextSteps: [`Releases hoist knows: ${known}.`]});
	return previous.number;
}
