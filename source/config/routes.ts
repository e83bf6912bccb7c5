import type {z} from 'zod';

/**
 * One web-facing service of the stack: the names (and optionally the path under them) Caddy sends to it. Every part
 * of hoist reads routes in this shape; hoist.yml's one-route shorthand (domain, aliases, compose.service/port) is
 * translated into it by `shorthandRoute`, and nowhere else.
 */
export interface Route {
	service: string;
	port: number;
	/** The first is canonical; the others redirect to it. */
	domains: string[];
	/** A path prefix like "/api" (no trailing slash); undefined: the whole site. */
	path?: string;
	/** The service sees the path without the prefix. */
	stripPrefix: boolean;
	/** What the swap asks the new container itself (the path it sees), 2xx or 3xx. */
	healthPath: string;
}

/** hoist.yml written before routes: one service behind the domain, its aliases redirecting to it. */
export function shorthandRoute(shorthand: {domain: string; aliases: string[]; service: string; port: number; healthPath: string}): Route {
	return {service: shorthand.service, port: shorthand.port, domains: [shorthand.domain, ...shorthand.aliases], stripPrefix: false, healthPath: shorthand.healthPath};
}

/** The domain where one is needed (the finish line, `hoist dns` without arguments): the first route's first name. */
export function primaryDomain(routes: readonly Route[]): string {
	return routes[0]!.domains[0]!;
}

/** Every name of every route, each once, in the order hoist.yml lists them: what DNS watches and certificates cover. */
export function routeNames(routes: readonly Route[]): string[] {
	return [...new Set(routes.flatMap((route) => route.domains))];
}

/** The names that only redirect (a route's second and later domains), each to its route's first. */
export function redirectTargets(routes: readonly Route[]): Map<string, string> {
	return new Map(routes.flatMap((route) => route.domains.slice(1).map((name): [string, string] => [name, route.domains[0]!])));
}

/** The services that answer HTTP, each once, in route order. */
export function routedServices(routes: readonly Route[]): string[] {
	return [...new Set(routes.map((route) => route.service))];
}

/** Where each route answers, with its service: https://name/path/ with certificates, the server's address before. */
export function routeUrls(routes: readonly Route[], over: {https: true} | {https: false; address: string}): Array<{url: string; service: string}> {
	const shown = over.https ? routes : routes.filter((route) => route.domains[0] === primaryDomain(routes));
	const origin = (route: Route) => (over.https ? `https://${route.domains[0]}` : `http://${over.address.includes(':') ? `[${over.address}]` : over.address}`);
	return shown.map((route) => ({url: `${origin(route)}${route.path ?? ''}/`, service: route.service}));
}

/** What answering HTTPS means for one name: each route it serves answers from its service, or it redirects. */
export type HttpsCheck = {name: string; path: string; service: string} | {name: string; path: '/'; redirectTo: string};

/** The HTTPS checks for these names: one per route a name serves (at the route's path), one per redirecting name. */
export function httpsChecks(routes: readonly Route[], names: readonly string[]): HttpsCheck[] {
	const redirects = redirectTargets(routes);
	return names.flatMap((name): HttpsCheck[] => {
		const to = redirects.get(name);
		if (to !== undefined) return [{name, path: '/', redirectTo: to}];
		return routes.filter((route) => route.domains[0] === name).map((route) => ({name, path: `${route.path ?? ''}/`, service: route.service}));
	});
}

type Issue = {path: Array<string | number>; message: string};

/**
 * The rules between routes, as issues at the entry that breaks them: a name served twice at the same path, a name
 * that redirects in one route and appears in another, a name listed twice in one route.
 */
export function routeProblems(routes: ReadonlyArray<Pick<Route, 'domains' | 'path'>>): Issue[] {
	const problems: Issue[] = [];
	const served = new Map<string, number>();
	routes.forEach((route, index) => {
		const inRoute = new Set<string>();
		route.domains.forEach((name, position) => {
			const at = ['routes', index, 'domains', position];
			if (inRoute.has(name)) {
				problems.push({path: at, message: `${name} is listed twice in this route`});
				return;
			}
			inRoute.add(name);
			if (position > 0) {
				const elsewhere = routes.findIndex((other, otherIndex) => otherIndex !== index && other.domains.includes(name));
				if (elsewhere !== -1) {
					problems.push({
						path: at,
						message: `${name} redirects to ${route.domains[0]} here, so route ${elsewhere + 1} cannot name it too: a name either redirects or is served (list it first in its own route to serve it)`,
					});
				}
				return;
			}
			const key = `${name} ${route.path ?? '/'}`;
			const earlier = served.get(key);
			if (earlier !== undefined) {
				problems.push({
					path: route.path === undefined ? at : ['routes', index, 'path'],
					message: `route ${earlier + 1} already serves ${name}${route.path ?? ''}: each name and path belongs to one route (give this one another path or domain)`,
				});
			}
			served.set(key, index);
		});
	});
	return problems;
}

/** Adds routeProblems to a zod refinement context. */
export function addRouteProblems(routes: ReadonlyArray<Pick<Route, 'domains' | 'path'>>, ctx: z.core.$RefinementCtx): void {
	for (const problem of routeProblems(routes)) ctx.addIssue({code: 'custom', path: problem.path, message: problem.message});
}
