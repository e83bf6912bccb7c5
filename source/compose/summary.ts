import {dependencies, type ComposeModel, type Condition, type ServiceModel} from './model.js';
import {exposeRange, portMapping, portsOf} from './ports.js';
import type {ServiceSummary} from './project.js';

/** The per-service facts the deploy needs, from a valid model. */
export function summarize(model: ComposeModel): Record<string, ServiceSummary> {
	const services = model.services ?? {};
	const dependsOn = Object.fromEntries(Object.entries(services).map(([name, service]) => [name, dependencies(service)]));
	// Who waits for whom, gathered in one pass: asking every service about every other grows with the square of their number.
	const awaitedWith = new Map<string, Set<Condition>>();
	for (const [other, deps] of Object.entries(dependsOn)) {
		for (const [name, condition] of Object.entries(deps)) {
			if (name === other) continue;
			const conditions = awaitedWith.get(name) ?? new Set<Condition>();
			conditions.add(condition);
			awaitedWith.set(name, conditions);
		}
	}
	const awaited = (name: string, condition: Condition) => awaitedWith.get(name)?.has(condition) ?? false;
	return Object.fromEntries(
		Object.entries(services).map(([name, service]): [string, ServiceSummary] => {
			const summary: ServiceSummary = {
				name,
				image: service.image ?? '',
				oneShot: awaited(name, 'service_completed_successfully'),
				healthcheck: hasHealthcheck(service),
				healthGate: awaited(name, 'service_healthy'),
				dependsOn: dependsOn[name] ?? {},
				publishedPorts: publishedPorts(service),
				exposedPorts: exposedPorts(service),
				networks: networks(service),
				hasLogging: service.logging !== undefined && service.logging !== null,
			};
			if (service.network_mode !== undefined) summary.networkMode = service.network_mode;
			if (service.restart !== undefined) summary.restart = service.restart;
			return [name, summary];
		}),
	);
}

/** A healthcheck in the file that is not switched off (`disable: true` or `test: ["NONE"]`). The image's own HEALTHCHECK is not visible here. */
function hasHealthcheck(service: ServiceModel): boolean {
	const check = service.healthcheck;
	if (!check || check.disable === true) return false;
	const test = Array.isArray(check.test) ? check.test[0] : check.test;
	return test !== 'NONE';
}

function publishedPorts(service: ServiceModel): ServiceSummary['publishedPorts'] {
	const result: ServiceSummary['publishedPorts'] = [];
	for (const entry of service.ports ?? []) {
		const mapping = portMapping(entry);
		if (!mapping) continue;
		portsOf(mapping.container).forEach((container, offset) => {
			const port: ServiceSummary['publishedPorts'][number] = {container, protocol: mapping.protocol};
			// A host range as wide as the container range maps pairwise; one host port maps to one container port.
			const host = mapping.host;
			if (host && (host[0] === host[1] ? offset === 0 : host[1] - host[0] === mapping.container[1] - mapping.container[0])) {
				port.host = host[0] + offset;
			}
			if (mapping.hostIp !== undefined) port.hostIp = mapping.hostIp;
			result.push(port);
		});
	}
	return result;
}

function exposedPorts(service: ServiceModel): number[] {
	return (service.expose ?? []).flatMap((entry) => {
		const parsed = exposeRange(entry);
		return typeof parsed === 'string' ? [] : portsOf(parsed.range);
	});
}

function networks(service: ServiceModel): string[] {
	if (service.network_mode !== undefined) return [];
	const declared = service.networks;
	if (declared === undefined) return ['default'];
	return Array.isArray(declared) ? [...declared] : Object.keys(declared);
}
