import {secretEnv} from '../config/secrets.js';
import type {Finding} from './locate.js';
import type {ComposeModel} from './model.js';

export interface KnownSecret {
	/** The variable that holds it, e.g. HOIST_REGISTRY_TOKEN. */
	variable: string;
	value: string;
}

/** hoist's own secrets as the environment holds them; shorter than 4 characters they cannot be masked (see Redactor). */
export function hoistSecrets(env: Readonly<Record<string, string | undefined>>): KnownSecret[] {
	return Object.values(secretEnv).flatMap((variable) => {
		const value = env[variable]?.trim();
		return value !== undefined && value.length >= 4 ? [{variable, value}] : [];
	});
}

/**
 * Image names are shown on every screen and recorded in the journal, so a secret in one would leak (the journal refuses
 * it, too late). Refused when the file names a secret's variable in `image:`, or the name comes out holding its value.
 */
export function secretsInImages(raw: unknown, model: ComposeModel, secrets: readonly KnownSecret[]): Finding[] {
	const rawServices = (raw as {services?: Record<string, {image?: unknown} | null>} | null)?.services ?? {};
	const findings: Finding[] = [];
	for (const [name, service] of Object.entries(model.services ?? {})) {
		const written = rawServices[name]?.image;
		const named = Object.values(secretEnv).find((variable) => typeof written === 'string' && new RegExp(`\\$\\{?${variable}\\b`).test(written));
		const variable = named ?? secrets.find(({value}) => (service.image ?? '').includes(value))?.variable;
		if (variable === undefined) continue;
		findings.push({
			path: ['services', name, 'image'],
			message: `the image name holds ${variable}, a secret: hoist shows and records image names, so it would leak; write the image name out (hoist logs in to the registry with the registry: section of hoist.yml and ${variable})`,
		});
	}
	return findings;
}

/** The text with every known secret's value replaced by ***. */
export function maskSecrets(text: string, secrets: readonly KnownSecret[]): string {
	return secrets.reduce((masked, {value}) => masked.split(value).join('***'), text);
}
