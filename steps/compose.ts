import {defineStep} from '../source/engine/step.js';
import {readProject} from '../source/server/project.js';

export interface ComposeServiceOutputs {
	image: string;
	oneShot: boolean;
	healthcheck: boolean;
	/** Another service waits for it to be healthy (depends_on condition service_healthy). */
	healthGate: boolean;
}

export interface ComposeOutputs {
	/** The compose file, relative to the stack directory on the server (it travels under its own name). */
	file: string;
	services: Record<string, ComposeServiceOutputs>;
	webNetworks: string[];
	namedVolumes: string[];
}

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
	needs: [],
	check: async () => undefined,
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
