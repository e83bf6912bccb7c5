import {afterEach, describe, expect, it} from 'vitest';
import {UserError} from '../../../source/errors.js';
import type {Target} from '../../../source/remote/target.js';
import {target} from '../../../steps/target.js';
import {createHarness, type Harness} from '../../helpers/step-context.js';

let h: Harness | undefined;
afterEach(() => h?.cleanup());

const awsRecords = {
	'key-pair': {keyName: 'hoist-demo', keyPairId: 'key-1', privateKeyPath: '/stack/.hoist/id_ed25519', generated: true},
	'launch-instance': {instanceId: 'i-0abc'},
	'elastic-ip': {allocationId: 'eipalloc-1', publicIp: '44.192.0.10', ownedByHoist: true},
};
const onAws: Target = {kind: 'aws', host: '44.192.0.10', port: 22, user: 'alpine', privateKeyPath: '/stack/.hoist/id_ed25519', identity: 'i-0abc', publicAddress: '44.192.0.10'};

describe('the target step on AWS', () => {
	it('is the instance behind its Elastic IP, as the AWS steps recorded them; done while that is what the journal says', async () => {
		h = createHarness({recorded: awsRecords});
		expect(await target.run(h.context(target))).toEqual(onAws);
		expect(await target.check(h.context(target, {previous: onAws}))).toEqual(onAws);
		expect(await target.check(h.context(target, {previous: {...onAws, identity: 'i-0old'}}))).toBeUndefined();
	});

	it('before any instance was recorded (hoist dns before hoist up): says there is no server yet', async () => {
		h = createHarness();
		expect(await target.check(h.context(target))).toBeUndefined();
		await expect(target.run(h.context(target))).rejects.toSatisfy((error) => error instanceof UserError && error.code === 'NO_TARGET');
	});
});
