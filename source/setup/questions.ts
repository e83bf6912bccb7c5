import {basename, join} from 'node:path';
import type {Ask} from '../cli/terminal.js';
import {normalDomain} from '../config/schema.js';
import type {AddressEcho} from './address-echo.js';
import type {AwsTarget, MoreRoute, ServerTarget, SetupAnswers} from './answers.js';
import {hoursPerMonth, instanceOffers, pricesOf, pricesRegion} from './aws-catalog.js';
import type {AwsProfiles} from './aws-profiles.js';
import {discoverServices, guessRegistry, guessWebService, serviceProblem, type DiscoveredService} from './compose-discovery.js';
import {dollars} from './setup-plan.js';
import {
	asCidr,
	asValidate,
	domainAnswer,
	elasticIpAnswer,
	emailAnswer,
	instanceTypeAnswer,
	portAnswer,
	regionAnswer,
	routePlaceAnswer,
	registryServerAnswer,
	registryUserAnswer,
	serverHostAnswer,
	serverUserAnswer,
	sshCidrAnswer,
	stackAnswer,
	stackFromFolder,
} from './validators.js';

/** What the setup finds out by itself before it asks; tests pass their own. */
export interface SetupFacts {
	/** The folder hoist.yml will be written in (relative paths start here). */
	dir: string;
	env: NodeJS.ProcessEnv;
	/** The compose file Compose would pick in `dir`, relative to it. */
	composeFile?: string;
	aws: AwsProfiles;
	/** A public address on one of this machine's interfaces. */
	localAddress?: string;
	/** Where to ask for this machine's public address when no interface has one (AWS's echo), after asking the person. */
	addressEcho?: AddressEcho;
	/** An ACME directory given with --merge: then there is no Let's Encrypt staging question. */
	acmeDirectory?: string;
}

/**
 * The guided setup's questions, in order, each with a default when hoist can guess one and a check that keeps the
 * question open with a message under the field until the answer is good. Nothing secret is asked here: the
 * registry token is asked (hidden) by `hoist up`, or comes from HOIST_REGISTRY_TOKEN.
 */
export async function askSetup(ask: Ask, facts: SetupFacts): Promise<SetupAnswers> {
	const {composeFile, services} = await askComposeFile(ask, facts);
	const service = await askWebService(ask, composeFile, services);
	const port = await askPort(ask, service, services);
	const domain = normalDomain((await ask.input({message: 'Which domain should it answer on? (e.g. api.example.com)', validate: asValidate(domainAnswer)})).trim());
	const moreRoutes = await askMoreRoutes(ask, composeFile, services, domain);
	const email = (await ask.input({
		message: 'Email for Let\'s Encrypt\'s notices about your certificate (optional, Enter to skip)',
		validate: asValidate(emailAnswer),
	})).trim();
	const staging = facts.acmeDirectory !== undefined ? false : await ask.select({
		message: 'Which Let\'s Encrypt CA first?',
		choices: [
			{name: 'Staging first (recommended)', value: true, description: 'generous limits while you try things; browsers warn; switch with acme.staging: false'},
			{name: 'Production', value: false, description: 'trusted certificates now; at most 5 failed validations per name per hour'},
		],
		default: true,
	});
	const stack = (await ask.input({
		message: 'A name for this stack (it names what hoist creates)',
		default: stackFromFolder(basename(facts.dir)),
		validate: asValidate(stackAnswer),
	})).trim();
	const kind = await ask.select({
		message: 'Where should it run?',
		choices: [
			{name: 'A new EC2 instance in my AWS account', value: 'aws' as const},
			{name: 'A server I already have (over SSH)', value: 'server' as const},
		],
	});
	const target = kind === 'aws' ? await askAws(ask, facts) : await askServer(ask);
	const registry = await askRegistry(ask, services);
	return {
		stack,
		composeFile,
		service,
		port,
		domain,
		...(moreRoutes.length === 0 ? {} : {moreRoutes}),
		...(email === '' ? {} : {email}),
		staging,
		...(facts.acmeDirectory === undefined ? {} : {acmeDirectory: facts.acmeDirectory}),
		target,
		...(registry ? {registry} : {}),
	};
}

