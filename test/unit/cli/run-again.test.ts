// backup, restore and upgrade run without the step runner, so nothing else tells the person how to go on after a
// failure that names no command: the line as typed is added, once, and only there.
import {describe, expect, it} from 'vitest';
import {againLine, withRunAgain} from '../../../source/commands/remote/run-again.js';
import {BugError, ExternalError, UserError, nextCommand} from '../../../source/errors.js';

describe('run it again, after backup, restore or upgrade failed', () => {
	it('is the command line as typed, quoted where it must be', () => {
		expect(againLine('upgrade', {positionals: [], flags: {yes: true}})).toBe('hoist upgrade --yes');
		expect(againLine('backup', {positionals: [], flags: {keep: '7', yes: undefined, list: false}})).toBe('hoist backup --keep 7');
		expect(againLine('restore', {positionals: ['my backup'], flags: {yes: true}})).toBe("hoist restore 'my backup' --yes");
	});

	it('is added to a failure that names no command, and to nothing else', () => {
		const plain = new ExternalError('host-upgrade.sh failed.', {code: 'HOST_UPGRADE_FAILED', command: 'host-upgrade.sh', nextSteps: ['Read apk\'s lines above and fix the cause.']});
		expect((withRunAgain(plain, 'hoist upgrade --yes') as ExternalError).nextSteps).toEqual([
			{text: 'Read apk\'s lines above and fix the cause.'},
			{text: 'Run `hoist upgrade --yes` again.', command: 'hoist upgrade --yes'},
		]);
		const namesOne = new UserError('The stack is not deployed.', {code: 'NOT_DEPLOYED', nextSteps: [nextCommand('hoist up', 'Run {command} first.')]});
		expect((withRunAgain(namesOne, 'hoist backup') as UserError).nextSteps).toEqual([{text: 'Run `hoist up` first.', command: 'hoist up'}]);
		const bug = new BugError('unexpected');
		expect((withRunAgain(bug, 'hoist backup') as BugError).nextSteps.some((step) => step.command === 'hoist backup')).toBe(false);
		const other = new Error('not hoist\'s');
		expect(withRunAgain(other, 'hoist backup')).toBe(other);
	});
});
