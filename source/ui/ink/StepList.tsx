import {Box, Text} from 'ink';
import {formatDuration} from '../format-duration.js';
import type {StepStatus} from '../../engine/step-status.js';
import type {StepProgress, StepState} from '../run-state.js';
import {DetailRows} from './DetailRows.js';
import {stepViews, type StepView} from './views.js';

const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function spinnerFrame(tick: number): string {
	return SPINNER_FRAMES[tick % SPINNER_FRAMES.length]!;
}

interface StepListProps {
	steps: StepState[];
	/** The screens steps may name for their details. */
	views?: Record<string, StepView>;
	/** The clock the running step's elapsed time is measured against. */
	now: number;
	/** Advances the spinner; the caller owns the timer so tests can pick a frame. */
	tick: number;
}

export function StepList({steps, now, tick, views = stepViews}: StepListProps) {
	return (
		<Box flexDirection="column">
			{steps.map((step) => (
				<StepRow key={step.id} step={step} now={now} tick={tick} views={views} />
			))}
		</Box>
	);
}

function StepRow({step, now, tick, views}: {step: StepState; now: number; tick: number; views: Record<string, StepView>}) {
	const timing = stepTiming(step, now);
	// Details matter while a step works and when it stopped; a finished step keeps to its one line.
	const showDetails = step.status === 'running' || step.status === 'failed' || step.status === 'cancelled';
	const View = step.view === undefined ? undefined : views[step.view];
	return (
		<Box flexDirection="column">
			<Text>
				<StatusIcon status={step.status} tick={tick} /> {step.title}
				{timing === undefined ? null : <Text dimColor> ({timing})</Text>}
				{step.status === 'done' && step.summary ? <Text dimColor> — {step.summary}</Text> : null}
			</Text>
			{step.status === 'running' && step.progress ? <Text dimColor>{`  ${progressText(step.progress)}`}</Text> : null}
			{showDetails ? View ? <View step={step} now={now} /> : <DetailRows details={step.details} /> : null}
		</Box>
	);
}

function StatusIcon({status, tick}: {status: StepStatus; tick: number}) {
	switch (status) {
		case 'pending':
			return <Text dimColor>○</Text>;
		case 'running':
			return <Text color="cyan">{spinnerFrame(tick)}</Text>;
		case 'done':
			return <Text color="green">✔</Text>;
		case 'failed':
			return <Text color="red">✖</Text>;
		case 'cancelled':
			return <Text color="yellow">⊘</Text>;
	}
}

function stepTiming(step: StepState, now: number): string | undefined {
	if (step.status === 'done' && step.reused) return 'already done';
	if (step.status === 'running' && step.startedAt !== undefined) {
		// The clock ticks on its own timer and may lag the step's start by a tick.
		return formatDuration(Math.max(0, now - step.startedAt));
	}
	return step.durationMs === undefined ? undefined : formatDuration(step.durationMs);
}

function progressText({message, fraction}: StepProgress): string {
	return fraction === undefined ? message : `${message} ${Math.round(fraction * 100)}%`;
}
