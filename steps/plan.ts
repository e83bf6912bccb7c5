import type {Config} from '../source/config/schema.js';
import type {JournalData} from '../source/engine/journal.js';
import type {Plan} from '../source/engine/step.js';
import {ami} from './ami.js';
import {elasticIp, type ElasticIpOutputs} from './elastic-ip.js';
import {keyPair} from './key-pair.js';
import {launchInstance} from './launch-instance.js';
import {preflight} from './preflight.js';
import {securityGroup} from './security-group.js';
import {sshReady} from './ssh-ready.js';

/** The wizard, in order. Each step is one file in this folder; its id is its file name. */
export const plan: Plan = [preflight, ami, keyPair, securityGroup, launchInstance, elasticIp, sshReady];

/** What the user does after a successful `hoist up`. */
export function closingMessage(journal: JournalData, config: Config): string[] {
	const address = journal.steps['elastic-ip']?.outputs as ElasticIpOutputs | undefined;
	if (!address) return [];
	return [
		`The server answers SSH at ${address.publicIp}.`,
		`Next: at your DNS provider, create an A record ${config.domain} → ${address.publicIp}.`,
		'`hoist status` shows what was created; `hoist destroy` removes it all.',
	];
}
