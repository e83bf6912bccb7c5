import type {AnyStepDefinition, StepId} from '../engine/step.js';
import {BugError} from '../errors.js';

/** What decides which steps a plan has: whether hoist.yml has these sections (known before it is validated). */
export type PlanShape = {aws?: object | boolean; registry?: object | boolean};

/** One step of the wizard, as the plan, the resume screen's outline and the README's step table know it. */
export interface CatalogueEntry {
	/** Its file is steps/<id>.ts. */
	readonly id: StepId;
	readonly title: string;
	/** In the plan only for the stacks this holds for; in every plan when absent. */
	readonly when?: (config: PlanShape) => boolean;
	/** The step itself, loaded only when a run needs it (an AWS step brings the AWS SDK: about 0.6 s and 70 MB). */
	readonly load: () => Promise<AnyStepDefinition>;
}

const onAws = (config: PlanShape) => Boolean(config.aws);

/**
 * Every step of `hoist up`, in the order it runs: the compose file is checked first (a mistake never costs an
 * instance), then a new EC2 instance when hoist.yml has an aws section (or the server it names), then the server's
 * own steps. The one place a step's id and title are written; adding a step is its file, a line here and a README row.
 */
export const catalogue: readonly CatalogueEntry[] = [
	{id: 'compose', title: 'Check the compose file', load: async () => (await import('../../steps/compose.js')).compose},
	{id: 'preflight', title: 'Check AWS account and region', when: onAws, load: async () => (await import('../../steps/preflight.js')).preflight},
	{id: 'ami', title: 'Find the Alpine image', when: onAws, load: async () => (await import('../../steps/ami.js')).ami},
	{id: 'key-pair', title: 'Create the SSH key', when: onAws, load: async () => (await import('../../steps/key-pair.js')).keyPair},
	{id: 'security-group', title: 'Open ports 22, 80 and 443', when: onAws, load: async () => (await import('../../steps/security-group.js')).securityGroup},
	{id: 'launch-instance', title: 'Launch the instance', when: onAws, load: async () => (await import('../../steps/launch-instance.js')).launchInstance},
	{id: 'elastic-ip', title: 'Attach a stable public address', when: onAws, load: async () => (await import('../../steps/elastic-ip.js')).elasticIp},
	{id: 'target', title: 'Record how to reach the server', load: async () => (await import('../../steps/target.js')).target},
	{id: 'ssh-ready', title: 'Wait for SSH', load: async () => (await import('../../steps/ssh-ready.js')).sshReady},
	{id: 'bootstrap', title: 'Prepare the server (Podman, compose)', load: async () => (await import('../../steps/bootstrap.js')).bootstrap},
	{
		id: 'registry-login',
		title: 'Log the server in to the registry',
		when: (config) => Boolean(config.registry),
		load: async () => (await import('../../steps/registry-login.js')).registryLoginStep,
	},
	{id: 'upload', title: 'Upload the stack', load: async () => (await import('../../steps/upload.js')).upload},
	{id: 'deploy', title: 'Start the stack', load: async () => (await import('../../steps/deploy.js')).deploy},
	{id: 'dns', title: 'Wait for DNS to point at the server', load: async () => (await import('../../steps/dns.js')).dns},
	{id: 'certificate', title: 'Get and confirm the HTTPS certificate', load: async () => (await import('../../steps/certificate.js')).certificate},
];

/** The catalogue's steps that this stack's plan has, in order. */
export function entriesFor(config: PlanShape): CatalogueEntry[] {
	return catalogue.filter((entry) => entry.when?.(config) ?? true);
}

/** The catalogue's entry for a step id; a bug when there is none (ids come from the catalogue itself). */
export function entry(id: StepId): CatalogueEntry {
	const found = catalogue.find((candidate) => candidate.id === id);
	if (!found) throw new BugError(`No step "${id}" in the catalogue.`);
	return found;
}

/** Former ids a user may still type (`hoist up --from release`): the swap of `hoist deploy` was a step of its own. */
const formerIds: Readonly<Record<string, StepId>> = {release: 'deploy'};

/** The step a user named, by its id or a former one. */
export function stepNamed(typed: string): string {
	return Object.hasOwn(formerIds, typed) ? formerIds[typed]! : typed;
}
