import {loginsWithoutToken} from '../../config/registries.js';
import type {Config} from '../../config/schema.js';
import type {Secrets} from '../../config/secrets.js';
import type {CommandLine} from '../../cli/command.js';
import {canAsk} from '../../cli/confirm.js';
import type {CommandIo} from '../../cli/io.js';
import {terminalAsk, type Ask} from '../../cli/terminal.js';

/**
 * hoist.yml names a registry (or several) whose token variable is not set: on a terminal, ask for each token with
 * hidden input, before the screen starts. The answers live in memory for this run only (never written, never echoed).
 * Without a terminal nothing is asked and the registry-login step says how to give them.
 */
export async function askRegistryToken(config: Config, secrets: Secrets, args: CommandLine, io: CommandIo, ask?: Ask): Promise<Secrets> {
	const missing = loginsWithoutToken(config.registry, secrets);
	if (missing.length === 0) return secrets;
	if (!ask && !(await canAsk(args, io))) return secrets;
	const registryTokens = {...secrets.registryTokens};
	for (const {server, username, tokenVariable} of missing) {
		const token = await (ask ?? terminalAsk(io)).password({
			message: `The token for ${username} at ${server} (hidden; not stored; or set ${tokenVariable})`,
			mask: false,
			validate: (value) => (value.trim() === '' ? 'type the token (for GHCR: a personal access token with read:packages)' : true),
		});
		registryTokens[tokenVariable] = token.trim();
	}
	return {...secrets, registryTokens};
}
