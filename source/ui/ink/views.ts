import type {ReactElement} from 'react';
import type {StepState} from '../run-state.js';
import {DnsWatcher} from './DnsWatcher.js';

/** A screen for one step's details, named by the step (`view`); it gets the step's state and the clock. */
export type StepView = (props: {step: StepState; now: number}) => ReactElement | null;

/** The views steps can name. A step that names none, or one missing here, gets the generic detail rows. */
export const stepViews: Record<string, StepView> = {
	'dns-watcher': DnsWatcher,
};
