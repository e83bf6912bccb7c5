import {redirectTargets, routeNames, type Route} from '../config/routes.js';
import type {Config} from '../config/schema.js';
import {watchedAddress} from '../dns/dns-plan.js';
import type {StepContext} from '../engine/step.js';
import type {Target} from '../remote/target.js';
import {routeUpstream, type CaddyInputs, type CaddyRoute} from './caddyfile.js';

/** The ACME CA a Caddyfile names: what Caddy asks for certificates, and how it trusts the CA's own HTTPS. */
export interface CaddyAcme {
	directory: string;
	email?: string;
	/** acme.caRoot travels with the stack and Caddy trusts it for the CA's endpoint. */
	caRoot: boolean;
}

/** What the Caddyfile serves besides the server's address. */
export interface CaddySites {
	/**
	 * The names of hoist.yml's routes served over HTTPS (each gets a certificate), once their DNS is confirmed: those a
	 * route serves, and those that redirect once the name they redirect to is confirmed too.
	 */
	names: string[];
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
	return sitesOf(config, confirmed, applied);
}

/** The sites for these confirmed names: a redirect only with the name it redirects to; names no route has are dropped. */
export function sitesOf(config: Config, confirmed: ReadonlySet<string>, applied?: CaddyAcme): CaddySites {
	const redirects = redirectTargets(config.routes);
	const names = routeNames(config.routes).filter((name) => confirmed.has(name) && (!redirects.has(name) || confirmed.has(redirects.get(name)!)));
	return {names, acme: names.length > 0 && applied ? applied : configAcme(config)};
}

/**
 * The routes as the Caddyfile serves them: a site per confirmed name with the routes it is first in, a redirect per
 * confirmed second name, and the domain's routes on the server's address. Each route reaches its service through the
 * service's upstream file (routeUpstream), which a release points at one container without touching this file.
 */
export function caddySites(routes: readonly Route[], sites: CaddySites): Pick<CaddyInputs, 'addressRoutes' | 'sites' | 'redirects'> {
	const caddyRoute = (route: Route): CaddyRoute => ({
		upstream: routeUpstream(route.service, route.port),
		stripPrefix: route.stripPrefix,
		...(route.path === undefined ? {} : {path: route.path}),
	});
	const routesOf = (name: string) => routes.filter((route) => route.domains[0] === name).map(caddyRoute);
	const redirects = redirectTargets(routes);
	return {
		addressRoutes: routesOf(routes[0]!.domains[0]!),
		sites: sites.names.filter((name) => !redirects.has(name)).map((name) => ({name, routes: routesOf(name)})),
		redirects: sites.names.filter((name) => redirects.has(name)).map((name) => ({name, to: redirects.get(name)!})),
	};
}

/**
 * The sites of the Caddyfile: the names whose DNS the journal records as confirmed for this address, with the CA the
 * certificate step last applied. Every step that writes the Caddyfile asks here, so none drops a site another added.
 */
export function recordedSites(ctx: Pick<StepContext<'upload'>, 'config' | 'recorded'>, target: Target): CaddySites {
	const certificate = ctx.recorded('certificate');
	return confirmedSites(ctx.config, watchedAddress(ctx.config, target), ctx.recorded('dns'), certificate?.status === 'issued' ? certificate.acme : undefined);
}
