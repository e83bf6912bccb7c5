import {Text, useInput, useStdin} from 'ink';
import type {ScreenKey} from '../renderer.js';
import {useSyncExternalStore} from 'react';
import {RunScreen} from './RunScreen.js';
import type {RunStore} from './run-store.js';
import {useClock} from './use-clock.js';

export type RetryAnswer = 'retry' | 'quit';

interface RunAppProps {
	store: RunStore;
	onRetryAnswer: (answer: RetryAnswer) => void;
	onCancel: () => void;
	/** The command's own keys (see ScreenKey). */
	keys?: ScreenKey[];
}

export function RunApp({store, onRetryAnswer, onCancel, keys = []}: RunAppProps) {
	const state = useSyncExternalStore(store.subscribe, store.getState);
	// Ink reports stdin.isTTY here, which is undefined for a pipe; useInput would still switch raw mode on and crash.
	const interactive = useStdin().isRawModeSupported === true;
	const clock = useClock(state.steps.some((step) => step.status === 'running'));

	useInput(
		(input, key) => {
			// Raw mode turns Ctrl-C into a key instead of SIGINT, so cancelling the run is up to us.
			if (key.ctrl && input === 'c') {
				onCancel();
				return;
			}
			// Read the store, not the rendered state: a key can arrive before the frame that asked for it re-renders.
			const now = store.getState();
			const own = keys.find((candidate) => candidate.key === input && candidate.when(now));
			if (own && !now.awaitingRetry) {
				own.press(now);
				return;
			}
			if (!now.awaitingRetry) return;
			if (input === 'r') onRetryAnswer('retry');
			else if (input === 'q' || key.escape) onRetryAnswer('quit');
		},
		{isActive: interactive},
	);

	const offered = interactive ? keys.filter((candidate) => candidate.when(state)) : [];
	return (
		<>
			<RunScreen state={state} now={clock.now} tick={clock.tick} />
			{offered.map((candidate) => <Text key={candidate.key} dimColor>{`  ${candidate.hint}`}</Text>)}
		</>
	);
}
