import {afterEach, describe, expect, it, vi} from 'vitest';
import type {Renderer} from '../../source/ui/renderer.js';
import {FakeStdin, startInkRenderer} from './fake-terminal.js';
import {capacityError, failedRun, hostileShown, hostileText, hostileTextRun, successfulRetry, until} from './run-events.js';

const open: Renderer[] = [];

function start(tty: boolean) {
	const terminal = startInkRenderer({tty});
	open.push(terminal.renderer);
	return terminal;
}

afterEach(async () => {
	await Promise.all(open.splice(0).map((renderer) => renderer.close()));
});

const ESCAPE = '\u001B';
const CTRL_C = '\u0003';

describe('the Ink run screen', () => {
	it('shows the running step with its progress and the tail of its log', async () => {
		const {renderer, stdout} = start(true);
		for (const event of until(failedRun(), 'step-failed')) renderer.onEvent(event);

		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('launch log 8'));
		const frame = stdout.lastFrame();
		expect(frame).toContain('hoist up · run run-1');
		expect(frame).toContain('✔ Check AWS credentials (already done) — account 123456789012');
		expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Launch instance \(/);
		expect(frame).toContain('Requesting t4g.small 25%');
		expect(frame).toContain('○ Wait for SSH');
		expect(frame).toContain('launch log 3');
		expect(frame).not.toContain('launch log 2');
	});

	it('shows what hoist.yml or the server wrote on a step line, detail row or summary as printable text', async () => {
		const {renderer, stdout} = start(true);
		const events = hostileTextRun();
		// While the step runs: its progress, log and detail row; once done: its summary.
		for (const event of events.slice(0, -1)) renderer.onEvent(event);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain(`service ${hostileShown}: running`));
		expect(stdout.lastFrame()).toContain(`connecting to ${hostileShown}`);
		expect(stdout.lastFrame()).toContain(`log ${hostileShown}`);
		renderer.onEvent(events.at(-1)!);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain(`— deploy@${hostileShown}`));
		const written = stdout.frames.join('');
		expect(written).not.toContain(hostileText.slice(2, 6));
		expect(written).not.toMatch(/[\r\u202e]/);
	});

	it('animates the spinner while a step runs', async () => {
		const {renderer, stdout} = start(true);
		for (const event of until(failedRun(), 'step-failed')) renderer.onEvent(event);

		const spinnerOf = () => /([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Launch instance/.exec(stdout.lastFrame())?.[1];
		await vi.waitFor(() => expect(spinnerOf()).toBeDefined());
		const first = spinnerOf();
		await vi.waitFor(() => expect(spinnerOf()).not.toBe(first));
	});

	it('shows the failure with its log and next steps, then retries on r', async () => {
		const {renderer, stdout, stdin} = start(true);
		expect(renderer.interactive).toBe(true);
		for (const event of failedRun()) renderer.onEvent(event);

		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('Launch instance failed'));
		let frame = stdout.lastFrame();
		expect(frame).toContain('✖ Launch instance (2.5s)');
		expect(frame).toContain(`Error: ${capacityError.message}`);
		expect(frame).toContain('Command: ec2:RunInstances t4g.small');
		expect(frame).toContain('1. Wait a minute and press r to retry.');
		expect(frame).toContain('2. Set instance.zone in hoist.yml to another zone.');
		expect(frame).toContain('launch log 8');
		expect(frame).not.toContain('r retry · q quit');

		const answer = renderer.askRetry();
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('r retry · q quit'));
		stdin.type('x');
		stdin.type('r');
		await expect(answer).resolves.toBe('retry');
		await vi.waitFor(() => expect(stdout.lastFrame()).not.toContain('r retry · q quit'));

		for (const event of successfulRetry()) renderer.onEvent(event);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('All steps done.'));
		frame = stdout.lastFrame();
		expect(frame).toContain('hoist up · run run-1 · attempt 2');
		expect(frame).toContain('✔ Launch instance (12.3s) — i-0abc123');
		expect(frame).toContain('✔ Wait for SSH (8.0s)');
		expect(frame).not.toContain('failed');
		expect(frame).not.toContain('launch log');
	});

	it.each([
		['q', 'q'],
		['Escape', ESCAPE],
	])('quits on %s', async (_name, key) => {
		const {renderer, stdout, stdin} = start(true);
		for (const event of failedRun()) renderer.onEvent(event);
		const answer = renderer.askRetry();
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('r retry · q quit'));
		stdin.type(key);
		await expect(answer).resolves.toBe('quit');
	});

	it('cancels on Ctrl-C while a step runs, in raw mode', async () => {
		const {renderer, stdout, stdin, onCancel} = start(true);
		for (const event of until(failedRun(), 'step-failed')) renderer.onEvent(event);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('Launch instance'));
		expect(stdin.rawMode).toEqual([true]);

		stdin.type(CTRL_C);
		expect(onCancel).toHaveBeenCalledTimes(1);
	});

	it('answers quit when Ctrl-C is pressed at the retry prompt', async () => {
		const {renderer, stdout, stdin, onCancel} = start(true);
		for (const event of failedRun()) renderer.onEvent(event);
		const answer = renderer.askRetry();
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('r retry · q quit'));

		stdin.type(CTRL_C);
		await expect(answer).resolves.toBe('quit');
		expect(onCancel).toHaveBeenCalledTimes(1);
	});

	it('ignores r and q while nothing asks for them', async () => {
		const {renderer, stdout, stdin, onCancel} = start(true);
		for (const event of failedRun()) renderer.onEvent(event);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('Launch instance failed'));
		stdin.type('r');
		stdin.type('q');
		const answer = renderer.askRetry();
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('r retry · q quit'));
		stdin.type('r');
		await expect(answer).resolves.toBe('retry');
		expect(onCancel).not.toHaveBeenCalled();
	});

	it('shows errors from outside a run and closing messages', async () => {
		const {renderer, stdout} = start(true);
		renderer.showError({kind: 'user', code: 'LOCKED', message: 'Another hoist is running (pid 4242).', nextSteps: [{text: 'Wait for it to finish.'}]});
		renderer.showMessage(['Nothing was changed.']);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('Nothing was changed.'));
		const frame = stdout.lastFrame();
		expect(frame).toContain('Error: Another hoist is running (pid 4242).');
		expect(frame).toContain('1. Wait for it to finish.');
		expect(frame).not.toContain('· run');
	});

	it('leaves the last frame on screen and raw mode off after close', async () => {
		const {renderer, stdout, stdin} = start(true);
		for (const event of failedRun()) renderer.onEvent(event);
		const answer = renderer.askRetry();
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('r retry · q quit'));

		await renderer.close();
		await expect(answer).resolves.toBe('quit');
		expect(stdout.lastFrame()).toContain('Launch instance failed');
		expect(stdin.rawMode).toEqual([true, false]);
	});

	it('shows updates made just before close in the frame it leaves', async () => {
		const {renderer, stdout} = start(true);
		for (const event of [...failedRun(), ...successfulRetry()]) renderer.onEvent(event);
		renderer.showMessage(['Open https://example.com']);
		await renderer.close();
		expect(stdout.lastFrame()).toContain('All steps done.');
		expect(stdout.lastFrame()).toContain('Open https://example.com');
	});

	it('does not wait for a key after the screen crashed, and close reports the crash', async () => {
		const brokenTerminal = new (class extends FakeStdin {
			override setRawMode(): this {
				throw new Error('setRawMode EIO');
			}
		})(true);
		const {renderer, stdout} = startInkRenderer({tty: true, stdin: brokenTerminal});
		await vi.waitFor(() => expect(stdout.allOutput()).toContain('setRawMode EIO'));

		await expect(renderer.askRetry()).resolves.toBe('quit');
		await expect(renderer.close()).rejects.toThrow('setRawMode EIO');
	});

	describe('without a terminal on stdin', () => {
		it('answers quit at once and never touches raw mode', async () => {
			const {renderer, stdout, stderr, stdin} = start(false);
			expect(renderer.interactive).toBe(false);
			for (const event of failedRun()) renderer.onEvent(event);
			await vi.waitFor(() => expect(stdout.lastFrame()).toContain('Launch instance failed'));

			await expect(renderer.askRetry()).resolves.toBe('quit');
			await renderer.close();
			expect(stdout.lastFrame()).not.toContain('r retry');
			expect(stdin.rawMode).toEqual([]);
			expect(stdout.allOutput()).not.toMatch(/raw mode/i);
			expect(stderr.allOutput()).toBe('');
		});
	});
});
