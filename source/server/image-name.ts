/** Docker Hub's registry name, as Docker writes it in a fully qualified reference. */
export const dockerHub = 'docker.io';

/**
 * The image reference as Docker reads it, fully qualified: `postgres:16` → `docker.io/library/postgres:16`,
 * `bitnami/redis` → `docker.io/bitnami/redis:latest`, `ghcr.io/acme/web:1` unchanged. The rules are those of
 * distribution/reference (ParseNormalizedNamed + TagNameOnly): the first path component is a registry only when it
 * has a dot or a colon, is `localhost`, or has upper-case letters.
 *
 * Why hoist qualifies names itself instead of relying on the server's registries.conf: Podman resolves a short name
 * through that file's search list, which differs by host (Alpine's containers-common searches docker.io only; Fedora
 * lists several registries with short-name-mode "enforcing", which fails without a terminal to ask in; some hosts
 * list none). A compose file means what Docker means, so the server is given names that need no search at all.
 */
export function qualifiedImage(reference: string): string {
	const slash = reference.indexOf('/');
	const first = slash === -1 ? '' : reference.slice(0, slash);
	const namesRegistry = first !== '' && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
	let registry = namesRegistry ? first : dockerHub;
	let path = namesRegistry ? reference.slice(slash + 1) : reference;
	if (registry === 'index.docker.io') registry = dockerHub;
	if (registry === dockerHub && !path.includes('/')) path = `library/${path}`;
	const name = path.split('@')[0]!;
	const hasTag = name.includes(':');
	const hasDigest = path.includes('@');
	return `${registry}/${path}${hasTag || hasDigest ? '' : ':latest'}`;
}
