import type {Config} from '../../config/schema.js';
import type {JournalData} from '../../engine/journal.js';
import {stepOutputs} from '../../engine/outputs.js';
import {caddyVolumes} from '../../server/overlay.js';
import {parseServerResourceId, serverResource} from '../../server/server-resources.js';

/** What becomes of the stack's named volumes: kept, removed, or gone with the instance (and how to keep a copy). */
export function volumeLines(config: Config, journal: JournalData | undefined, options: {volumes: boolean; snapshot: boolean}): string[] {
	const names = namedVolumes(journal);
	if (names.length === 0) return [];
	const list = names.join(', ');
	if (config.aws) {
		return options.snapshot
			? [`The named volumes ${list} go with the instance; a snapshot of its disk is kept (it costs storage until you delete it).`]
			: [`The named volumes ${list} go with the instance, and their data with them (--snapshot keeps a copy of the disk).`];
	}
	return options.volumes
		? [`--volumes: the named volumes ${list} are removed too, and the data in them.`]
		: [`The named volumes ${list} stay on the server (your data; --volumes removes them).`];
}

/** The stack's named volumes as hoist knows them: kept ones by their names on the server, else the compose file's. */
function namedVolumes(journal: JournalData | undefined): string[] {
	if (!journal) return [];
	const kept = Object.values(journal.resources)
		.filter((resource) => resource.type === serverResource.volume)
		.map((resource) => parseServerResourceId(resource.id).what);
	if (kept.length > 0) return kept;
	const compose = stepOutputs(journal, 'compose');
	return compose ? [...compose.namedVolumes, ...caddyVolumes] : [];
}
