import {describe, expect, it} from 'vitest';
import {dnsSummaryRow} from '../../../source/dns/watch-details.js';
import {recordsToCreate} from '../../../source/rehearsal/create-key.js';
import {initialRunState, type RunState, type StepState} from '../../../source/ui/run-state.js';

const record = {type: 'A' as const, name: 'shop.practice.test', value: '10.77.0.2', ttl: 300};

function withDns(status: StepState['status'], state: 'waiting' | 'ready'): RunState {
	const dns: StepState = {
		id: 'dns', title: 'Wait for DNS', status, reused: false, log: [],
		details: [dnsSummaryRow({name: record.name, zone: 'practice.test', record, state, round: 2, startedAt: 1, at: 2, missing: []})],
	};
	return {...initialRunState, steps: [dns]};
}

describe('the c key of the rehearsal\'s watcher', () => {
	it('offers the record the watcher waits for, only while it waits', () => {
		expect(recordsToCreate(withDns('running', 'waiting'))).toEqual([record]);
		expect(recordsToCreate(withDns('running', 'ready'))).toEqual([]);
		expect(recordsToCreate(withDns('done', 'waiting'))).toEqual([]);
		expect(recordsToCreate(initialRunState)).toEqual([]);
	});
});
