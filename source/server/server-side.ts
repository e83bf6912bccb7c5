import type {AnyUndoContext} from '../engine/step.js';
import {UserError, nextCommand} from '../errors.js';
import {findLocalKey} from '../remote/local-key.js';
import type {RemoteSession} from '../remote/session.js';
import {parseServerResourceId, type ServerResourceType} from './server-resources.js';
import {resolvedServerTarget} from '../remote/target.js';

type ServerContext = Pick<AnyUndoContext, 'config' | 'files' | 'services' | 'signal' | 'resources'>;

export interface ServerRecord {
	type: ServerResourceType;
	id: string;
	what: string;
	host: string;
}

/** The records of these types, on whichever server they were made. */
export function serverRecords(ctx: Pick<ServerContext, 'resources'>, ...types: ServerResourceType[]): ServerRecord[] {
	return [...ctx.resources.values()]
		.filter((resource) => (types as string[]).includes(resource.type))
		.map((resource) => ({type: resource.type as ServerResourceType, id: resource.id, ...parseServerResourceId(resource.id)}));
}

/**
 * Whether an undo goes to an existing server (`server:` in hoist.yml; on AWS the instance takes everything along):
 * for what the journal records there or, without a journal (a lost .hoist/, a fresh checkout), to look for the stack
 * by its name there, as AWS resources are found by tag. A journal that records nothing there means nothing got there:
 * no connection, so a server that never took hoist's key is no obstacle.
 */
export function visitServer(ctx: Pick<AnyUndoContext, 'config' | 'destroy'>, records: ServerRecord[]): boolean {
	if (!ctx.config.server) return false;
	return records.length > 0 || ctx.destroy.withoutJournal === true;
}

/**
 * The run's connection to the server hoist.yml names (its pinned key only), for an undo that has records there.
 * Records on another host (server.host was changed since) are refused rather than looked for in the wrong place.
 */
export async function serverSession(ctx: ServerContext, records: ServerRecord[]): Promise<RemoteSession> {
	const key = findLocalKey(ctx.config, ctx.files);
	if (!key) {
		throw new UserError(`hoist's key for this stack (${ctx.files.privateKey}) is gone, so it cannot log in to remove what it put on the server.`, {
			code: 'SSH_KEY_MISSING',
			nextSteps: [nextCommand('hoist destroy', 'Put the key back (or point ssh.publicKey at the key the server accepts), then run {command} again.')],
		});
	}
	const target = await resolvedServerTarget(ctx.config, key.privateKeyPath, {query: ctx.services.dnsQuery, signal: ctx.signal});
	const elsewhere = records.find((record) => record.host !== target.host);
	if (elsewhere) {
		throw new UserError(`The journal records ${elsewhere.type} ${elsewhere.what} on ${elsewhere.host}, but hoist.yml now names the server ${target.host}.`, {
			code: 'SERVER_CHANGED',
			hint: 'hoist removes only what it recorded, where it recorded it.',
			nextSteps: [nextCommand('hoist destroy', `Put back server.host: ${elsewhere.host} in hoist.yml and run {command} again (or remove it on ${elsewhere.host} yourself).`)],
		});
	}
	return ctx.services.remote(target, {signal: ctx.signal, readyTimeoutMs: 10_000});
}
