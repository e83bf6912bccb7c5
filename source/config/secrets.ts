import {isRegistryTokenVariable, singleRegistryTokenVariable} from './registries.js';

/**
 * Secrets come from the environment only, never from hoist.yml, and never reach the journal, a log line or a
 * remote command line (the engine redacts them from everything it emits).
 */
export interface Secrets {
	/** Registry tokens by variable: HOIST_REGISTRY_TOKEN for one registry, HOIST_REGISTRY_TOKEN_<SERVER> for a list. */
	registryTokens: Readonly<Record<string, string>>;
}

export const secretEnv = {registryToken: singleRegistryTokenVariable} as const;

export function readSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
	const registryTokens: Record<string, string> = {};
	for (const [name, value] of Object.entries(env)) {
		if (isRegistryTokenVariable(name) && value !== undefined && value !== '') registryTokens[name] = value;
	}
	return {registryTokens};
}

/** Every secret value, for the redactor. */
export function secretValues(secrets: Secrets): string[] {
	return Object.values(secrets.registryTokens);
}
