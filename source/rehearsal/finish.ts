/** What the finish of a rehearsal says: it was a rehearsal, and the command that reaches each route over HTTPS. */
import {routeUrls} from '../config/routes.js';
import type {Rehearsal} from './derive.js';

/** One curl line per route (names resolved to the practice server, the rehearsal root trusted), each naming its service when there are several. */
export function rehearsalFinish(rehearsal: Pick<Rehearsal, 'config' | 'standIns'>, relativeRoot: string): string[] {
	const {address} = rehearsal.standIns;
	const routes = routeUrls(rehearsal.config.routes, {https: true});
	const lines = routes.map(({url}) => `  curl --cacert ${relativeRoot} --resolve ${new URL(url).hostname}:443:${address} ${url}`);
	const width = Math.max(...lines.map((line) => line.length));
	const curls = routes.length === 1 ? lines : lines.map((line, index) => `${line.padEnd(width)}  # ${routes[index]!.service}`);
	const [first] = routes;
	return [
		routes.length === 1
			? `Rehearsal done: ${first!.url} answers on the practice server ${address}, with a certificate from the rehearsal CA.`
			: `Rehearsal done: each of the ${routes.length} routes answers over HTTPS on the practice server ${address}, with certificates from the rehearsal CA.`,
		'From this machine:',
		...curls,
		'Nothing public points at it: the rehearsal zone and CA exist only on the practice server.',
		'Next: `hoist rehearse --end` removes the rehearsal; `hoist up` runs the real flow with the same hoist.yml.',
	];
}
