import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';

/**
 * The version of the Caddy in an image on the server: the label the official image carries
 * (org.opencontainers.image.version, "v2.11.2"), or, for an image without it, what its caddy binary says.
 */
export function caddyImageVersion(image: string): RemoteCommand {
	const label = `podman image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' ${sh(image)} 2>/dev/null`;
	return {
		root: true,
		title: `read the Caddy version of ${image}`,
		line: `v=$(${label} || true); case $v in v2.*|2.*) printf '%s\\n' "$v" ;; *) podman run --rm --network none --entrypoint caddy ${sh(image)} version ;; esac`,
	};
}
