import {resolvePath} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {loadComposeProject, type ComposeProject} from '../compose/project.js';
import type {StackFiles} from '../engine/stack-files.js';
import {qualifiedImage} from './image-name.js';

/**
 * The user's compose project as hoist.yml names it, interpolated with the environment hoist runs in. `engine` is the
 * server's compose once bootstrap knows it: features that compose does not know are refused before they fail there.
 * Every image is fully qualified the way Docker reads it (image-name.ts): pulls, release digests, rollback pins,
 * pruning and what hoist shows all use that name, and the overlay gives it to compose.
 */
export function readProject(config: Config, files: StackFiles, environment: Readonly<Record<string, string | undefined>>, engine?: 'v1' | 'v2'): ComposeProject {
	const project = loadComposeProject({
		file: resolvePath(files.dir, config.compose.file),
		stateDir: files.stateDir,
		env: environment,
		// A one-route file may be the shorthand: its messages then name compose.service, as they always did.
		web: config.routes.map(({service, port}, index) => ({
			service,
			port,
			...(config.routes.length === 1 ? {} : {settings: {service: `routes.${index}.service in hoist.yml`, port: `routes.${index}.port in hoist.yml`}}),
		})),
		...(engine === undefined ? {} : {engine}),
	});
	const services = Object.fromEntries(Object.entries(project.services).map(([name, service]) => [name, {...service, image: qualifiedImage(service.image)}]));
	return {...project, services};
}
