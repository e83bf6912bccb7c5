import {stripVTControlCharacters} from 'node:util';
import {Text} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {substepRow} from '../../source/engine/details.js';
import {imageRow, serviceRow} from '../../source/server/detail-rows.js';
import {spinnerFrame, StepList} from '../../source/ui/ink/StepList.js';
import type {StepState} from '../../source/ui/run-state.js';
import {T0} from './run-events.js';

afterEach(() => {
	cleanup();
});

const steps: StepState[] = [
	{id: 'credentials', title: 'Check AWS credentials', status: 'done', reused: true, durationMs: 12, summary: 'account 123456789012', log: [], details: []},
	{id: 'key', title: 'Create key pair', status: 'done', reused: false, durationMs: 1_400, summary: 'hoist-demo', log: [], details: []},
	{
		id: 'launch',
		title: 'Launch instance',
		status: 'running',
		reused: false,
		startedAt: T0,
		progress: {message: 'Waiting for running state', fraction: 0.4},
		log: ['pending'],
		details: [],
	},
	{id: 'dns', title: 'Point DNS', status: 'failed', reused: false, durationMs: 65_000, log: [], details: []},
	{id: 'compose', title: 'Start the stack', status: 'cancelled', reused: false, durationMs: 300, log: [], details: []},
	{id: 'ssh', title: 'Wait for SSH', status: 'pending', reused: false, log: [], details: []},
];

function frameOf(tick: number, now = T0 + 3_200): string {
	const {lastFrame} = render(<StepList steps={steps} now={now} tick={tick} />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

describe('StepList', () => {
	const frame = frameOf(0);

	it('shows a step found already done as "already done", with its summary', () => {
		expect(frame).toContain('✔ Check AWS credentials (already done) — account 123456789012');
	});

	it('shows a step that ran with its final time and summary', () => {
		expect(frame).toContain('✔ Create key pair (1.4s) — hoist-demo');
	});

	it('shows the running step with a spinner, its live elapsed time and its progress', () => {
		expect(frame).toContain('⠋ Launch instance (3.2s)');
		expect(frame).toContain('  Waiting for running state 40%');
	});

	it('shows failed, cancelled and pending steps by icon', () => {
		expect(frame).toContain('✖ Point DNS (1m05s)');
		expect(frame).toContain('⊘ Start the stack (300ms)');
		expect(frame).toMatch(/○ Wait for SSH$/m);
	});

	it('keeps one row per step in plan order', () => {
		const titles = steps.map((step) => frame.indexOf(step.title));
		expect(titles.every((position) => position >= 0)).toBe(true);
		expect([...titles].sort((a, b) => a - b)).toEqual(titles);
	});

	it('shows the details of the running step under it, and none for finished steps', () => {
		const withDetails: StepState[] = steps.map((step) =>
			step.id === 'launch'
				? {...step, details: [imageRow({image: 'ghcr.io/acme/web:v1', state: 'pulled', note: 'sha256:abc'}), serviceRow({service: 'db', state: 'running', health: 'starting'})]}
				: step.id === 'key'
					? {...step, details: [substepRow({id: 'x', title: 'hidden once done', state: 'done'})]}
					: step,
		);
		const text = stripVTControlCharacters(render(<StepList steps={withDetails} now={T0 + 3_200} tick={0} />).lastFrame() ?? '');
		expect(text).toMatch(/Waiting for running state 40%\n {2}image ghcr\.io\/acme\/web:v1: pulled — sha256:abc\n {2}service db: running \(starting\)/);
		expect(text).not.toContain('hidden once done');
	});

	it('hands a step\'s details to the view the step names', () => {
		const watched: StepState[] = [{...steps[2]!, view: 'watcher', details: [substepRow({id: 'a', title: 'generic row', state: 'running'})]}];
		const views = {watcher: ({step}: {step: StepState}) => <Text>{`custom view of ${step.details.length} detail`}</Text>};
		const text = stripVTControlCharacters(render(<StepList steps={watched} now={T0} tick={0} views={views} />).lastFrame() ?? '');
		expect(text).toContain('custom view of 1 detail');
		expect(text).not.toContain('generic row');
	});

	it('moves the spinner with the tick and the elapsed time with the clock', () => {
		expect(frameOf(3, T0 + 4_000)).toContain('⠸ Launch instance (4.0s)');
		expect(spinnerFrame(10)).toBe(spinnerFrame(0));
	});
});
