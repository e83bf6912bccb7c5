import type {Config} from '../source/config/schema.js';
import type {JournalData} from '../source/engine/journal.js';
import {stepOutputs} from '../source/engine/outputs.js';
import type {AnyStep, Plan} from '../source/engine/step.js';
import {bootstrap} from './bootstrap.js';
import {compose} from './compose.js';
import {deploy} from './deploy.js';
import {registryLoginStep} from './registry-login.js';
import {sshReady} from './ssh-ready.js';
import {serverTarget} from './target.js';
import {upload} from './upload.js';

/**
 * The wizard, in order, built from hoist.yml: the compose file is checked first (a mistake never costs an instance),
 * then the AWS steps when it has an aws section (they are loaded only then) or an existing server, then the server's
 * own steps. Each step is one file in this folder; its id is its file name.
 */
export async function buildPlan(config: Config): Promise<Plan> {
	const reach = config.aws ? (await import('./aws-plan.js')).awsSteps : [serverTarget];
	return [compose, ...reach, sshReady, bootstrap, ...(config.registry ? [registryLoginStep] : []), upload, deploy];
}

/**
 * The plan of `hoist deploy` and `hoist rollback`: the same steps (their checks skip what is done), with a release
 * that replaces what changed without downtime in place of the first deploy's `compose up`.
 */
export function withRelease(plan: Plan, release: AnyStep): Plan {
	return plan.map((step) => (step.id === 'deploy' ? release : step));
}

/** What the user does after a successful `hoist up`. */
export function closingMessage(journal: JournalData, config: Config): string[] {
	const target = stepOutputs(journal, 'target');
	if (!target) return [];
	const upload = stepOutputs(journal, 'upload');
	return [
		`Your stack answers at http://${target.publicAddress}/ (Caddy in front of ${config.compose.service}).`,
		`Next: at your DNS provider, create an A record ${config.domain} → ${target.publicAddress}.`,
		...(upload?.boot === 'none' ? [`This server has no service manager: after a reboot, run ${upload.dir}/hoist-boot.sh start.`] : []),
		'`hoist status` shows what was created; `hoist destroy` removes it all.',
	];
}
