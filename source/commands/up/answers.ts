import type {Config} from '../../config/schema.js';
import {loginsWithoutToken, singleRegistryTokenVariable} from '../../config/registries.js';
import {readSecrets} from '../../config/secrets.js';
import {UserError} from '../../errors.js';
import {printable} from '../../text/printable.js';

/**
 * The questions `hoist up` may ask a person, and what answers each without one (README, "Without a terminal"):
 * - the registry token: HOIST_REGISTRY_TOKEN, or HOIST_REGISTRY_TOKEN_<SERVER> for each registry of a list (never hoist.yml);
 * - trusting an existing server's host key: server.hostKey in hoist.yml (--yes never trusts a key);
 * - risky settings in hoist.yml (SSH open to all): the setting itself, shown as a warning; --yes skips the question.
 * With --yes or without a terminal hoist asks nothing, so a missing answer must stop the run before it starts,
 * naming every missing one at once — never a prompt that hangs a CI job, never an invented value.
 */
export interface MissingAnswer {
	/** The config field or environment variable that answers the question. */
	field: string;
	/** The setting in hoist.yml that asks for it, and where it is written: `registry.1.server at hoist.yml:12:13`. */
	asker?: string;
	message: string;
	/**
	 * Stops the run on its own. An unknown host key does not: the SSH step then shows the key the server presents,
	 * which the user needs to fill in server.hostKey (and hoist makes its own key there, to authorize on the server).
	 */
	blocking: boolean;
}

export interface AnswerFacts {
	env: NodeJS.ProcessEnv;
	/** Whether .hoist/known_hosts already pins a key for the server named in hoist.yml. */
	serverKeyPinned: boolean;
	/** Where a field is written in hoist.yml (`hoist.yml:12:13`), to name it with the answer it is missing. */
	locate?: (field: Array<string | number>) => string | undefined;
}

export function missingAnswers(config: Config, facts: AnswerFacts): MissingAnswer[] {
	const missing: MissingAnswer[] = [];
	for (const login of loginsWithoutToken(config.registry, readSecrets(facts.env))) {
		// HOIST_REGISTRY_TOKEN is the one of `registry: {server, username}`; a list's entries have their own variables.
		const path = login.tokenVariable === singleRegistryTokenVariable ? ['registry', 'server'] : ['registry', config.registry!.indexOf(login), 'server'];
		const where = facts.locate?.(path);
		missing.push({
			field: login.tokenVariable,
			asker: `${path.join('.')}${where ? ` at ${where}` : ''}`,
			message: `${where ? `${where}: ` : ''}registry section present (${login.server}, user ${login.username}) but ${login.tokenVariable} is not set`,
			blocking: true,
		});
	}
	if (config.server && config.server.hostKey === undefined && !facts.serverKeyPinned) {
		missing.push({
			field: 'server.hostKey',
			message: `server.hostKey is not set and no key of ${config.server.host} is pinned yet: hoist trusts an unknown host key only when a person says so`,
			blocking: false,
		});
	}
	return missing.map((answer) => ({...answer, message: printable(answer.message)}));
}

/** The run cannot start: every missing answer in one error (exit 2). Undefined when nothing blocks. */
export function missingAnswersError(missing: readonly MissingAnswer[], why: string): UserError | undefined {
	if (!missing.some((answer) => answer.blocking)) return undefined;
	const fields = missing.map((answer) => (answer.asker ? `${answer.field} (for ${answer.asker})` : answer.field));
	return new UserError(`${why}, and ${fields.length === 1 ? 'an answer is' : `${fields.length} answers are`} missing: ${fields.join(', ')}.`, {
		code: 'ANSWERS_MISSING',
		hint: missing.map((answer) => `- ${answer.message}.`).join('\n'),
		nextSteps: missing.map((answer) => nextStepFor(answer.field)),
	});
}

function nextStepFor(field: string): string {
	if (field.startsWith(singleRegistryTokenVariable)) return `Set ${field} in the environment (for GHCR: a personal access token with the read:packages scope); it never goes in hoist.yml.`;
	if (field === 'server.hostKey') return 'Add server.hostKey to hoist.yml: the line `ssh-keyscan -t ed25519 HOST` prints, checked on the server\'s own console; or run `hoist up` once on a terminal to be asked.';
	return `Set ${field}.`;
}
