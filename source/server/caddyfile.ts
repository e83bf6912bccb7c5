import {isIPv6} from 'node:net';
import {fillTemplate, readTemplate} from './templates.js';

/** Where Caddy finds the CA root of a private ACME server's HTTPS endpoint inside its container. */
export const acmeCaRootInContainer = '/etc/caddy/acme-ca-root.pem';
/** The upstream files inside Caddy's container (stackPaths().caddyUpstreams on the server, mounted with the Caddyfile). */
export const upstreamsInContainer = '/etc/caddy/upstreams';

/**
 * Where Caddy sends a service's routes: `{file.…}` is read again for every request (Caddy 2.8 and later), and the
 * file holds the service's name, or during a release one container's address. So a release moves the routes by
 * renaming a file into place, without a reload: every reload of Caddy 2.7 and later opens new listeners beside the
 * old ones and closes those (SO_REUSEPORT), and about one reload in ten to fifteen dropped a visitor's connection
 * ("socket hang up"; 2 of 3,088 requests in the soak on 2.11, reproduced outside hoist with a static site).
 */
export function routeUpstream(service: string, port: number): string {
	return `{file.${upstreamsInContainer}/${service}}:${port}`;
}

/** One route as Caddy serves it under a name. */
export interface CaddyRoute {
	/** Where Caddy dials, e.g. "{file./etc/caddy/upstreams/web}:8080" (routeUpstream): the service's name or, during a swap, a container's address. */
	upstream: string;
	/** A path prefix like "/api"; undefined: everything the other routes of the name do not take. */
	path?: string;
	stripPrefix: boolean;
}

export interface CaddyInputs {
	stack: string;
	/** The server's public address: served over plain HTTP from the first deploy on. */
	address: string;
	/** What the address serves: the routes of the domain (the first route's first name). */
	addressRoutes: CaddyRoute[];
	acme: {email?: string; directory: string; caRoot: boolean};
	/**
	 * Names whose DNS is confirmed, each with its routes: only these get a site block, and with it an ACME order. Never
	 * a name whose DNS is not right yet: each failed validation spends Let's Encrypt's budget of 5 per hour.
	 */
	sites: Array<{name: string; routes: CaddyRoute[]}>;
	/** Confirmed names that redirect to their route's first name (www.example.com → example.com). */
	redirects?: Array<{name: string; to: string}>;
}

/*
 * lb_try_duration: a request whose connection to the upstream cannot be made (nothing listens there: no byte reached
 * the app) is dialled again for up to 5 s instead of failing with a 502. It covers the moments when the service has
 * no container that listens: `hoist up` recreating it in place after a change to hoist.yml or the compose file, the
 * boot after a reboot (Caddy may start first), the app restarting after a crash. A release does not lean on it: Caddy
 * is pointed only at a container that already answered its health path, and the soak (test/e2e/soak.test.ts) prints
 * its slowest answer, where a request held here would show (each new dial waits lb_try_interval, 250 ms), and fails
 * any request slower than 5 s. A request the app did receive is resent only as Caddy's lb_retry_match rules allow.
 */
function proxy(upstream: string, indent: string): string {
	return `${indent}reverse_proxy ${upstream} {\n${indent}\tlb_try_duration 5s\n${indent}}\n`;
}

/**
 * The body of one site: a lone route is proxied as it is; otherwise each path route gets a handle of its own (the
 * longest prefix first, and the prefix matches itself and what is under it, not /apiary for /api), and the rest goes
 * to the route without a path, or is a 404 when there is none.
 */
function siteBody(routes: CaddyRoute[]): string {
	if (routes.length === 1 && routes[0]!.path === undefined) return proxy(routes[0]!.upstream, '\t');
	const byPath = routes.filter((route) => route.path !== undefined).sort((a, b) => b.path!.length - a.path!.length || a.path!.localeCompare(b.path!));
	const rest = routes.find((route) => route.path === undefined);
	const handles = byPath.map((route, index) => {
		const matcher = `@route${index + 1}`;
		const strip = route.stripPrefix ? `\t\turi strip_prefix ${route.path}\n` : '';
		return `\t${matcher} path ${route.path} ${route.path}/*\n\thandle ${matcher} {\n${strip}${proxy(route.upstream, '\t\t')}\t}\n`;
	});
	const fallback = rest ? `\thandle {\n${proxy(rest.upstream, '\t\t')}\t}\n` : '\thandle {\n\t\trespond 404\n\t}\n';
	return [...handles, fallback].join('\n');
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
	const sites = [
		...inputs.sites.map((site) => `\n${site.name} {\n${siteBody(site.routes)}}\n`),
		...(inputs.redirects ?? []).map((redirect) => `\n${redirect.name} {\n\tredir https://${redirect.to}{uri} permanent\n}\n`),
	];
	return fillTemplate(readTemplate('caddy/Caddyfile'), {
		STACK: inputs.stack,
		GLOBAL_OPTIONS: global.map((line) => `\t${line}\n`).join(''),
		ADDRESS: isIPv6(inputs.address) ? `[${inputs.address}]` : inputs.address,
		PROXY: siteBody(inputs.addressRoutes),
		SITES: sites.join(''),
	});
}
