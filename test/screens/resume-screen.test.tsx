import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {UnfinishedRun} from '../../source/engine/situation.js';
import {ResumeScreen} from '../../source/ui/ink/ResumeScreen.js';
import {resumeLines, resumeOffers, type ResumeView} from '../../source/ui/resume-view.js';
import {keepCapture} from './artifacts.js';

afterEach(() => {
	cleanup();
});

const steps = [
	{id: 'compose', title: 'Check the compose file'},
	{id: 'launch-instance', title: 'Launch the EC2 instance'},
	{id: 'deploy', title: 'Start the stack'},
	{id: 'certificate', title: 'Confirm the certificate'},
];
const at = '2026-11-30T02:10:00.000Z';
const now = Date.parse(at) + 5 * 60_000 + 2_000;

function view(run: UnfinishedRun): ResumeView {
	return {stack: 'shop', run, steps, offers: resumeOffers(run, steps), now};
}

function frameOf(resume: ResumeView): string {
	const {lastFrame} = render(<ResumeScreen view={resume} />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

const pullFailed: UnfinishedRun = {
	state: 'unfinished', command: 'up', outcome: 'failed', stepId: 'deploy', at,
	error: {kind: 'external', code: 'PULL', message: 'podman pull ghcr.io/acme/web:v2 failed', command: 'podman pull ghcr.io/acme/web:v2', output: 'manifest unknown', nextSteps: [{text: 'Push the image, then run `hoist up` again: it resumes at step deploy.', command: 'hoist up'}]},
};

describe('the resume screen', () => {
	it('a failed up: which step, when, the error with its next steps, and the steps to restart from', () => {
		const frame = frameOf(view(pullFailed));
		keepCapture('resume-failed', frame);
		expect(frame).toContain('hoist · stack shop');
		expect(frame).toContain('The last `hoist up` of stack shop failed at step deploy (Start the stack).');
		expect(frame).toContain('When: 2026-11-30 02:10:00 UTC, 5m02s ago');
		expect(frame).toContain('Error: podman pull ghcr.io/acme/web:v2 failed');
		expect(frame).toContain('Command: podman pull ghcr.io/acme/web:v2');
		expect(frame).toContain('manifest unknown');
		expect(frame).toContain('1. Push the image, then run `hoist up` again: it resumes at step deploy.');
		expect(frame).toContain('Steps: compose, launch-instance, deploy, certificate');
		expect(frame).toMatch(/^╭─+╮$/m);
	});

	it('an interrupted up (killed: no error recorded) says it was stopped, with the journal saved', () => {
		const frame = frameOf(view({state: 'unfinished', command: 'up', outcome: 'interrupted', stepId: 'launch-instance', at}));
		keepCapture('resume-interrupted', frame);
		expect(frame).toContain('The last `hoist up` of stack shop was interrupted at step launch-instance (Launch the EC2 instance).');
		expect(frame).toContain('Stopped (Ctrl-C, a signal, or a kill) before it finished; the journal is saved.');
		expect(frame).not.toContain('Error:');
	});

	it('a destroy that stopped: the only way on is to finish the destroy, never `hoist up`', () => {
		const run: UnfinishedRun = {state: 'unfinished', command: 'destroy', outcome: 'failed', stepId: 'security-group', at, error: {kind: 'external', code: 'AWS', message: 'DependencyViolation', nextSteps: [{text: 'Run `hoist destroy` again to finish removing what is left (it goes on from step security-group).', command: 'hoist destroy'}]}};
		const resume: ResumeView = {stack: 'shop', run, steps: [], offers: resumeOffers(run, steps), now};
		expect(resume.offers).toEqual([{action: 'resume', label: 'Finish the destroy', command: 'hoist destroy'}]);
		const frame = frameOf(resume);
		expect(frame).toContain('The last `hoist destroy` of stack shop failed at step security-group.');
		expect(frame).toContain('Run `hoist destroy` again to finish removing what is left');
		expect(frame).not.toContain('hoist up');
		expect(frame).not.toContain('Steps:');
	});

	it('a failed rollback: resume runs it again with its release and flags, not only destroy', () => {
		const run: UnfinishedRun = {state: 'unfinished', command: 'rollback', resume: 'rollback 2 --with-jobs', outcome: 'failed', stepId: 'deploy', at};
		expect(resumeOffers(run, steps)).toEqual([
			{action: 'resume', label: 'Resume', command: 'hoist rollback 2 --with-jobs'},
			{action: 'destroy', label: 'Destroy what hoist created for this stack', command: 'hoist destroy'},
		]);
	});

	it('without a terminal the same facts are lines, each offer with its command', () => {
		const lines = resumeLines(view(pullFailed));
		keepCapture('resume-plain', lines.join('\n'));
		expect(lines[0]).toBe('The last `hoist up` of stack shop failed at step deploy (Start the stack).');
		expect(lines).toContain('  Resume (at step deploy)                    hoist up');
		expect(lines).toContain('  Restart from a step you choose             hoist up --from STEP');
		expect(lines).toContain('  Destroy what hoist created for this stack  hoist destroy');
		expect(lines).toContain('  Steps: compose, launch-instance, deploy, certificate');
	});
});
