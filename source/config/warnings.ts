import {checkedAlpineRelease, latestAlpineRelease} from '../aws/alpine-release.js';
import {weakSecret} from '../engine/redactor.js';
import type {Config} from './schema.js';
import type {Secrets} from './secrets.js';

export interface Warning {
	message: string;
	/** A question to confirm on a terminal before anything is created (a script's --yes, or no terminal, accepts it). */
	confirm?: string;
}

/**
 * Settings that are valid but risky: hoist goes on (the setting is the user's decision), but says so in words
 * before the run, and on a terminal asks first.
 */
export function configWarnings(config: Config): Warning[] {
	const warnings: Warning[] = [];
	const cidr = config.aws?.sshCidr;
	if (cidr !== undefined && /\/0$/.test(cidr)) {
		warnings.push({
			message: `aws.sshCidr is ${cidr}: SSH (port 22) on the server is open to the whole internet. Only your key logs in, but every scanner can knock; your own address with /32 closes that door.`,
			confirm: 'Open SSH to the whole internet?',
		});
	}
	if (config.aws?.alpineRelease === latestAlpineRelease) {
		warnings.push({
			message: `aws.alpineRelease is latest: hoist installs the newest published Alpine line, which its bootstrap may not have been checked against (the checked line is ${checkedAlpineRelease}). A newer Podman, compose or netavark can change what bootstrap relies on; leave alpineRelease out for ${checkedAlpineRelease}.`,
		});
	}
	return warnings;
}

/** A registry token too short or too plain to mask reliably: hoist still works with it, and says why to change it. */
export function secretWarnings(secrets: Secrets): Warning[] {
	return Object.entries(secrets.registryTokens)
		.filter(([, token]) => weakSecret(token))
		.map(([variable, token]) => {
			const masked = token.trim().length < 4 ? 'cannot be masked in output at all' : 'is masked in text from the server and AWS, where it could also be an ordinary word';
			return {message: `${variable} is short or a plain word (${token.trim().length} characters): it ${masked}. Use the access token your registry generates for you.`};
		});
}
