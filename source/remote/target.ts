import {serverSettings, type Config} from '../config/schema.js';

/**
 * The server hoist deploys to, whatever made it: the AWS steps (a new instance behind its Elastic IP) or `server:`
 * in hoist.yml (an existing machine). Every remote step and command reads this, never AWS outputs.
 */
export interface Target {
	kind: 'aws' | 'server';
	/** Where hoist connects. */
	host: string;
	port: number;
	/** The login user: `alpine` on Alpine's cloud images. */
	user: string;
	/** The private key hoist logs in with (it never leaves this machine). */
	privateKeyPath: string;
	/**
	 * What the pinned host key belongs to: the instance id on AWS, so a new instance behind the same address may
	 * present a new key while the same instance may not; "server" for an existing machine.
	 */
	identity: string;
	/** The address the domain's A record must hold. */
	publicAddress: string;
	/** A host key named in hoist.yml ("ssh-ed25519 AAAA…"): the only key accepted, pinned before first contact. */
	hostKey?: string;
}

export function describeTarget(target: Target): string {
	return `${target.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`;
}

/** The existing server hoist.yml names, reached with the given key. */
export function serverTargetOf(config: Config, privateKeyPath: string): Target {
	const server = serverSettings(config);
	return {
		kind: 'server',
		host: server.host,
		port: server.port,
		user: server.user,
		privateKeyPath,
		identity: 'server',
		publicAddress: server.host,
		...(server.hostKey === undefined ? {} : {hostKey: server.hostKey}),
	};
}
