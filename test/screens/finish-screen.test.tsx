import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {FinishScreen} from '../../source/ui/ink/FinishScreen.js';
import {finishFacts} from '../../source/wizard/finish.js';
import {keepCapture} from './artifacts.js';
import {startInkRenderer} from './fake-terminal.js';
import {awsTarget, deployedServices, finishConfig, finishedJournal, issuedCertificate} from './finish-facts.js';
import {successfulRetry} from './run-events.js';

afterEach(() => {
	cleanup();
});

function frameOf(journal = finishedJournal()): string {
	const {lastFrame} = render(<FinishScreen facts={finishFacts(journal, finishConfig)!} />);
	return stripVTControlCharacters(lastFrame() ?? '');
}

describe('the finish screen', () => {
	it('the URL, certificate issuer and expiry, instance and address, time to HTTPS, and the day-two commands', () => {
		const frame = frameOf();
		keepCapture('finish-https', frame);
		expect(frame).toContain('https://app.example.test/ answers (Caddy in front of web)');
		expect(frame).toContain('www.app.example.test redirects there');
		expect(frame).toMatch(/Certificate +R11, valid until 2027-02-28/);
		expect(frame).toMatch(/Instance +i-0abc123 at 44\.192\.0\.10 \(alpine@44\.192\.0\.10\)/);
		expect(frame).toMatch(/Time to HTTPS +3m05s/);
		for (const command of ['status', 'logs', 'ssh', 'deploy', 'rollback', 'destroy']) expect(frame).toMatch(new RegExp(`hoist ${command} +\\S`));
		expect(frame).toMatch(/^╭─+╮$/m);
	});

	it('the images the stack runs, by the full names the server pulled', () => {
		const frame = frameOf(finishedJournal({deploy: {release: {at: '2026-11-30T02:01:00.000Z', services: deployedServices}}}));
		keepCapture('finish-images', frame);
		expect(frame).toMatch(/Images +web ghcr\.io\/acme\/shop:1\.4, db docker\.io\/library\/postgres:16/);
		expect(frame).not.toContain('caddy');
	});

	it('a staging certificate says browsers will warn', () => {
		const frame = frameOf(finishedJournal({certificate: {...issuedCertificate, staging: true, issuer: '(STAGING) Ersatz Edamame E1'}}));
		expect(frame).toContain('(STAGING) Ersatz Edamame E1');
		expect(frame).toContain('Staging: browsers will warn; set acme.staging: false and run `hoist up` for a trusted one.');
	});

	it('no HTTPS yet: the http address and the A record to create; no time to HTTPS', () => {
		const frame = frameOf(finishedJournal({certificate: {status: 'skipped', names: [], address: '44.192.0.10', staging: false, acme: {}, certificates: []}, target: awsTarget}));
		keepCapture('finish-no-https', frame);
		expect(frame).toContain('http://44.192.0.10/ answers');
		expect(frame).toContain('at your DNS provider, create an A record app.example.test → 44.192.0.10');
		expect(frame).not.toContain('Time to HTTPS');
	});

	it('HTTPS skipped (hoist up --yes on a private address with a public CA): says plainly there is no HTTPS, and why', () => {
		const reason = '10.77.0.2 is not a public address (private (RFC 1918)): Let\'s Encrypt cannot reach it, so hoist skips the DNS and certificate steps (for HTTPS: set acme.directory to an ACME CA on the same network, such as step-ca, or dns.expectAddress to the public address that forwards to this server)';
		const target = {...awsTarget, host: '10.77.0.2', publicAddress: '10.77.0.2'};
		const frame = frameOf(finishedJournal({
			target,
			dns: {status: 'skipped', reason, address: '10.77.0.2', names: [], zones: {}},
			certificate: {status: 'skipped', reason, names: [], address: '10.77.0.2', staging: false, acme: {}, certificates: []},
		}));
		keepCapture('finish-https-skipped', frame);
		expect(frame).toContain('http://10.77.0.2/ answers');
		expect(frame.replace(/[│\s]+/g, ' ')).toContain(`No HTTPS ${reason}`);
		expect(frame).not.toContain('Time to HTTPS');
		expect(frame).not.toContain('create an A record');
	});

	it('ends the run screen of a successful `hoist up` (the Ink renderer shows it under the steps)', async () => {
		const {renderer, stdout} = startInkRenderer({tty: true});
		for (const event of successfulRetry()) renderer.onEvent(event);
		renderer.showFinish(finishFacts(finishedJournal(), finishConfig)!);
		await vi.waitFor(() => expect(stdout.lastFrame()).toContain('Time to HTTPS'));
		const frame = stdout.lastFrame();
		await renderer.close();
		keepCapture('run-then-finish', frame);
		expect(frame).toContain('All steps done.');
		expect(frame.indexOf('All steps done.')).toBeLessThan(frame.indexOf('https://app.example.test/ answers'));
	});
});
