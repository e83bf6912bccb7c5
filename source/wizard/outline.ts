import {entriesFor, type PlanShape} from './catalogue.js';

export interface StepOutline {
	id: string;
	title: string;
}

/**
 * The wizard's steps as `buildPlan` orders them, by id and title only, without loading a step module: the AWS steps
 * bring the AWS SDK (about 0.6 s and 70 MB), which a screen that only lists the steps (bare `hoist`'s resume screen)
 * must not wait for, nor `hoist up`'s first frame, drawn before hoist.yml is validated (source/commands/up/first-frame.ts):
 * only whether there is an aws and a registry section counts.
 */
export function planOutline(config: PlanShape): StepOutline[] {
	return entriesFor(config).map(({id, title}) => ({id, title}));
}
