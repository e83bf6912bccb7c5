import {isDeepStrictEqual} from 'node:util';
import type {Config} from '../config/schema.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import type {AnyStep, Plan} from '../engine/step.js';
import {bootstrap} from '../../steps/bootstrap.js';
import {certificate} from '../../steps/certificate.js';
import {compose} from '../../steps/compose.js';
import {deploy} from '../../steps/deploy.js';
import {dns} from '../../steps/dns.js';
import {registryLoginStep} from '../../steps/registry-login.js';
import {sshReady} from '../../steps/ssh-ready.js';
import {recordedTarget, serverTarget} from '../../steps/target.js';
import {upload} from '../../steps/upload.js';

/**
 * The wizard, in order, built from hoist.yml: the compose file is checked first (a mistake never costs an instance),
 * then the AWS steps when it has an aws section (they are loaded only then) or an existing server, then the server's
 * own steps. Each step is one file in this folder; its id is its file name.
 */
export async function buildPlan(config: Config): Promise<Plan> {
	const reach = config.aws ? (await import('./aws-plan.js')).awsSteps : [serverTarget];
	return [compose, ...reach, sshReady, bootstrap, ...(config.registry ? [registryLoginStep] : []), upload, deploy, dns, certificate];
}

/**
 * The plan of `hoist deploy` and `hoist rollback`: the same steps (their checks skip what is done), with a release
 * that replaces what changed without downtime in place of the first deploy's `compose up`.
 */
export function withRelease(plan: Plan, release: AnyStep): Plan {
	return plan.map((step) => (step.id === 'deploy' ? release : step));
}

/**
 * `hoist dns`: the DNS watcher alone, for a stack that has a server. The server's address comes from the journal (no
 * SSH, no AWS call); the watch is recorded like the wizard's own DNS step.
 */
export function dnsOnlyPlan(): Plan {
	return [recordedTarget, dns];
}

/** What the user does after `hoist dns` found DNS ready. */
export function dnsClosingMessage(journal: JournalData, config: Config): string[] {
	const dnsOutputs = stepOutputs(journal, 'dns');
	if (dnsOutputs?.status !== 'ready') return [];
	const certificate = stepOutputs(journal, 'certificate');
	return certificate?.status === 'issued' && isDeepStrictEqual(certificate.names, dnsOutputs.names)
		? [`DNS is right, and https://${config.domain}/ has its certificate.`]
		: ['DNS is right: run `hoist up` to get the certificate (hoist asks the CA only now).'];
}
