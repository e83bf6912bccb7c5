import type {Finding} from './locate.js';
import type {ComposeModel} from './model.js';
import {parseMount} from './mounts.js';
import {didYouMean} from '../text/did-you-mean.js';

/**
 * Names a service uses must be declared: another service in depends_on, a top-level network, a top-level
 * volume. Compose refuses the file otherwise, but only on the server, after the instance exists.
 */
export function checkReferences(model: ComposeModel): Finding[] {
	const problems: Finding[] = [];
	const services = Object.keys(model.services ?? {});
	const networks = ['default', ...Object.keys(model.networks ?? {})];
	const volumes = Object.keys(model.volumes ?? {});
	for (const [name, service] of Object.entries(model.services ?? {})) {
		const dependsOn = service.depends_on ?? [];
		const dependencyEntries: Array<[string, string | number]> = Array.isArray(dependsOn)
			? dependsOn.map((dependency, index) => [dependency, index])
			: Object.keys(dependsOn).map((dependency) => [dependency, dependency]);
		for (const [dependency, segment] of dependencyEntries) {
			if (services.includes(dependency) && dependency !== name) continue;
			const message =
				dependency === name
					? `${name} depends on itself; remove this entry`
					: `${name} depends on "${dependency}", which is not a service in this file${didYouMean(dependency, services)}`;
			problems.push({path: ['services', name, 'depends_on', segment], atKey: typeof segment === 'string', message});
		}
		const serviceNetworks = service.networks ?? [];
		const networkEntries: Array<[string, string | number]> = Array.isArray(serviceNetworks)
			? serviceNetworks.map((network, index) => [network, index])
			: Object.keys(serviceNetworks).map((network) => [network, network]);
		for (const [network, segment] of networkEntries) {
			if (networks.includes(network)) continue;
			problems.push({
				path: ['services', name, 'networks', segment],
				atKey: typeof segment === 'string',
				message: `"${network}" is not declared under the top-level networks:${didYouMean(network, networks)}; declare it there or fix the name`,
			});
		}
		(service.volumes ?? []).forEach((entry, index) => {
			const mount = parseMount(entry);
			if (mount.kind !== 'volume' || volumes.includes(mount.source)) return;
			problems.push({
				path: ['services', name, 'volumes', index],
				message: `"${mount.source}" is not declared under the top-level volumes:${didYouMean(mount.source, volumes)}; declare it there, or write ./${mount.source} for a folder beside the compose file`,
			});
		});
	}
	return problems;
}
