import type {ModelPath} from './locate.js';
import type {ComposeModel} from './model.js';

export interface V2Feature {
	/** In the words of the message: "top-level name:". */
	feature: string;
	path: ModelPath;
	/** What to do instead when the server has docker-compose 1.29. */
	fix: string;
}

/**
 * Features that docker compose v2 knows and docker-compose 1.29 (the python one) rejects or ignores. Kept to
 * the ones a deploy would trip on; schema.ts lets the packaged (older) schema accept each of them:
 * - top-level `name:` and `include:` (1.29's schema refuses unknown top-level keys);
 * - `configs.*.content` / `configs.*.environment` / `secrets.*.environment` (1.29 only reads `file:`);
 * - `depends_on.*.required` / `depends_on.*.restart` (1.29 refuses keys beside `condition`);
 * - `develop:` (compose watch; 1.29 refuses the key);
 * - the long syntax of `env_file` with `path:` / `required:` (1.29 wants paths).
 */
export function findV2Features(model: ComposeModel): V2Feature[] {
	const found: V2Feature[] = [];
	if (model.name !== undefined) found.push({feature: 'the top-level name:', path: ['name'], fix: 'remove it (1.29 names the project after the folder or -p)'});
	if (model.include !== undefined) found.push({feature: 'include:', path: ['include'], fix: 'move the included services into this file'});
	for (const [kind, entries] of [['configs', model.configs], ['secrets', model.secrets]] as const) {
		for (const [name, source] of Object.entries(entries ?? {})) {
			for (const key of ['content', 'environment'] as const) {
				if (source?.[key] === undefined) continue;
				found.push({feature: `${kind}.${name}.${key}:`, path: [kind, name, key], fix: 'write the value to a file beside the compose file and use file:'});
			}
		}
	}
	for (const [name, service] of Object.entries(model.services ?? {})) {
		if (service.develop !== undefined) {
			found.push({feature: 'develop:', path: ['services', name, 'develop'], fix: 'remove it (it is for docker compose watch on your machine)'});
		}
		if (service.depends_on && !Array.isArray(service.depends_on)) {
			for (const [dependency, options] of Object.entries(service.depends_on)) {
				for (const key of ['required', 'restart'] as const) {
					if (options[key] === undefined) continue;
					found.push({feature: `depends_on ${key}:`, path: ['services', name, 'depends_on', dependency, key], fix: `remove ${key}: and keep condition:`});
				}
			}
		}
		if (Array.isArray(service.env_file)) {
			service.env_file.forEach((entry, index) => {
				if (typeof entry === 'string') return;
				found.push({
					feature: 'the long syntax of env_file (path:, required:)',
					path: ['services', name, 'env_file', index],
					fix: `write the path alone (- ${entry.path}) and make sure the file exists`,
				});
			});
		}
	}
	return found;
}
