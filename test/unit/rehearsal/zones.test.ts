import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../source/config/schema.js';
import {UserError} from '../../../source/errors.js';
import {rehearsalZones} from '../../../source/rehearsal/derive.js';

const routed = (rehearsal: Record<string, unknown> = {}) => configSchema.parse({
	stack: 'bazaar', server: {host: '203.0.113.7'}, rehearsal,
	routes: [
		{service: 'web', port: 8080, domains: ['shop.practice.test', 'www.practice.test']},
		{service: 'admin', port: 8080, domains: ['admin.backoffice.test']},
	],
});

describe('the zones a rehearsal of a routed stack serves', () => {
	it('guesses the zone of every route\'s name, each zone once', () => {
		expect(rehearsalZones(routed())).toEqual(['practice.test', 'backoffice.test']);
	});

	it('takes rehearsal.zones as given when they hold every name', () => {
		expect(rehearsalZones(routed({zones: ['backoffice.test', 'practice.test']}))).toEqual(['backoffice.test', 'practice.test']);
	});

	it('refuses rehearsal.zones that leave a route\'s name out, naming it (exit 2)', () => {
		let refusal: unknown;
		try {
			rehearsalZones(routed({zones: ['practice.test']}));
		} catch (error) {
			refusal = error;
		}
		expect(refusal).toBeInstanceOf(UserError);
		expect(refusal).toMatchObject({code: 'REHEARSAL_ZONE_UNKNOWN', exitCode: 2, message: 'No rehearsal zone holds admin.backoffice.test (rehearsal.zones is practice.test).'});
	});
});
