import type {Release} from '../engine/journal.js';
import {qualifiedImage} from './image-name.js';
import {caddyService} from './overlay.js';

/** `ghcr.io/acme/web:1.2` or `…@sha256:…` → `ghcr.io/acme/web` (a registry port's colon is not a tag). */
export function repositoryOf(image: string): string {
	const withoutDigest = image.split('@')[0]!;
	const slash = withoutDigest.lastIndexOf('/');
	const colon = withoutDigest.lastIndexOf(':');
	return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * The image each service is pinned to while the stack is rolled back: `repository@digest` from the pinned release, so
 * a tag moved since then cannot change what comes back. Undefined when nothing is pinned. Releases recorded before hoist
 * qualified image names hold `postgres:16`: read as Docker reads it, the pin is `docker.io/library/postgres@sha256:…`.
 */
export function pinnedImages(releases: readonly Release[], pinned: number | undefined): Record<string, string> | undefined {
	if (pinned === undefined) return undefined;
	const release = releases.find((candidate) => candidate.number === pinned);
	if (!release) return undefined;
	const pins: Record<string, string> = {};
	for (const [service, {image, digest}] of Object.entries(release.services)) {
		// hoist's own Caddy is not part of the app: pinning it would restart it, and drop requests, for nothing.
		if (digest && service !== caddyService) pins[service] = `${repositoryOf(qualifiedImage(image))}@${digest}`;
	}
	return pins;
}
