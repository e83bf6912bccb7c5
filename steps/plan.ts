import type {Config} from '../source/config/schema.js';
import type {JournalData} from '../source/engine/journal.js';
import {stepOutputs} from '../source/engine/outputs.js';
import type {Plan} from '../source/engine/step.js';
import {sshReady} from './ssh-ready.js';
import {serverTarget} from './target.js';

/**
 * The wizard, in order, built from hoist.yml: the AWS steps only when it has an aws section (they are loaded only
 * then), an existing server otherwise. Each step is one file in this folder; its id is its file name.
 */
export async function buildPlan(config: Config): Promise<Plan> {
	const reach = config.aws ? (await import('./aws-plan.js')).awsSteps : [serverTarget];
	return [...reach, sshReady];
}

/** What the user does after a successful `hoist up`. */
export function closingMessage(journal: JournalData, config: Config): string[] {
	const target = stepOutputs(journal, 'target');
	if (!target) return [];
	return [
		`The server answers SSH at ${target.publicAddress}.`,
		`Next: at your DNS provider, create an A record ${config.domain} → ${target.publicAddress}.`,
		'`hoist status` shows what was created; `hoist destroy` removes it all.',
	];
}
