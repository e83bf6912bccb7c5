import type {RemoteCommand} from './command.js';
import {sh} from './quote.js';

/** The line each image reports as it goes: `hoist-image <state> <reference> [text]`. */
export const imageMarker = 'hoist-image';

/**
 * Pulls every image in one round trip, side by side (a pull mostly waits on the registry), reporting each as it goes:
 * "pulling", then "pulled" (a new image id), "up-to-date" (the same id as before) or "failed" with the registry's last
 * words. Podman's own exit code is the witness: compose v1's pull exits 0 even when a pull failed. Exits 1 when any
 * pull failed, once all have ended (none is left running on the server).
 */
export function pullImages(images: string[], authFile: string | undefined): RemoteCommand {
	const auth = authFile === undefined ? [] : ['--authfile', authFile];
	const each = images.map((image) =>
		[
			'(',
			`img=${sh(image)}`,
			`echo "${imageMarker} pulling $img"`,
			'before=$(podman image inspect --format "{{.Id}}" "$img" 2>/dev/null || true)',
			`if out=$(${sh('podman', 'pull', '--quiet', ...auth)} "$img" 2>&1); then`,
			'  after=$(podman image inspect --format "{{.Id}}" "$img")',
			`  if [ "$before" = "$after" ]; then echo "${imageMarker} up-to-date $img $after"; else echo "${imageMarker} pulled $img $after"; fi`,
			'else',
			`  echo "${imageMarker} failed $img $(printf "%s" "$out" | tail -n 1)"; exit 1`,
			'fi',
			') & pids="$pids $!"',
		].join('\n'),
	);
	const waitAll = 'failed=0; for pid in $pids; do wait "$pid" || failed=1; done; exit "$failed"';
	return {root: true, title: `pull ${images.length === 1 ? images[0] : `${images.length} images`}`, line: ['pids=', ...each, waitAll].join('\n')};
}

export interface ImageReport {
	state: 'pulling' | 'pulled' | 'up-to-date' | 'failed';
	image: string;
	text: string;
}

export function parseImageLine(line: string): ImageReport | undefined {
	const match = new RegExp(`^${imageMarker} (pulling|pulled|up-to-date|failed) (\\S+) ?(.*)$`).exec(line);
	return match ? {state: match[1] as ImageReport['state'], image: match[2]!, text: match[3]!} : undefined;
}

/**
 * Removes the stack's images (those of `repositories`) whose digest no recent release uses, so old versions cannot
 * fill the disk; an image a container still uses is refused by podman and stays. Prints `hoist-pruned <id>` each.
 */
export function pruneImages(repositories: string[], keepDigests: string[]): RemoteCommand {
	return {
		root: true,
		title: 'remove images no recent release uses',
		line: [
			`repos=${sh(` ${repositories.join(' ')} `)}`,
			`keep=${sh(` ${keepDigests.join(' ')} `)}`,
			`podman images --format '{{.ID}} {{.Repository}} {{.Digest}}' | while read -r id repo digest; do`,
			'  case "$repos" in *" $repo "*) ;; *) continue ;; esac',
			'  case "$keep" in *" $digest "*) continue ;; esac',
			'  podman image rm "$id" >/dev/null 2>&1 && echo "hoist-pruned $id $repo"',
			'done; true',
		].join('\n'),
	};
}
