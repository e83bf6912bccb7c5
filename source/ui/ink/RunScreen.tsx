import {Box, Text} from 'ink';
import type {RunState} from '../run-state.js';
import {FailureBanner} from './FailureBanner.js';
import {FinishScreen} from './FinishScreen.js';
import {LogTail} from './LogTail.js';
import {StepList} from './StepList.js';

interface RunScreenProps {
	state: RunState;
	now: number;
	tick: number;
}

/** The whole run screen as a pure function of state, so tests can inject any moment of a run. */
export function RunScreen({state, now, tick}: RunScreenProps) {
	const {failure} = state;
	const failedStep = failure === undefined ? undefined : state.steps.find((step) => step.id === failure.stepId);
	const logStep = state.steps.find((step) => step.status === 'running') ?? failedStep;
	return (
		<Box flexDirection="column">
			{state.steps.length === 0 ? null : (
				<Text>
					<Text bold>hoist {state.command}</Text>
					<Text dimColor>
						{' '}
						· run {state.runId}
						{state.attempt > 1 ? ` · attempt ${state.attempt}` : ''}
					</Text>
				</Text>
			)}
			<StepList steps={state.steps} now={now} tick={tick} />
			{logStep === undefined ? null : <LogTail lines={logStep.log} />}
			{failure === undefined ? null : (
				<FailureBanner
					error={failure.error}
					title={`${failedStep?.title ?? failure.stepId} ${failure.error.kind === 'cancelled' ? 'was cancelled' : 'failed'}`}
					awaitingRetry={state.awaitingRetry}
				/>
			)}
			{state.outsideError === undefined ? null : <FailureBanner error={state.outsideError} awaitingRetry={false} />}
			{state.result === 'ok' ? <Text color="green">All steps done.</Text> : null}
			{state.messages.map((line, index) => (
				<Text key={index}>{line}</Text>
			))}
			{state.finish === undefined ? null : <FinishScreen facts={state.finish} />}
		</Box>
	);
}
