import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../source/config/schema.js';
import {deriveRehearsal} from '../../../source/rehearsal/derive.js';
import {rehearsalFinish} from '../../../source/rehearsal/finish.js';

const finishOf = async (fields: Record<string, unknown>) => {
	const real = configSchema.parse({stack: 'shop', server: {host: '203.0.113.7'}, ...fields});
	return rehearsalFinish(await deriveRehearsal(real, '/tmp', {on: 'alpine@192.168.64.5', pitfall: 'none'}), '.hoist/rehearsal/root.pem');
};

describe('the finish of a rehearsal', () => {
	it('one route: the one curl line that reaches it from this machine', async () => {
		const lines = await finishOf({domain: 'shop.example.com', compose: {service: 'web', port: 8080}});
		expect(lines.slice(0, 3)).toEqual([
			'Rehearsal done: https://shop.example.com/ answers on the practice server 192.168.64.5, with a certificate from the rehearsal CA.',
			'From this machine:',
			'  curl --cacert .hoist/rehearsal/root.pem --resolve shop.example.com:443:192.168.64.5 https://shop.example.com/',
		]);
	});

	it('several routes, names in two zones: a curl line for every URL, each naming its service', async () => {
		const lines = await finishOf({routes: [
			{service: 'web', port: 8080, domains: ['shop.example.com', 'www.example.com']},
			{service: 'api', port: 8080, domains: ['shop.example.com'], path: '/api', stripPrefix: true},
			{service: 'admin', port: 8080, domains: ['admin.example.org']},
		]});
		expect(lines[0]).toBe('Rehearsal done: each of the 3 routes answers over HTTPS on the practice server 192.168.64.5, with certificates from the rehearsal CA.');
		expect(lines.filter((line) => line.includes('curl '))).toEqual([
			'  curl --cacert .hoist/rehearsal/root.pem --resolve shop.example.com:443:192.168.64.5 https://shop.example.com/      # web',
			'  curl --cacert .hoist/rehearsal/root.pem --resolve shop.example.com:443:192.168.64.5 https://shop.example.com/api/  # api',
			'  curl --cacert .hoist/rehearsal/root.pem --resolve admin.example.org:443:192.168.64.5 https://admin.example.org/    # admin',
		]);
	});
});
