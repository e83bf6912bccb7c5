import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {parse} from 'yaml';
import {packageRoot} from '../files/package-root.js';
import {fillTemplate} from '../server/templates.js';
import type {SetupAnswers} from './answers.js';
import {instanceOffers} from './aws-catalog.js';

/** The commented hoist.yml for the answers, from templates/setup/hoist.yml. `today` is YYYY-MM-DD. */
export function renderConfig(answers: SetupAnswers, today: string, template = readSetupTemplate()): string {
	const aws = answers.target.kind === 'aws' ? answers.target : undefined;
	const server = answers.target.kind === 'server' ? answers.target : undefined;
	const sections: Record<string, boolean> = {
		aws: aws !== undefined,
		profile: aws?.profile !== undefined,
		elasticIp: aws?.elasticIp !== undefined,
		newElasticIp: aws !== undefined && aws.elasticIp === undefined,
		server: server !== undefined,
		oneRoute: answers.moreRoutes === undefined,
		routes: answers.moreRoutes !== undefined,
		email: answers.email !== undefined,
		registry: answers.registry !== undefined,
	};
	const values: Record<string, string> = {
		DATE: today,
		STACK: scalar(answers.stack),
		COMPOSE_FILE: scalar(answers.composeFile),
		...(answers.moreRoutes === undefined
			? {DOMAIN: scalar(answers.domain), SERVICE: scalar(answers.service), PORT: String(answers.port)}
			: {ROUTES: routeLines(answers)}),
		STAGING: String(answers.staging),
		...(answers.email === undefined ? {} : {EMAIL: scalar(answers.email)}),
		...(aws === undefined
			? {}
			: {
					REGION: scalar(aws.region),
					INSTANCE_TYPE: scalar(aws.instanceType),
					INSTANCE_NOTE: instanceNote(aws.instanceType),
					SSH_CIDR: scalar(aws.sshCidr),
					...(aws.profile === undefined ? {} : {PROFILE: scalar(aws.profile)}),
					...(aws.elasticIp === undefined ? {} : {ELASTIC_IP: scalar(aws.elasticIp)}),
				}),
		...(server === undefined ? {} : {HOST: scalar(server.host), USER: scalar(server.user), SERVER_PORT: String(server.port)}),
		...(answers.registry === undefined ? {} : {REGISTRY_SERVER: scalar(answers.registry.server), REGISTRY_USER: scalar(answers.registry.username)}),
	};
	return fillTemplate(keepSections(template, sections), values);
}

/** routes: as flow mappings, one a line: the first service on the domain, then the others. */
function routeLines(answers: SetupAnswers): string {
	const line = (service: string, port: number, domain: string, path?: string, stripPrefix?: boolean) =>
		`  - {service: ${scalar(service)}, port: ${port}, domains: [${scalar(domain)}]${path === undefined ? '' : `, path: ${scalar(path)}`}${stripPrefix ? ', stripPrefix: true' : ''}}`;
	return [
		line(answers.service, answers.port, answers.domain),
		...(answers.moreRoutes ?? []).map((route) => line(route.service, route.port, route.domain ?? answers.domain, route.path, route.stripPrefix)),
	].join('\n');
}

export function readSetupTemplate(): string {
	return readFileSync(join(packageRoot(), 'templates', 'setup', 'hoist.yml'), 'utf8');
}

/**
 * Keeps the lines between `{{#name}}` and `{{/name}}` when the section is on, drops them when it is off; the marker
 * lines themselves always go. A marker without a known section is a template and caller that drifted apart.
 */
export function keepSections(template: string, sections: Record<string, boolean>): string {
	const open: Array<{name: string; on: boolean}> = [];
	const kept: string[] = [];
	for (const line of template.split('\n')) {
		const marker = /^\{\{([#/])([a-zA-Z]+)\}\}$/.exec(line.trim());
		if (marker) {
			const [, kind, name = ''] = marker;
			if (!(name in sections)) throw new Error(`template section {{${kind}${name}}} has no value`);
			if (kind === '#') open.push({name, on: sections[name] === true});
			else if (open.pop()?.name !== name) throw new Error(`template section {{/${name}}} closes what it did not open`);
			continue;
		}
		if (open.every((section) => section.on)) kept.push(line);
	}
	if (open.length > 0) throw new Error(`template section {{#${open.at(-1)!.name}}} is never closed`);
	return kept.join('\n');
}

/** A string as YAML reads it back unchanged: plain when it can be, else double-quoted. */
export function scalar(value: string): string {
	let plain: unknown;
	try {
		plain = parse(value);
	} catch {
		plain = undefined;
	}
	return plain === value && !value.includes('#') && !value.includes(': ') ? value : JSON.stringify(value);
}

function instanceNote(type: string): string {
	const offer = instanceOffers.find((candidate) => candidate.type === type);
	if (!offer) return 'Any EC2 instance type; ARM types (t4g, …) get the arm64 image, so your images need an arm64 build.';
	return `${offer.vcpus} vCPUs, ${offer.memoryGiB} GiB, ${offer.architecture}${offer.note ? `, ${offer.note}` : ''}.`;
}
