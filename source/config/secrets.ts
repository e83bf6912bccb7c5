/**
 * Secrets come from the environment only, never from hoist.yml, and never reach the journal, a log line or a
 * remote command line (the engine redacts them from everything it emits).
 */
export interface Secrets {
	registryToken?: string;
}

export const secretEnv = {registryToken: 'HOIST_REGISTRY_TOKEN'} as const;

export function readSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
	const secrets: Secrets = {};
	const token = env[secretEnv.registryToken];
	if (token !== undefined && token !== '') secrets.registryToken = token;
	return secrets;
}
