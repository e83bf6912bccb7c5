import type {Finding} from './locate.js';
import type {ComposeModel, ServiceModel} from './model.js';
import {exposeRange, inRange, portMapping, portsOf} from './ports.js';
import type {ServiceSummary} from './project.js';

/** What hoist's own deploy needs from the file, beyond what the Compose schema says. */
export interface WebTarget {
	service: string;
	port: number;
	/** How messages name the hoist.yml settings, e.g. "compose.service in hoist.yml". */
	serviceSetting: string;
	portSetting: string;
}

export interface RuleFindings {
	problems: Finding[];
	warnings: Finding[];
}

/** Host ports hoist's Caddy publishes: HTTP, HTTPS and HTTP/3. */
const caddyPorts = [
	{port: 80, protocol: 'tcp'},
	{port: 443, protocol: 'tcp'},
	{port: 443, protocol: 'udp'},
] as const;

/** The rules, with every service hoist.yml routes to (`webs`, one entry per service and port). */
export function checkRules(model: ComposeModel, summaries: Record<string, ServiceSummary>, webs: readonly WebTarget[]): RuleFindings {
	const findings: RuleFindings = {problems: [], warnings: []};
	if (model.include !== undefined) {
		findings.problems.push({
			path: ['include'],
			atKey: true,
			message: 'hoist does not read included files yet, so it could neither check them nor copy them to the server; move their services into this file',
		});
	}
	for (const [name, service] of Object.entries(model.services ?? {})) {
		checkImage(name, service, findings);
		const web = webs.find((candidate) => candidate.service === name);
		checkNetworkMode(name, service, web, findings);
		checkCaddyPorts(name, service, web, findings);
		if (service.extends !== undefined) {
			findings.problems.push({
				path: ['services', name, 'extends'],
				atKey: true,
				message: `hoist does not follow extends: yet, so it cannot check ${name} as Compose will run it; copy the settings ${name} extends into it`,
			});
		}
	}
	for (const web of webs) checkWeb(model, summaries, web, findings);
	return findings;
}

/** Docker's reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest], lowercase path. */
const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainPart = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainPart}(?:\\.${domainPart})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const referencePattern = new RegExp(
	`^(?:${domain}/)?${component}(?:/${component})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

function checkImage(name: string, service: ServiceModel, findings: RuleFindings): void {
	const image = service.image;
	if (image === undefined) {
		if (service.build === undefined) {
			findings.problems.push({path: ['services', name], atKey: true, message: `${name} has no image:; add the image it runs, e.g. image: ghcr.io/you/${name}:1`});
			return;
		}
		const context = typeof service.build === 'string' ? service.build : (service.build.context ?? '.');
		const tag = `ghcr.io/you/${name.toLowerCase()}:1`;
		findings.problems.push({
			path: ['services', name, 'build'],
			atKey: true,
			message:
				`${name} has build: but no image:, and hoist does not build images on the server. ` +
				`Build and push it from your machine, e.g. docker build -t ${tag} ${context} && docker push ${tag}, then add image: ${tag}`,
		});
		return;
	}
	if (!referencePattern.test(image)) {
		findings.problems.push({path: ['services', name, 'image'], message: `"${image}" is not an image reference: ${whyNotReference(image)}`});
		return;
	}
	if (service.build !== undefined) {
		findings.warnings.push({path: ['services', name, 'build'], atKey: true, message: `hoist pulls ${image} for ${name} and ignores build:; push that image before you deploy`});
	}
}

function whyNotReference(image: string): string {
	if (image === '') return 'it is empty';
	if (image.endsWith(':')) return 'the tag is empty';
	const name = image.replace(/@.*$/, '').replace(/:[\w.-]+$/, '');
	const [first = '', ...rest] = name.split('/');
	// The first part is a registry when it has a dot, a port or is localhost; registries may have capitals.
	const path = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost') ? rest.join('/') : name;
	if (/[A-Z]/.test(path)) return 'repository names are lowercase';
	return 'it does not follow [registry/]name[:tag]';
}

function checkNetworkMode(name: string, service: ServiceModel, web: WebTarget | undefined, findings: RuleFindings): void {
	const mode = service.network_mode;
	if (mode === undefined) return;
	const path = ['services', name, 'network_mode'];
	if (mode === 'host') {
		findings.problems.push({
			path,
			message: `${name} uses network_mode: host, so it shares the server's network with hoist's Caddy: it could take ports 80 and 443, and Caddy cannot reach it by name; remove network_mode`,
		});
	} else if (mode.startsWith('service:') || mode.startsWith('container:')) {
		findings.problems.push({
			path,
			message: `${name} borrows the network of ${mode}; hoist's Caddy joins the stack's networks and reaches services by name, which a borrowed network breaks; remove network_mode and let ${name} join the stack's network`,
		});
	} else if (web !== undefined) {
		findings.problems.push({path, message: `${name} uses network_mode: ${mode}, so hoist's Caddy cannot reach it on the stack's network; remove network_mode`});
	}
}

