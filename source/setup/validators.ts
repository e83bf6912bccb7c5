import {fieldProblems} from '../config/schema.js';
import {didYouMean} from '../text/did-you-mean.js';
import {awsRegions} from './aws-catalog.js';

/**
 * The guided setup's checks of typed answers: each returns the message shown under the field, or undefined when the
 * answer is good. They are hoist.yml's own rules (config/schema.ts) applied to the text as typed, plus what only a
 * question can check (a region that exists, a port typed as text).
 */

export const domainAnswer = (text: string): string | undefined => fieldProblems.domain(text.trim());

/** Empty is fine: the address is optional (Let's Encrypt then sends no expiry notices). */
export const emailAnswer = (text: string): string | undefined => (text.trim() === '' ? undefined : fieldProblems.email(text.trim()));

export function portAnswer(text: string): string | undefined {
	const trimmed = text.trim();
	if (!/^\d+$/.test(trimmed)) return trimmed === '' ? 'type the port the service listens on, e.g. 8080' : `"${trimmed}" is not a number; expected a port from 1 to 65535`;
	return fieldProblems.port(Number(trimmed));
}

/** Another route's place: its own domain ("admin.example.com") or a path under the first one ("/api"). */
export function routePlaceAnswer(text: string, taken: readonly string[]): string | undefined {
	const place = text.trim();
	if (place === '') return 'type a domain like "admin.example.com" or a path like "/api"';
	const problem = place.startsWith('/') ? fieldProblems.routePath(place) : fieldProblems.domain(place);
	if (problem !== undefined) return problem;
	return taken.includes(place.toLowerCase().replace(/\.$/, '')) ? `${place} already has a service` : undefined;
}

export function regionAnswer(text: string): string | undefined {
	const region = text.trim();
	const problem = fieldProblems.region(region);
	if (problem !== undefined) return problem;
	if (!awsRegions.includes(region)) return `there is no AWS region "${region}"${didYouMean(region, awsRegions)}`;
	return undefined;
}

export const stackAnswer = (text: string): string | undefined => fieldProblems.stack(text.trim());
export const instanceTypeAnswer = (text: string): string | undefined => fieldProblems.instanceType(text.trim());
export const elasticIpAnswer = (text: string): string | undefined => fieldProblems.elasticIp(text.trim());
export const serverHostAnswer = (text: string): string | undefined => fieldProblems.serverHost(text.trim());
export const serverUserAnswer = (text: string): string | undefined => fieldProblems.serverUser(text.trim());
export const registryServerAnswer = (text: string): string | undefined => fieldProblems.registryServer(text.trim());
export const registryUserAnswer = (text: string): string | undefined => fieldProblems.registryUser(text.trim());

/** A bare address is taken as that address alone (/32 or /128). */
export function sshCidrAnswer(text: string): string | undefined {
	return fieldProblems.sshCidr(asCidr(text));
}

export function asCidr(text: string): string {
	const trimmed = text.trim();
	if (trimmed.includes('/')) return trimmed;
	return `${trimmed}/${trimmed.includes(':') ? 128 : 32}`;
}

/** A stack name made from a folder name: lowercase, dashes for the rest, cut to 32; "app" when nothing is left. */
export function stackFromFolder(folder: string): string {
	const name = folder.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 32).replace(/-+$/, '');
	return stackAnswer(name) === undefined ? name : 'app';
}

/** Inquirer's `validate`: true, or the message to show under the field. */
export function asValidate(check: (text: string) => string | undefined): (text: string) => true | string {
	return (text) => check(text) ?? true;
}
