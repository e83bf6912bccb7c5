/**
 * What the steps create on an existing server, recorded in the journal's resources as soon as it is made, so that
 * `hoist destroy` knows to go there (and only then). On AWS nothing is recorded: terminating the instance removes
 * all of it. Each id is `<what>@<host>`.
 */
export const serverResource = {
	/** /srv/hoist/<stack> and the boot service beside it (upload). */
	stackDir: 'stack-dir',
	/** The compose project's containers and networks (deploy). */
	project: 'compose-project',
	/** A named volume destroy kept (the user's data): ownedByHoist false, until `destroy --volumes`. */
	volume: 'volume',
} as const;

export type ServerResourceType = (typeof serverResource)[keyof typeof serverResource];

export function serverResourceId(what: string, host: string): string {
	return `${what}@${host}`;
}

/** `what` and `host` back from a record's id. */
export function parseServerResourceId(id: string): {what: string; host: string} {
	const at = id.lastIndexOf('@');
	return {what: id.slice(0, at), host: id.slice(at + 1)};
}
