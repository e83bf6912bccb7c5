import type {Finding, ModelPath} from './locate.js';
import type {ComposeModel, ServiceModel} from './model.js';
import {parseMount} from './mounts.js';
import {didYouMean} from '../text/did-you-mean.js';

/**
 * Names a service uses must be declared: another service in depends_on, a top-level network, volume, secret or
 * config; and depends_on must not go round in a circle. Compose refuses the file otherwise, but only on the server,
 * after the instance exists.
 */
export function checkReferences(model: ComposeModel): Finding[] {
	const problems: Finding[] = [];
	// Sets, not lists: each lookup is one step however many services the file has.
	const services = new Set(Object.keys(model.services ?? {}));
	const declared = {
		networks: new Set(['default', ...Object.keys(model.networks ?? {})]),
		volumes: new Set(Object.keys(model.volumes ?? {})),
		secrets: new Set(Object.keys(model.secrets ?? {})),
		configs: new Set(Object.keys(model.configs ?? {})),
	};
	for (const [name, service] of Object.entries(model.services ?? {})) {
		for (const {dependency, segment} of dependencyEntries(service)) {
			if (services.has(dependency) && dependency !== name) continue;
			const message =
				dependency === name
					? `${name} depends on itself; remove this entry`
					: `${name} depends on "${dependency}", which is not a service in this file${didYouMean(dependency, [...services])}`;
			problems.push({path: ['services', name, 'depends_on', segment], atKey: typeof segment === 'string', message});
		}
		const serviceNetworks = service.networks ?? [];
		const networkEntries: Array<[string, string | number]> = Array.isArray(serviceNetworks)
			? serviceNetworks.map((network, index) => [network, index])
			: Object.keys(serviceNetworks).map((network) => [network, network]);
		for (const [network, segment] of networkEntries) {
			if (declared.networks.has(network)) continue;
			problems.push({
				path: ['services', name, 'networks', segment],
				atKey: typeof segment === 'string',
				message: `"${network}" is not declared under the top-level networks:${didYouMean(network, [...declared.networks])}; declare it there or fix the name`,
			});
		}
		(service.volumes ?? []).forEach((entry, index) => {
			const mount = parseMount(entry);
			if (mount.kind !== 'volume' || declared.volumes.has(mount.source)) return;
			problems.push({
				path: ['services', name, 'volumes', index],
				message: `"${mount.source}" is not declared under the top-level volumes:${didYouMean(mount.source, [...declared.volumes])}; declare it there, or write ./${mount.source} for a folder beside the compose file`,
			});
		});
		for (const kind of ['secrets', 'configs'] as const) {
			(service[kind] ?? []).forEach((entry, index) => {
				const source = typeof entry === 'string' ? entry : entry.source;
				if (source === undefined || declared[kind].has(source)) return;
				const path: ModelPath = typeof entry === 'string' ? ['services', name, kind, index] : ['services', name, kind, index, 'source'];
				problems.push({
					path,
					message: `"${source}" is not declared under the top-level ${kind}:${didYouMean(source, [...declared[kind]])}; declare it there (e.g. ${source}: {file: ./${source}.txt}) or fix the name`,
				});
			});
		}
	}
	problems.push(...dependencyCycles(model, services));
	return problems;
}

interface DependencyEntry {
	dependency: string;
	/** Where it is written under depends_on: a list index, or the key of the long syntax. */
	segment: string | number;
}

function dependencyEntries(service: ServiceModel): DependencyEntry[] {
	const dependsOn = service.depends_on ?? [];
	return Array.isArray(dependsOn)
		? dependsOn.map((dependency, index) => ({dependency, segment: index}))
		: Object.keys(dependsOn).map((dependency) => ({dependency, segment: dependency}));
}

/** How many names of a cycle a message lists before it says how many more there are. */
const namesShown = 6;

/**
 * Services that wait for each other in a circle: Compose would start none of them. Each cycle is reported once, at
 * the depends_on entry that closes it. The walk keeps its own stack, so a chain of thousands of services cannot
 * overflow the call stack.
 */
function dependencyCycles(model: ComposeModel, services: ReadonlySet<string>): Finding[] {
	const problems: Finding[] = [];
	const edges = new Map<string, DependencyEntry[]>();
	for (const [name, service] of Object.entries(model.services ?? {})) {
		edges.set(name, dependencyEntries(service).filter(({dependency}) => services.has(dependency) && dependency !== name));
	}
	const state = new Map<string, 'open' | 'done'>();
	for (const root of edges.keys()) {
		if (state.has(root)) continue;
		const path: Array<{name: string; next: number}> = [{name: root, next: 0}];
		state.set(root, 'open');
		while (path.length > 0) {
			const top = path.at(-1)!;
			const entry = edges.get(top.name)?.[top.next++];
			if (entry === undefined) {
				state.set(top.name, 'done');
				path.pop();
				continue;
			}
			const seen = state.get(entry.dependency);
			if (seen === 'done') continue;
			if (seen === undefined) {
				state.set(entry.dependency, 'open');
				path.push({name: entry.dependency, next: 0});
				continue;
			}
			// Back to a service still on the path: the names from it to here go round.
			const circle = path.slice(path.findIndex((step) => step.name === entry.dependency)).map((step) => step.name);
			problems.push({
				path: ['services', top.name, 'depends_on', entry.segment],
				atKey: typeof entry.segment === 'string',
				message: `${describeCircle(circle)}, so Compose cannot start any of them; remove one of these dependencies`,
			});
		}
	}
	return problems;
}

function describeCircle(circle: string[]): string {
	const names = circle.length > namesShown ? [...circle.slice(0, namesShown), `…${circle.length - namesShown} more`] : circle;
	return `depends_on goes round in a circle: ${[...names, circle[0]].join(' → ')}`;
}
