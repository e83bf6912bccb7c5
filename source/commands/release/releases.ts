import type {Journal, Release} from '../../engine/journal.js';
import {stepOutputs} from '../../engine/outputs.js';
import {qualifiedImage} from '../../server/image-name.js';

/**
 * After a successful run: what now runs becomes the next release in the journal's history (nothing new when it is
 * what the newest release says), as the deploy step recorded it.
 */
export function recordRelease(journal: Journal, command: 'up' | 'deploy' | 'rollback', restored?: number): Release | undefined {
	const outputs = stepOutputs(journal.data, 'deploy')?.release;
	if (!outputs) return undefined;
	return journal.recordRelease({at: outputs.at, command, services: outputs.services, ...(restored === undefined ? {} : {restored})});
}

/** "release 4: web sha256:0123456789ab, worker sha256:…"; without a digest the image's full name (older journals hold short ones). */
export function describeRelease(release: Release): string {
	const services = Object.entries(release.services)
		.map(([name, service]) => `${name} ${service.digest ? service.digest.slice(0, 19) : qualifiedImage(service.image)}`)
		.join(', ');
	return `release ${release.number}${release.restored ? ` (back to release ${release.restored})` : ''}: ${services}`;
}
