import {expect, it} from 'vitest';
import {adviceFor, resumeStep} from '../../../source/engine/advice.js';
import {nextCommand} from '../../../source/errors.js';

it('names the command that was running, as words and as the command', () => {
	expect(resumeStep('up', 'ami')).toEqual({text: 'Run `hoist up` again: it resumes at step ami.', command: 'hoist up'});
	expect(resumeStep('destroy', 'elastic-ip')).toEqual({
		text: 'Run `hoist destroy` again to finish removing what is left (it goes on from step elastic-ip).',
		command: 'hoist destroy',
	});
	expect(resumeStep('rollback 2')).toEqual({text: 'Run `hoist rollback 2` again.', command: 'hoist rollback 2'});
	// A rehearsal runs the plan of `hoist up` under its own command, with the options it ran with.
	expect(resumeStep('rehearse --on alpine@192.168.64.5 --pitfall aaaa', 'deploy')).toEqual({
		text: 'Run `hoist rehearse --on alpine@192.168.64.5 --pitfall aaaa` again: it resumes at step deploy.',
		command: 'hoist rehearse --on alpine@192.168.64.5 --pitfall aaaa',
	});
});

it('drops advice that would re-create what a destroy removes, and keeps the rest', () => {
	const steps = [{text: 'Check your connection.'}, nextCommand('hoist up', 'Run {command} again in a minute.'), nextCommand('hoist up --restart', 'Run {command} to launch under a new run.')];
	expect(adviceFor('destroy', 'key-pair', steps)).toEqual([{text: 'Check your connection.'}, resumeStep('destroy', 'key-pair')]);
});

it('reads the command a next step runs, not its words', () => {
	// Names `hoist up` in passing, but what it asks for is a destroy: a destroy keeps it (and adds no second line).
	const repair = nextCommand('hoist destroy', 'Repair the journal, then run {command} or `hoist up`.');
	expect(adviceFor('destroy', 'alpha', [repair])).toEqual([repair]);
	// `hoist rollback 2` is not `hoist rollback`: the resume line with the number is added.
	expect(adviceFor('rollback 2', 'beta', [nextCommand('hoist rollback', 'Run {command} later.')]).at(-1)).toEqual(resumeStep('rollback 2', 'beta'));
});

it('keeps a step\'s own words about running the same command again instead of adding a second line', () => {
	const inAMinute = nextCommand('hoist up', 'Run {command} again in a minute: it resumes here.');
	expect(adviceFor('up', 'ssh-ready', [inAMinute])).toEqual([inAMinute]);
	expect(adviceFor('up', 'preflight', [])).toEqual([resumeStep('up', 'preflight')]);
	// hoist dns on a stack without a server: hoist up is the way on.
	const upFirst = nextCommand('hoist up', 'Run {command} first.');
	expect(adviceFor('dns', 'target', [upFirst])).toEqual([upFirst, resumeStep('dns')]);
});
