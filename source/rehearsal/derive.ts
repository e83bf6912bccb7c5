/**
 * The rehearsal as hoist's own stack: hoist.yml's stack turned into `<stack>-rehearsal` on the practice server, with
 * the ACME directory at the stand-in Pebble, the DNS watcher given the stand-in servers, and the certificate checked
 * against the rehearsal root. AWS is never part of it. Pure apart from resolving a practice server given by name.
 */
import {existsSync} from 'node:fs';
import {lookup} from 'node:dns/promises';
import {isIP} from 'node:net';
import {resolvePath} from '../config/paths.js';
import type {Config} from '../config/schema.js';
import {routeNames} from '../config/routes.js';
import {hostKeyTypes, isPublicKeyLine} from '../config/ssh-key-line.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';
import {rehearsalFiles, rehearsalStack, type RehearsalFiles} from './files.js';
import type {Pitfall} from './pitfalls.js';
import {parsePracticeServer, type PracticeServer} from './practice-server.js';
import {guessZone, zoneOf} from './records.js';
import {defaultRehearsalDnsPort, defaultRehearsalImages} from '../config/rehearsal-settings.js';
import {acmeDirectory, dnsStandIns, type StandIns} from './standins.js';

/** What the command line says (each overrides hoist.yml's rehearsal section). */
export interface RehearsalRequest {
	on?: string;
	identity?: string;
	hostKey?: string;
	pitfall: Pitfall;
}

export interface Rehearsal {
	practice: PracticeServer;
	config: Config;
	files: RehearsalFiles;
	standIns: StandIns;
}

/** The names the stack serves, the domain first: every name of every route is watched and certified. */
export function servedNames(config: Config): string[] {
	return routeNames(config.routes);
}

/** The zones the rehearsal DNS serves: rehearsal.zones, or the zone guessed from each name. */
export function rehearsalZones(config: Config): string[] {
	const names = servedNames(config);
	const given = config.rehearsal?.zones;
	const zones = given ?? [...new Set(names.map((name) => guessZone(name)).filter((zone): zone is string => zone !== undefined))];
	const orphan = names.find((name) => zoneOf(name, zones) === undefined);
	if (orphan !== undefined) {
		throw new UserError(printable(`No rehearsal zone holds ${orphan}${given ? ` (rehearsal.zones is ${given.join(', ')})` : ''}.`), {
			code: 'REHEARSAL_ZONE_UNKNOWN',
			hint: 'The rehearsal DNS serves the zone each name sits in, as your DNS provider does.',
			nextSteps: [`Name the zone in hoist.yml, e.g. rehearsal: {zones: [${guessZone(orphan) ?? orphan}]}.`],
		});
	}
	return zones;
}

function identityFile(dir: string, value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const path = resolvePath(dir, value);
	const missing = [path, `${path}.pub`].find((file) => !existsSync(file));
	if (missing !== undefined) {
		throw new UserError(printable(`--identity "${value}": there is no ${missing}.`), {
			code: 'USAGE',
			nextSteps: ['Name a private key whose public half sits beside it as FILE.pub (ssh-keygen writes both), or leave --identity out to use hoist\'s own key.'],
		});
	}
	return path;
}

function hostKeyOf(value: string | undefined, field: string): string | undefined {
	if (value === undefined) return undefined;
	if (!isPublicKeyLine(value, hostKeyTypes)) {
		throw new UserError(printable(`${field}: expected the practice server's whole host key, like "ssh-ed25519 AAAAC3Nza…".`), {
			code: 'USAGE',
			nextSteps: ['On the practice server: cat /etc/ssh/ssh_host_ed25519_key.pub (or from here: ssh-keyscan -t ed25519 HOST).'],
		});
	}
	return value;
}

/** The practice server's own address: the stand-ins bind it and the A records hold it. */
async function addressOf(practice: PracticeServer): Promise<string> {
	if (isIP(practice.host) !== 0) return practice.host;
	try {
		return (await lookup(practice.host, {family: 4})).address;
	} catch {
		throw new UserError(printable(`--on: the name ${practice.host} does not resolve on this machine.`), {
			code: 'USAGE',
			nextSteps: ['Give the practice server by its address, e.g. --on alpine@192.168.64.5.'],
		});
	}
}

/** The practice server from --on or rehearsal.server; a user error when neither names one. */
export function practiceServerOf(config: Pick<Config, 'rehearsal'>, on: string | undefined): PracticeServer {
	if (on !== undefined) return parsePracticeServer(on, '--on');
	if (config.rehearsal?.server !== undefined) return parsePracticeServer(config.rehearsal.server, 'rehearsal.server');
	throw new UserError('`hoist rehearse` needs the practice server: --on user@host[:port].', {
		code: 'USAGE',
		nextSteps: ['Run `hoist rehearse --on alpine@192.168.64.5` (your VM\'s login and address), or set rehearsal.server in hoist.yml.'],
	});
}

export async function deriveRehearsal(real: Config, dir: string, request: RehearsalRequest): Promise<Rehearsal> {
	const practice = practiceServerOf(real, request.on);
	const identity = identityFile(dir, request.identity ?? real.rehearsal?.identity);
	const hostKey = request.hostKey !== undefined ? hostKeyOf(request.hostKey, '--host-key') : hostKeyOf(real.rehearsal?.hostKey, 'rehearsal.hostKey');
	const zones = rehearsalZones(real);
	const address = await addressOf(practice);
	const files = rehearsalFiles(dir);
	const stack = rehearsalStack(real.stack);
	const standIns: StandIns = {
		stack, address, zones, names: servedNames(real), pitfall: request.pitfall,
		dnsPort: real.rehearsal?.dnsPort ?? defaultRehearsalDnsPort,
		images: real.rehearsal?.images ?? {...defaultRehearsalImages},
	};
	const {publicKey: _realKey, ...ssh} = real.ssh;
	const {aws: _aws, ...rest} = real;
	const config: Config = {
		...rest,
		stack,
		server: {host: practice.host, user: practice.user, port: practice.port, ...(hostKey === undefined ? {} : {hostKey})},
		ssh: {...ssh, ...(identity === undefined ? {} : {publicKey: `${identity}.pub`})},
		// Keeps the real CA's CAA identities: a CAA record for another CA is judged as it would be for real.
		acme: {...real.acme, staging: false, directory: acmeDirectory, caRoot: files.listenerCa, trustRoots: [files.root]},
		dns: {
			// A rehearsal is there for DNS and the certificate: a dns.skip of the real hoist.yml does not apply to it.
			...withoutSkip(real.dns),
			expectAddress: address,
			// Nothing public knows the rehearsal zone: asking public resolvers would only show it missing.
			publicResolvers: [],
			authoritative: dnsStandIns(standIns).map((server) => ({name: server.name, address, port: server.port})),
		},
	};
	return {practice, config, files, standIns};
}

function withoutSkip(dns: Config['dns']): Config['dns'] {
	const {skip: _skip, ...rest} = dns;
	return rest;
}
