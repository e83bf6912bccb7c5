import {describe, expect, it} from 'vitest';
import {configSchema} from '../../source/config/schema.js';
import type {RemoteSession} from '../../source/remote/session.js';
import type {Target} from '../../source/remote/target.js';
import {buildPlan} from '../../steps/plan.js';
import {sshReady} from '../../steps/ssh-ready.js';
import {serverTarget} from '../../steps/target.js';
import {createHarness} from '../helpers/step-context.js';

const common = {stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}};

describe('the plan is built from hoist.yml', () => {
	it('with aws: the compose check, the AWS steps, the target they produce, SSH, then the server\'s steps', async () => {
		const plan = await buildPlan(configSchema.parse({...common, aws: {sshCidr: '203.0.113.7/32'}}));
		expect(plan.map((step) => step.id)).toEqual([
			'compose', 'preflight', 'ami', 'key-pair', 'security-group', 'launch-instance', 'elastic-ip', 'target', 'ssh-ready', 'bootstrap', 'upload', 'deploy',
		]);
	});

	it('logs in to a registry only when hoist.yml names one', async () => {
		const plan = await buildPlan(configSchema.parse({...common, aws: {sshCidr: '203.0.113.7/32'}, registry: {server: 'ghcr.io', username: 'octocat'}}));
		expect(plan.map((step) => step.id).slice(-4)).toEqual(['bootstrap', 'registry-login', 'upload', 'deploy']);
	});

	it('with server: no AWS step at all, and ssh-ready reads the target made from the server section', async () => {
		const config = configSchema.parse({...common, server: {host: 'vm.example.test', user: 'deploy', port: 2222}});
		const plan = await buildPlan(config);
		expect(plan.map((step) => step.id)).toEqual(['compose', 'target', 'ssh-ready', 'bootstrap', 'upload', 'deploy']);
		expect(plan[1]).toBe(serverTarget);

		const opened: Target[] = [];
		const h = createHarness({
			remote: async (target) => {
				opened.push(target);
				return {hostKeyFingerprint: 'SHA256:k', facts: async () => ({escalation: 'sudo', user: 'deploy', osId: 'debian', osVersion: '12', osName: 'Debian 12'})} as unknown as RemoteSession;
			},
		});
		try {
			const serverConfig = {...h.config, ...config};
			const target = await serverTarget.run({...h.context(serverTarget), config: serverConfig});
			expect(target).toEqual({
				kind: 'server',
				host: 'vm.example.test',
				port: 2222,
				user: 'deploy',
				privateKeyPath: h.files.privateKey,
				identity: 'server',
				publicAddress: 'vm.example.test',
			});
			expect(h.logs).toEqual([`made a key for hoist: add ${h.files.publicKey} to ~deploy/.ssh/authorized_keys on the server`]);
			const ready = await sshReady.run({...h.context(sshReady, {outputs: {target}}), config: serverConfig});
			expect(opened).toEqual([target]);
			expect(ready).toMatchObject({host: 'vm.example.test', user: 'deploy', escalation: 'sudo'});
		} finally {
			h.cleanup();
		}
	});
});
