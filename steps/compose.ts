import {z} from 'zod';
import {defineStep} from '../source/engine/step.js';
import {readProject} from '../source/server/project.js';

const composeServiceOutputs = z.object({
	image: z.string(),
	oneShot: z.boolean(),
	healthcheck: z.boolean(),
	/** Another service waits for it to be healthy (depends_on condition service_healthy). */
	healthGate: z.boolean(),
});
export type ComposeServiceOutputs = z.infer<typeof composeServiceOutputs>;

export const composeOutputs = z.object({
	/** The compose file, relative to the stack directory on the server (it travels under its own name). */
	file: z.string(),
	services: z.record(z.string(), composeServiceOutputs),
	webNetworks: z.array(z.string()),
	namedVolumes: z.array(z.string()),
});
export type ComposeOutputs = z.infer<typeof composeOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		compose: ComposeOutputs;
	}
}

/**
 * Reads and checks docker-compose.yml on this machine, before anything is created: a mistake found here never costs
 * an instance. Local and quick, so it runs on every `hoist up` (the file may have changed since).
 */
export const compose = defineStep({
	id: 'compose',
	outputs: composeOutputs,
	needs: [],
	check: async () => undefined,
	// The whole check is local: run before the lock and the journal, a mistake leaves .hoist/ as it was.
	localCheck: ({config, files, environment}) => void readProject(config, files, environment),
	async run(ctx) {
		const project = readProject(ctx.config, ctx.files, ctx.services.environment);
		for (const warning of project.warnings) ctx.log(`note: ${warning}`);
		const services = Object.fromEntries(
			Object.values(project.services).map((service) => [service.name, {image: service.image, oneShot: service.oneShot, healthcheck: service.healthcheck, healthGate: service.healthGate}]),
		);
		return {file: project.files[0]!.remote, services, webNetworks: project.webNetworks, namedVolumes: project.namedVolumes};
	},
	summary: (out) => {
		const names = Object.entries(out.services);
		const jobs = names.filter(([, service]) => service.oneShot).map(([name]) => name);
		return `${names.length} services${jobs.length > 0 ? ` (one-shot: ${jobs.join(', ')})` : ''}`;
	},
});
