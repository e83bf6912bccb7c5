import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../source/config/schema.js';
import {deriveRehearsal} from '../../../source/rehearsal/derive.js';

describe('the rehearsal\'s own settings, derived from the real hoist.yml', () => {
	const real = configSchema.parse({
		stack: 'shop', aws: {sshCidr: '203.0.113.7/32'},
		routes: [{service: 'web', port: 8080, domains: ['shop.practice.test']}, {service: 'admin', port: 8080, domains: ['admin.practice.test']}],
		// What hoist's own tests of other things write, and a person may too: plain HTTP only, on purpose.
		dns: {skip: true, resolvers: ['127.0.0.1']},
	});

	it('runs DNS and the certificate whatever the real dns.skip says, against its stand-ins, for every name of every route', async () => {
		const {config, standIns} = await deriveRehearsal(real, '/tmp', {on: 'alpine@10.77.0.2', pitfall: 'none'});
		expect(config.dns.skip).toBeUndefined();
		expect(config.dns).toMatchObject({expectAddress: '10.77.0.2', publicResolvers: [], resolvers: ['127.0.0.1']});
		expect(config.dns.authoritative?.map((server) => server.address)).toEqual(['10.77.0.2']);
		expect(config.stack).toBe('shop-rehearsal');
		expect(config.aws).toBeUndefined();
		expect(standIns.names).toEqual(['shop.practice.test', 'admin.practice.test']);
	});
});
