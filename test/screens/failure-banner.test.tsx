import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {ErrorView} from '../../source/engine/events.js';
import {FailureBanner} from '../../source/ui/ink/FailureBanner.js';
import {capacityError} from './run-events.js';

afterEach(() => {
	cleanup();
});

function frameOf(error: ErrorView, awaitingRetry = false, title?: string): string {
	const {lastFrame} = render(<FailureBanner error={error} awaitingRetry={awaitingRetry} {...(title === undefined ? {} : {title})} />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

const bug: ErrorView = {
	kind: 'bug',
	code: 'BUG',
	message: "Cannot read properties of undefined (reading 'zone')",
	nextSteps: [],
	stack: "TypeError: Cannot read properties of undefined (reading 'zone')\n    at launch (steps/launch.ts:42:7)",
};

const userError: ErrorView = {
	kind: 'user',
	code: 'CONFIG_INVALID',
	message: 'hoist.yml: domain must be a hostname.',
	hint: 'Found "https://example.com"; write it without the scheme.',
	nextSteps: [{text: 'Edit hoist.yml'}, {text: 'Run `hoist up` again', command: 'hoist up'}],
	stack: 'only bugs show a stack',
};

describe('FailureBanner', () => {
	it('shows the title, message and hint in a box', () => {
		const frame = frameOf(userError, false, 'Validate config failed');
		expect(frame).toContain('Validate config failed');
		expect(frame).toContain('Error: hoist.yml: domain must be a hostname.');
		expect(frame).toContain('Found "https://example.com"; write it without the scheme.');
		expect(frame).toMatch(/^╭─+╮$/m);
		expect(frame).toMatch(/^╰─+╯$/m);
	});

	it('numbers the next steps', () => {
		const frame = frameOf(userError);
		expect(frame).toContain('Next steps:');
		expect(frame).toContain('1. Edit hoist.yml');
		expect(frame).toContain('2. Run `hoist up` again');
	});

	it('shows what ran and what it said for an external error', () => {
		const frame = frameOf(capacityError);
		expect(frame).toContain('Command: ec2:RunInstances t4g.small');
		expect(frame).toContain('Output:');
		expect(frame).toContain('InsufficientInstanceCapacity');
	});

	it('shows the stack only for a bug', () => {
		const bugFrame = frameOf(bug);
		expect(bugFrame).toContain('This is a bug in hoist.');
		expect(bugFrame).toContain('at launch (steps/launch.ts:42:7)');
		expect(frameOf(userError)).not.toContain('only bugs show a stack');
		expect(frameOf(capacityError)).not.toContain('This is a bug');
	});

	it('shows the keys only while it waits for an answer', () => {
		expect(frameOf(capacityError, true)).toContain('r retry · q quit');
		expect(frameOf(capacityError, false)).not.toContain('retry ·');
	});
});
