import type {Config} from '../config/schema.js';
import {watchedAddress} from '../dns/dns-plan.js';
import type {StepContext} from '../engine/step.js';
import type {Target} from '../remote/target.js';

/** The ACME CA a Caddyfile names: what Caddy asks for certificates, and how it trusts the CA's own HTTPS. */
export interface CaddyAcme {
	directory: string;
	email?: string;
	/** acme.caRoot travels with the stack and Caddy trusts it for the CA's endpoint. */
	caRoot: boolean;
}

/** What the Caddyfile serves besides the server's address. */
export interface CaddySites {
	/** Served over HTTPS (each gets a certificate): the domain, once its DNS is confirmed. */
	domains: string[];
	/** Aliases whose DNS is confirmed: each gets a certificate and redirects to the domain. */
	redirects: string[];
	acme: CaddyAcme;
}

/** What the DNS step recorded, as far as the Caddyfile cares. */
export interface ConfirmedDns {
	status: string;
	address: string;
	names: string[];
}

/** The CA hoist.yml asks for now. */
export function configAcme(config: Config): CaddyAcme {
	return {directory: config.acme.directory, caRoot: config.acme.caRoot !== undefined, ...(config.acme.email ? {email: config.acme.email} : {})};
}

/**
 * The sites of the Caddyfile from what DNS confirmed for this address: the domain and the aliases of hoist.yml that the
 * DNS step found right, none before that. So a `hoist up` never drops a domain block once DNS was confirmed, and never
 * adds one (an ACME order, and with a wrong record a failed validation) before. The CA is the one the certificate step
 * last applied (`applied`): switching CA is that step's work, so no other step rewrites the Caddyfile for it.
 */
export function confirmedSites(config: Config, address: string, dns: ConfirmedDns | undefined, applied?: CaddyAcme): CaddySites {
	const confirmed = dns?.status === 'ready' && dns.address === address ? new Set(dns.names) : new Set<string>();
	const domains = confirmed.has(config.domain) ? [config.domain] : [];
	const redirects = domains.length === 0 ? [] : config.aliases.filter((alias) => confirmed.has(alias));
	return {domains, redirects, acme: domains.length > 0 && applied ? applied : configAcme(config)};
}

/**
 * The sites of the Caddyfile: the names whose DNS the journal records as confirmed for this address, with the CA the
 * certificate step last applied. Every step that writes the Caddyfile asks here, so none drops a site another added.
 */
export function recordedSites(ctx: Pick<StepContext<'upload'>, 'config' | 'recorded'>, target: Target): CaddySites {
	const certificate = ctx.recorded('certificate');
	return confirmedSites(ctx.config, watchedAddress(ctx.config, target), ctx.recorded('dns'), certificate?.status === 'issued' ? certificate.acme : undefined);
}
