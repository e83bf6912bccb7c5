import type {Situation, UnfinishedRun} from '../../engine/situation.js';

/**
 * What bare `hoist` (no command) does, decided from three facts only, so the decision is tested on its own:
 * - no hoist.yml: the guided setup (for now: say how to make one);
 * - hoist.yml and a run that failed or was interrupted: the resume screen;
 * - hoist.yml and a finished run (or one running now): the status;
 * - hoist.yml and nothing run yet (or a destroyed stack): how to start, and on a terminal the offer to run `hoist up`.
 * `ask` is true only when a person can answer on a terminal; otherwise hoist prints what it would offer.
 */
export type BareRoute =
	| {kind: 'setup'}
	| {kind: 'status'}
	| {kind: 'first-run'; ask: boolean; destroyedAt?: string}
	| {kind: 'resume'; ask: boolean; run: UnfinishedRun};

export interface BareInputs {
	configFound: boolean;
	situation: Situation;
	/** A person at a terminal: stdin and stdout are TTYs, not --json, not CI. */
	terminal: boolean;
}

export function bareRoute({configFound, situation, terminal}: BareInputs): BareRoute {
	if (!configFound) return {kind: 'setup'};
	switch (situation.state) {
		case 'none':
			return {kind: 'first-run', ask: terminal};
		case 'destroyed':
			return {kind: 'first-run', ask: terminal, destroyedAt: situation.at};
		case 'complete':
		case 'running':
			return {kind: 'status'};
		case 'unfinished':
			return {kind: 'resume', ask: terminal, run: situation};
	}
}

/** Exit codes of bare `hoist` without a terminal (README, "Running hoist without a command"). */
export const bareExitCodes = {
	/** Nothing to do, or nothing run yet (the next command is printed). */
	ok: 0,
	/** The last run failed or was interrupted: the stack is not where hoist.yml wants it. */
	unfinished: 1,
	/** No hoist.yml: nothing to work on. */
	noConfig: 2,
} as const;
