import type {Config} from '../config/schema.js';
import {secretEnv, type Secrets} from '../config/secrets.js';
import type {CommandLine} from './command.js';
import {canAsk} from './confirm.js';
import type {CommandIo} from './io.js';
import {terminalAsk, type Ask} from './terminal.js';

/**
 * hoist.yml names a registry but HOIST_REGISTRY_TOKEN is not set: on a terminal, ask for the token with hidden
 * input, before the screen starts. The answer lives in memory for this run only (never written, never echoed).
 * Without a terminal nothing is asked and the registry-login step says how to give it.
 */
export async function askRegistryToken(config: Config, secrets: Secrets, args: CommandLine, io: CommandIo, ask?: Ask): Promise<Secrets> {
	if (!config.registry || secrets.registryToken !== undefined) return secrets;
	if (!ask && !(await canAsk(args, io))) return secrets;
	const {server, username} = config.registry;
	const token = await (ask ?? terminalAsk(io)).password({
		message: `The token for ${username} at ${server} (hidden; not stored; or set ${secretEnv.registryToken})`,
		mask: false,
		validate: (value) => (value.trim() === '' ? 'type the token (for GHCR: a personal access token with read:packages)' : true),
	});
	return {...secrets, registryToken: token.trim()};
}
