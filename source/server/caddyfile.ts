import {isIPv6} from 'node:net';
import {fillTemplate, readTemplate} from './templates.js';

/** Where Caddy finds the CA root of a private ACME server's HTTPS endpoint inside its container. */
export const acmeCaRootInContainer = '/etc/caddy/acme-ca-root.pem';

export interface CaddyInputs {
	stack: string;
	/** The server's public address: served over plain HTTP from the first deploy on. */
	address: string;
	/** The web service as Caddy reaches it on the compose network, e.g. "web:8080". */
	upstream: string;
	acme: {email?: string; directory: string; caRoot: boolean};
	/**
	 * Names whose DNS is confirmed: only these get a site block, and with it an ACME order. Never a name whose DNS
	 * is not right yet: each failed validation spends Let's Encrypt's budget of 5 per hour.
	 */
	domains: string[];
	/** Names that redirect to the first domain (www.example.com → example.com). */
	redirects?: string[];
}

/**
 * The whole Caddyfile, from hoist.yml and what the journal records. Every command that touches Caddy renders it
 * here, so no run can drop a block another step added.
 */
export function renderCaddyfile(inputs: CaddyInputs): string {
	const global = [
		...(inputs.acme.email ? [`email ${inputs.acme.email}`] : []),
		`acme_ca ${inputs.acme.directory}`,
		...(inputs.acme.caRoot ? [`acme_ca_root ${acmeCaRootInContainer}`] : []),
	];
	const [primary] = inputs.domains;
	// A request that finds the upstream down (a container being replaced) is retried for a few seconds, not failed.
	const proxy = `\treverse_proxy ${inputs.upstream} {\n\t\tlb_try_duration 5s\n\t}\n`;
	const sites = [
		...inputs.domains.map((domain) => `\n${domain} {\n${proxy}}\n`),
		...(primary === undefined ? [] : (inputs.redirects ?? []).map((alias) => `\n${alias} {\n\tredir https://${primary}{uri} permanent\n}\n`)),
	];
	return fillTemplate(readTemplate('caddy/Caddyfile'), {
		STACK: inputs.stack,
		GLOBAL_OPTIONS: global.map((line) => `\t${line}\n`).join(''),
		ADDRESS: isIPv6(inputs.address) ? `[${inputs.address}]` : inputs.address,
		PROXY: proxy,
		SITES: sites.join(''),
	});
}
