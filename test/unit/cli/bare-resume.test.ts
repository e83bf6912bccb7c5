import {describe, expect, it} from 'vitest';
import {resumedLine} from '../../../source/commands/bare/bare.js';
import {commandTable} from '../../../source/commands/index.js';
import type {UnfinishedRun} from '../../../source/engine/situation.js';
import {UserError} from '../../../source/errors.js';

const failed = (command: string, resume?: string): UnfinishedRun => ({state: 'unfinished', command, ...(resume === undefined ? {} : {resume}), outcome: 'failed', stepId: 'deploy', at: '2026-12-07T16:00:00.000Z'});

describe('bare hoist resumes a run with the arguments it ran with', () => {
	it('a rollback to release 2 with its jobs: the release and the flag, as if typed', async () => {
		expect(await resumedLine(failed('rollback', 'rollback 2 --with-jobs'), commandTable)).toEqual({flags: {'with-jobs': true}, positionals: ['2']});
	});

	it('a deploy of one service: its --service', async () => {
		expect(await resumedLine(failed('deploy', 'deploy --service web'), commandTable)).toMatchObject({flags: {service: 'web'}, positionals: []});
	});

	it('a run recorded without a line (an up, or a journal of an older hoist): the command alone', async () => {
		expect(await resumedLine(failed('rollback'), commandTable)).toEqual({flags: {}, positionals: []});
	});

	it('a line of another command than the run\'s is a damaged journal, never followed', async () => {
		const refused = await resumedLine(failed('rollback', 'destroy --yes'), commandTable).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(UserError);
		expect((refused as UserError).code).toBe('JOURNAL_UNREADABLE');
	});
});