async function askPort(ask: Ask, service: string, services: DiscoveredService[]): Promise<number> {
	const ports = services.find((entry) => entry.name === service)?.ports ?? [];
	return Number(await ask.input({
		message: `Which port does ${service} listen on inside the stack?${ports.length > 1 ? ` (it exposes ${ports.join(', ')})` : ''}`,
		...(ports[0] === undefined ? {} : {default: String(ports[0])}),
		validate: asValidate(portAnswer),
	}));
}

/** After the first service: others that answer HTTP (an admin, an API), each on its own domain or a path of the first. */
async function askMoreRoutes(ask: Ask, composeFile: string, services: DiscoveredService[], domain: string): Promise<MoreRoute[]> {
	const routes: MoreRoute[] = [];
	const taken = [domain];
	while (await ask.confirm({message: `Does another service answer HTTP (on its own domain, or on a path of ${domain} like /api)?`, default: false})) {
		const service = await askWebService(ask, composeFile, services);
		const port = await askPort(ask, service, services);
		const place = (await ask.input({
			message: `Where does ${service} answer? Its own domain (e.g. admin.${domain}) or a path of ${domain} (e.g. /api)`,
			validate: asValidate((text) => routePlaceAnswer(text, taken)),
		})).trim();
		if (place.startsWith('/')) {
			const stripPrefix = await ask.confirm({message: `Should ${service} see the paths without ${place} (${place}/users arrives as /users)?`, default: false});
			routes.push({service, port, path: place, ...(stripPrefix ? {stripPrefix} : {})});
		} else {
			routes.push({service, port, domain: normalDomain(place)});
		}
		taken.push(place.startsWith('/') ? place : normalDomain(place));
	}
	return routes;
}

/** The compose file's long-running services to pick from (jobs never answer HTTP), and any other name typed in. */
async function askWebService(ask: Ask, composeFile: string, services: DiscoveredService[]): Promise<string> {
	const other = '\u0000other';
	const running = services.filter((entry) => !entry.oneShot);
	const picked = running.length === 0 ? other : await ask.select({
		message: 'Which service answers HTTP?',
		choices: [
			...running.map((entry) => ({name: entry.ports.length > 0 ? `${entry.name}  (listens on ${entry.ports.join(', ')})` : entry.name, value: entry.name, short: entry.name})),
			{name: 'Another service…', value: other},
		],
		default: guessWebService(services)?.name,
	});
	if (picked !== other) return picked;
	return (await ask.input({
		message: `Which service answers HTTP? (${services.map((entry) => entry.name).join(', ')})`,
		validate: asValidate((text) => serviceProblem(text.trim(), composeFile, services)),
	})).trim();
}

async function askComposeFile(ask: Ask, facts: SetupFacts): Promise<{composeFile: string; services: DiscoveredService[]}> {
	let services: DiscoveredService[] = [];
	const composeFile = (await ask.input({
		message: 'Your compose file',
		default: facts.composeFile ?? 'docker-compose.yml',
		validate: asValidate((text) => {
			const found = discoverServices(join(facts.dir, text.trim()), facts.env);
			if (!found.ok) return found.problem.replace(join(facts.dir, text.trim()), text.trim());
			services = found.services;
			return undefined;
		}),
	})).trim();
	// The check ran on the answer last typed, so `services` belongs to this file.
	return {composeFile, services};
}

