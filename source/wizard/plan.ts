import {isDeepStrictEqual} from 'node:util';
import type {Config} from '../config/schema.js';
import type {JournalData} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import type {AnyStep, Plan} from '../engine/step.js';
import {BugError} from '../errors.js';
import type {ReleaseOptions} from '../server/release.js';
import {entriesFor, entry, type CatalogueEntry} from './catalogue.js';

/** The wizard, in order, built from hoist.yml: the catalogue's steps this stack has, each loaded only now. */
export async function buildPlan(config: Config): Promise<Plan> {
	return Promise.all(entriesFor(config).map(planned));
}

/** A step as its file defines it, with the title the catalogue gives it. */
async function planned(listed: CatalogueEntry): Promise<AnyStep> {
	const step = await listed.load();
	if (step.id !== listed.id) throw new BugError(`The catalogue's step "${listed.id}" loads the step "${step.id}".`);
	return {...step, title: listed.title};
}

/**
 * The plan of `hoist deploy` and `hoist rollback`: the same steps (their checks skip what is done), the deploy step
 * asked for a release (it replaces what changed without downtime) under the command's own title.
 */
export async function withRelease(plan: Plan, request: ReleaseOptions & {title: string}): Promise<Plan> {
	const {deployStep} = await import('../../steps/deploy.js');
	const {title, ...releasing} = request;
	return plan.map((step) => (step.id === 'deploy' ? {...deployStep(releasing), title} : step));
}

/**
 * `hoist dns`: the DNS watcher alone, for a stack that has a server. The target step finds the server's address in
 * the journal or hoist.yml (no SSH, no AWS call); the watch is recorded like the wizard's own DNS step.
 */
export async function dnsOnlyPlan(): Promise<Plan> {
	return Promise.all([entry('target'), entry('dns')].map(planned));
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
