import {expect, it} from 'vitest';
import {adviceFor, resumeLine} from '../../../source/engine/advice.js';

it('names the command that was running', () => {
	expect(resumeLine('up', 'ami')).toBe('Run `hoist up` again: it resumes at step ami.');
	expect(resumeLine('destroy', 'elastic-ip')).toBe('Run `hoist destroy` again to finish removing what is left (it goes on from step elastic-ip).');
});

it('drops advice that would re-create what a destroy removes, and keeps the rest', () => {
	const steps = ['Check your connection.', 'Run `hoist up` again in a minute.', 'Run `hoist up --restart` to launch under a new run.'];
	expect(adviceFor('destroy', 'key-pair', steps)).toEqual(['Check your connection.', resumeLine('destroy', 'key-pair')]);
});

it('keeps a step\'s own words about running the same command again instead of adding a second line', () => {
	expect(adviceFor('up', 'ssh-ready', ['Run `hoist up` again in a minute: it resumes here.'])).toEqual(['Run `hoist up` again in a minute: it resumes here.']);
	expect(adviceFor('up', 'preflight', [])).toEqual([resumeLine('up', 'preflight')]);
	// hoist dns on a stack without a server: hoist up is the way on.
	expect(adviceFor('dns', 'target', ['Run `hoist up` first.'])).toEqual(['Run `hoist up` first.', resumeLine('dns')]);
});
