import {isDnsSummary, type DnsSummaryData} from '../dns/watch-details.js';
import {stepOutputs} from '../engine/outputs.js';
import {rehearsalJournal} from '../engine/journal-owner.js';
import type {RunEnvironment} from '../engine/runner.js';
import {asHoistError} from '../errors.js';
import type {RunState} from '../ui/run-state.js';
import type {Renderer, ScreenKey} from '../ui/renderer.js';
import {zoneOf} from './records.js';
import {changeZone, dnsStandIns, type StandIns} from './standins.js';

/** The records the DNS watcher asks for and does not see yet: what the person would now create at the registrar. */
export function recordsToCreate(state: RunState): Array<DnsSummaryData['record']> {
	const dns = state.steps.find((step) => step.id === 'dns' && step.status === 'running');
	return (dns?.details ?? []).filter(isDnsSummary).map((detail) => detail.data).filter((summary) => summary.state === 'waiting').map((summary) => summary.record);
}

export const createRecordHint = 'c  create the shown record in the rehearsal zone (what you would do at your registrar)';

/**
 * `c` on the rehearsal's DNS watcher: the person plays their registrar and creates the record the screen shows, in
 * the rehearsal zone (every stand-in server); the watcher's next round sees it as it would see a real change.
 */
export function createRecordKey(standIns: StandIns, running: () => {env: RunEnvironment; renderer: Renderer} | undefined): ScreenKey {
	return {
		key: 'c',
		hint: createRecordHint,
		when: (state) => recordsToCreate(state).length > 0,
		press(state) {
			const current = running();
			const target = current && stepOutputs(current.env.journal.data, 'target', rehearsalJournal);
			if (!current || !target) return;
			const {env, renderer} = current;
			void (async () => {
				const session = await env.services.remote(target, {signal: env.signal});
				for (const record of recordsToCreate(state)) {
					const zone = zoneOf(record.name, standIns.zones);
					if (zone === undefined) continue;
					await session.run(changeZone(standIns.stack, dnsStandIns(standIns), {action: 'set', zone, record}), {signal: env.signal});
					renderer.showMessage([`Created ${record.type} ${record.name} ${record.value} in the rehearsal zone ${zone}.`]);
				}
			})().catch((error: unknown) => {
				if (!env.signal.aborted) renderer.showMessage([`Could not create the record: ${asHoistError(error).message}`]);
			});
		},
	};
}
