import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {CommandIo} from '../../source/cli/io.js';
import {showScreen} from '../../source/cli/terminal.js';
import type {SetupAnswers} from '../../source/setup/answers.js';
import {setupPlan} from '../../source/setup/setup-plan.js';
import {SetupPlanScreen} from '../../source/ui/ink/SetupPlanScreen.js';
import {shopApiAnswers} from '../helpers/setup-answers.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';

afterEach(() => {
	cleanup();
});

const {email: _, ...answers} = shopApiAnswers();

function frameOf(plan: ReturnType<typeof setupPlan>): string {
	const {lastFrame} = render(<SetupPlanScreen plan={plan} configFile="hoist.yml" />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

describe('SetupPlanScreen', () => {
	it('AWS: what will be created, in which account and region, and the dated estimate', () => {
		const frame = frameOf(setupPlan(answers));
		expect(frame).toContain('Wrote hoist.yml');
		expect(frame).toContain('The plan: in the AWS account of profile work, region eu-west-1');
		expect(frame).toContain('• EC2 instance hoist-shop-api: t3.micro (x86_64, 2 vCPUs, 1 GiB), Alpine Linux');
		expect(frame).toContain('• Its disk: 10 GiB gp3, encrypted (it goes with the instance)');
		expect(frame).toContain('• A new Elastic IP (released by hoist destroy)');
		expect(frame).toMatch(/• Security group hoist-shop-api: SSH \(22\) from 203\.0\.113\.7\/32; HTTP \(80\), HTTPS \(443\)/);
		expect(frame).toContain('• Key pair hoist-shop-api');
		expect(frame).toContain('• A login to ghcr.io as octocat');
		expect(frame).toContain('Rough monthly cost: about $12.04');
		expect(frame).toMatch(/t3\.micro instance, on all month\s+\$7\.59/);
		expect(frame).toMatch(/10 GiB gp3 disk\s+\$0\.80/);
		expect(frame).toMatch(/public IPv4 address \(the Elastic IP\)\s+\$3\.65/);
		expect(frame).toContain('(estimate, us-east-1 on-demand prices of 2025-07; data transfer and taxes not included)');
	});

	it('a type without a price: the total says the instance is not in it', () => {
		const frame = frameOf(setupPlan({...answers, target: {...answers.target, kind: 'aws', instanceType: 'c7g.large', elasticIp: 'eipalloc-0123456789abcdef0'} as SetupAnswers['target']}));
		expect(frame).toContain('Rough monthly cost: about $4.45 + the instance');
		expect(frame).toMatch(/c7g\.large instance, on all month\s+not in hoist's price table/);
		expect(frame).toContain('• Your Elastic IP eipalloc-0123456789abcdef0 (kept by hoist destroy)');
	});

	it('an existing server: where, what goes on it, and no cost', () => {
		const frame = frameOf(setupPlan({...answers, registry: undefined, target: {kind: 'server', host: '192.168.64.5', user: 'alpine', port: 22}} as SetupAnswers));
		expect(frame).toContain('The plan: in the server 192.168.64.5, as alpine');
		expect(frame).toContain('• Podman and compose (installed when missing), your stack in /srv/hoist/shop-api');
		expect(frame).toContain('Nothing is created on AWS: hoist only uses the server you named.');
		expect(frame).not.toContain('Rough monthly cost');
	});

	it('through the terminal hand-off: shown once, then the screen ends by itself so the question can follow', async () => {
		const stdout = new FakeStdout();
		const stdin = new FakeStdin(true);
		const io = {stdout, stderr: new FakeStdout(), stdin, env: {}, cancellation: {signal: new AbortController().signal, cancel: () => undefined, dispose: () => undefined}} as unknown as CommandIo;
		await showScreen(io, <SetupPlanScreen plan={setupPlan(answers)} configFile="hoist.yml" />);
		expect(stdout.allOutput()).toContain('Rough monthly cost: about $12.04');
	});
});
