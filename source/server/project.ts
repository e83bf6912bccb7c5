import {resolvePath} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {loadComposeProject, type ComposeProject} from '../compose/project.js';
import type {StackFiles} from '../engine/stack-files.js';

/**
 * The user's compose project as hoist.yml names it, interpolated with the environment hoist runs in. `engine` is the
 * server's compose once bootstrap knows it: features that compose does not know are refused before they fail there.
 */
export function readProject(config: Config, files: StackFiles, environment: Readonly<Record<string, string | undefined>>, engine?: 'v1' | 'v2'): ComposeProject {
	return loadComposeProject({
		file: resolvePath(files.dir, config.compose.file),
		stateDir: files.stateDir,
		env: environment,
		web: {service: config.compose.service, port: config.compose.port},
		...(engine === undefined ? {} : {engine}),
	});
}
