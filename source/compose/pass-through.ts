import type {ModelPath} from './locate.js';
import type {ComposeModel} from './model.js';

/**
 * Variables Compose takes from the environment it runs in rather than from the file: a service's environment
 * entry without a value (`- API_KEY`, `API_KEY:`) and `configs`/`secrets` with `environment:`. On the server that
 * environment is the one hoist gives Compose, so these must travel like the interpolated ones.
 */
export function passThroughVariables(model: ComposeModel): Array<{name: string; path: ModelPath}> {
	const found: Array<{name: string; path: ModelPath}> = [];
	for (const [service, definition] of Object.entries(model.services ?? {})) {
		const environment = definition.environment;
		if (Array.isArray(environment)) {
			environment.forEach((entry, index) => {
				if (!entry.includes('=')) found.push({name: entry.trim(), path: ['services', service, 'environment', index]});
			});
		} else if (environment) {
			for (const [name, value] of Object.entries(environment)) {
				if (value === null) found.push({name, path: ['services', service, 'environment', name]});
			}
		}
	}
	for (const kind of ['configs', 'secrets'] as const) {
		for (const [name, source] of Object.entries(model[kind] ?? {})) {
			if (source?.environment !== undefined) found.push({name: source.environment, path: [kind, name, 'environment']});
		}
	}
	return found;
}