function checkCaddyPorts(name: string, service: ServiceModel, web: WebTarget | undefined, findings: RuleFindings): void {
	(service.ports ?? []).forEach((entry, index) => {
		const mapping = portMapping(entry);
		const host = mapping?.host;
		if (!mapping || !host) return;
		const taken = caddyPorts.find(({port, protocol}) => protocol === mapping.protocol && inRange(port, host));
		if (!taken) return;
		const fix =
			web !== undefined
				? `remove this mapping: Caddy reaches ${name}:${web.port} inside the stack`
				: `remove this mapping, or publish another host port, e.g. "${8000 + (mapping.container[0] % 1000)}:${mapping.container[0]}"`;
		findings.problems.push({
			path: ['services', name, 'ports', index],
			message: `${name} publishes host port ${taken.port}${mapping.protocol === 'udp' ? '/udp' : ''}, which hoist's Caddy takes (it answers your domain on 80 and 443); ${fix}`,
		});
	});
}

function checkWeb(model: ComposeModel, summaries: Record<string, ServiceSummary>, web: WebTarget, findings: RuleFindings): void {
	const names = Object.keys(summaries);
	const service = model.services?.[web.service];
	if (!service) {
		const message =
			names.length === 0
				? `there are no services; hoist needs the service "${web.service}" (${web.serviceSetting})`
				: `there is no service "${web.service}" (${web.serviceSetting}); the services are ${names.join(', ')}`;
		findings.problems.push({path: ['services'], atKey: true, message});
		return;
	}
	for (const [other, summary] of Object.entries(summaries)) {
		if (summary.dependsOn[web.service] !== 'service_completed_successfully') continue;
		findings.problems.push({
			path: ['services', other, 'depends_on', web.service, 'condition'],
			message:
				`${other} waits for ${web.service} to finish, which makes ${web.service} a one-shot job, but ${web.service} is the service ` +
				`that answers your domain (${web.serviceSetting}) and must keep running; use condition: service_started or service_healthy`,
		});
	}
	checkWebPort(web, service, findings);
}

function checkWebPort(web: WebTarget, service: ServiceModel, findings: RuleFindings): void {
	const expose = (service.expose ?? []).map(exposeRange).filter((entry) => typeof entry !== 'string');
	const ports = (service.ports ?? []).map(portMapping).filter((entry) => entry !== undefined);
	if (expose.length === 0 && ports.length === 0) {
		findings.warnings.push({
			path: ['services', web.service],
			atKey: true,
			message: `cannot tell whether ${web.service} listens on ${web.port} (${web.portSetting}): it has no expose: or ports:; add expose: ["${web.port}"] to say so`,
		});
		return;
	}
	const tcp = [
		...expose.filter((entry) => entry.protocol === 'tcp').map((entry) => entry.range),
		...ports.filter((mapping) => mapping.protocol === 'tcp').map((mapping) => mapping.container),
	];
	if (tcp.some((range) => inRange(web.port, range))) return;
	const candidates = [...new Set(tcp.flatMap((range) => portsOf(range).slice(0, 3)))].slice(0, 5);
	const said = candidates.length > 0 ? `its expose: and ports: name ${candidates.join(', ')}` : 'its expose: and ports: name no TCP port';
	const setPort = candidates.length === 1 ? `, or set ${web.portSetting} to ${candidates[0]}` : '';
	findings.problems.push({
		path: ['services', web.service, service.expose?.length ? 'expose' : 'ports'],
		message: `${web.service} should listen on ${web.port} (${web.portSetting}), but ${said}; add "${web.port}" to expose:${setPort}`,
	});
}