async function askAws(ask: Ask, facts: SetupFacts): Promise<AwsTarget> {
	const {profiles, current} = facts.aws;
	const named = profiles.some((profile) => profile.name === current);
	// One profile (or none: credentials from the environment) is nothing to ask about.
	const profile = profiles.length > 1
		? await ask.select({
				message: 'Which AWS profile?',
				choices: profiles.map((entry) => ({name: entry.region ? `${entry.name} (${entry.region})` : entry.name, value: entry.name})),
				...(named ? {default: current} : {}),
			})
		: named ? current : profiles[0]?.name;
	// The region the SDK would use with that profile (with no profile at all, AWS_REGION alone).
	const sdkRegion = facts.aws.environmentRegion ?? profiles.find((entry) => entry.name === profile)?.region;
	const region = (await ask.input({
		message: 'Which AWS region?',
		default: sdkRegion ?? 'us-east-1',
		validate: asValidate(regionAnswer),
	})).trim();
	const other = '\u0000other';
	const picked = await ask.select({
		message: `Which instance type? (monthly prices: estimate, ${pricesRegion} on demand, prices of ${pricesOf})`,
		choices: [
			...instanceOffers.map((offer) => ({
				name: `${offer.type.padEnd(10)} ${offer.architecture.padEnd(6)} ${offer.vcpus} vCPUs ${String(offer.memoryGiB).padStart(2)} GiB  ~${dollars(offer.perHour * hoursPerMonth)}/month${offer.note ? `  ${offer.note}` : ''}`,
				value: offer.type,
				short: offer.type,
			})),
			{name: 'Another type…', value: other},
		],
		default: instanceOffers[0]!.type,
	});
	const instanceType = picked === other ? (await ask.input({message: 'Instance type (any EC2 type, e.g. c7g.large)', validate: asValidate(instanceTypeAnswer)})).trim() : picked;
	const suggested = await suggestSshAddress(ask, facts);
	const sshCidr = asCidr(await ask.input({
		message: suggested.message,
		...(suggested.address ? {default: asCidr(suggested.address)} : {}),
		validate: asValidate(sshCidrAnswer),
	}));
	const existing = await ask.select({
		message: 'The server\'s address (its Elastic IP)',
		choices: [
			{name: 'A new Elastic IP', value: false},
			{name: 'An Elastic IP I already have', value: true},
		],
	});
	const elasticIp = existing ? (await ask.input({message: 'Its allocation id (eipalloc-…)', validate: asValidate(elasticIpAnswer)})).trim() : undefined;
	return {kind: 'aws', ...(profile === undefined ? {} : {profile}), region, instanceType, sshCidr, ...(elasticIp === undefined ? {} : {elasticIp})};
}

/**
 * The address to suggest for SSH and how the question says where it came from: this machine's own public address;
 * else, when the person agrees, the one AWS's address echo sees (behind a home router no interface has it); else none.
 */
async function suggestSshAddress(ask: Ask, facts: SetupFacts): Promise<{address?: string; message: string}> {
	const asToday = 'Who may SSH in? Your public address (e.g. 203.0.113.7, your router shows it) or a range';
	if (facts.localAddress) return {address: facts.localAddress, message: 'Who may SSH in? (this machine\'s public address, found on its network interface; or a range)'};
	if (!facts.addressEcho) return {message: asToday};
	const echo = facts.addressEcho.name;
	const agreed = await ask.confirm({message: `Ask ${echo} (AWS's address echo) for the public address you connect from?`, default: true});
	if (!agreed) return {message: asToday};
	const address = await facts.addressEcho.lookup();
	if (address === undefined) return {message: `${asToday} (${echo} gave no address)`};
	return {address, message: `Who may SSH in? (your public address as ${echo} sees it; or a range)`};
}

async function askServer(ask: Ask): Promise<ServerTarget> {
	const host = (await ask.input({message: 'The server\'s address or name', validate: asValidate(serverHostAnswer)})).trim();
	const user = (await ask.input({message: 'The login user (it needs passwordless doas or sudo)', default: 'alpine', validate: asValidate(serverUserAnswer)})).trim();
	const port = Number(await ask.input({message: 'Its SSH port', default: '22', validate: asValidate(portAnswer)}));
	return {kind: 'server', host, user, port};
}

async function askRegistry(ask: Ask, services: DiscoveredService[]): Promise<SetupAnswers['registry']> {
	const guess = guessRegistry(services);
	const needed = await ask.confirm({
		message: guess ? `Do the images at ${guess.server} need a login (private images)?` : 'Do your images need a registry login (private images)?',
		default: guess !== undefined,
	});
	if (!needed) return undefined;
	const server = (await ask.input({message: 'The registry', default: guess?.server ?? 'ghcr.io', validate: asValidate(registryServerAnswer)})).trim();
	const username = (await ask.input({
		message: `Your user name at ${server}`,
		...(guess?.server === server ? {default: guess.username} : {}),
		validate: asValidate(registryUserAnswer),
	})).trim();
	return {server, username};
}
