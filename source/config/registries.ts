import type {Secrets} from './secrets.js';

/** The token of the one registry of `registry: {server, username}`. */
export const singleRegistryTokenVariable = 'HOIST_REGISTRY_TOKEN';

/** One login the server needs: hoist.yml's registry section, or one entry of its list. */
export interface RegistryLogin {
	server: string;
	username: string;
	/** The environment variable that holds its token (never hoist.yml). */
	tokenVariable: string;
}

/**
 * The token variable of a registry in a `registry:` list: HOIST_REGISTRY_TOKEN_ and the server in capitals, every other
 * character an underscore (ghcr.io → HOIST_REGISTRY_TOKEN_GHCR_IO, 10.0.0.5:5000 → HOIST_REGISTRY_TOKEN_10_0_0_5_5000).
 * A name a person can guess from hoist.yml, and a valid shell variable.
 */
export function listedRegistryTokenVariable(server: string): string {
	return `${singleRegistryTokenVariable}_${server.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Whether an environment variable is a registry token hoist reads (and must keep out of every output). */
export function isRegistryTokenVariable(name: string): boolean {
	return name === singleRegistryTokenVariable || name.startsWith(`${singleRegistryTokenVariable}_`);
}

export function registryToken(secrets: Secrets, login: RegistryLogin): string | undefined {
	return secrets.registryTokens[login.tokenVariable];
}

/** The logins whose token neither the environment nor a question gave. */
export function loginsWithoutToken(logins: readonly RegistryLogin[] | undefined, secrets: Secrets): RegistryLogin[] {
	return (logins ?? []).filter((login) => registryToken(secrets, login) === undefined);
}
