import {describe, expect, it} from 'vitest';
import type {SetupAnswers} from '../../../source/setup/answers.js';
import {setupPlan} from '../../../source/setup/setup-plan.js';

const base: Omit<SetupAnswers, 'target'> = {stack: 'shop-api', composeFile: 'docker-compose.yml', service: 'web', port: 8080, domain: 'api.example.com', staging: true};

describe('the plan and its monthly estimate', () => {
	it('AWS: the instance all month, the disk and the public IPv4 address, at the dated prices', () => {
		const plan = setupPlan({...base, target: {kind: 'aws', profile: 'work', region: 'eu-west-1', instanceType: 't3.micro', sshCidr: '203.0.113.7/32'}});
		expect(plan.where).toBe('the AWS account of profile work, region eu-west-1');
		// 0.0104 × 730 + 10 × 0.08 + 0.005 × 730
		expect(plan.cost?.total).toBeCloseTo(7.592 + 0.8 + 3.65, 3);
		expect(plan.cost?.complete).toBe(true);
		expect(plan.cost?.label).toBe('estimate, us-east-1 on-demand prices of 2025-07; data transfer and taxes not included');
		expect(plan.creates).toContain('A new Elastic IP (released by hoist destroy)');
		expect(plan.creates.some((line) => line.startsWith('Security group hoist-shop-api: SSH (22) from 203.0.113.7/32'))).toBe(true);
	});

	it('a type hoist has no price for is named, and the total says it leaves it out', () => {
		const plan = setupPlan({...base, target: {kind: 'aws', region: 'us-east-1', instanceType: 'c7g.large', sshCidr: '203.0.113.7/32', elasticIp: 'eipalloc-0123456789abcdef0'}});
		expect(plan.cost?.complete).toBe(false);
		expect(plan.cost?.lines[0]).toEqual({what: 'c7g.large instance, on all month'});
		expect(plan.cost?.total).toBeCloseTo(0.8 + 3.65, 3);
		expect(plan.creates).toContain('Your Elastic IP eipalloc-0123456789abcdef0 (kept by hoist destroy)');
		expect(plan.where).toBe('the AWS account of your AWS credentials, region us-east-1');
	});

	it('an existing server: nothing on AWS, no cost', () => {
		const plan = setupPlan({...base, registry: {server: 'ghcr.io', username: 'octocat'}, target: {kind: 'server', host: '192.168.64.5', user: 'alpine', port: 2222}});
		expect(plan.where).toBe('the server 192.168.64.5:2222, as alpine');
		expect(plan.cost).toBeUndefined();
		expect(plan.creates.at(-1)).toMatch(/^A login to ghcr\.io as octocat/);
	});
});
