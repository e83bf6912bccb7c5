import {createServer, type AddressInfo} from 'node:net';
import {afterEach, expect, it} from 'vitest';
import {runCli} from '../helpers/run-cli.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

/**
 * A server whose SSH port is closed is an outside condition, exit 1, in `hoist up` as in logs, exec and status
 * (which fail on the same SshConnectError): it may answer later with nothing changed on the user's side.
 */
let stack: TempStack;
afterEach(() => stack.cleanup());

/** A loopback port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

it('hoist up on a server whose SSH port is closed: exit 1 after the wait, saying nothing listens there', {timeout: 30_000}, async () => {
	const port = await closedPort();
	stack = makeTempStack(
		[
			'stack: demo',
			'domain: app.example.test',
			'compose:',
			'  service: web',
			'  port: 8080',
			'server:',
			'  host: 127.0.0.1',
			`  port: ${port}`,
			'  hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKbqevtmJKE6rXdGHpYFzIzwTLHZIiWp4Pp1Svpts2Sk',
			'ssh:',
			'  waitSeconds: 5',
			'',
		].join('\n'),
	);
	const result = await runCli(['up', '--json'], {cwd: stack.dir});
	const failed = result.events.find((event) => event['type'] === 'step-failed') as {stepId: string; error: {code: string; kind: string; hint: string}};
	expect(failed, result.stdout + result.stderr).toMatchObject({stepId: 'ssh-ready', error: {code: 'SSH_NOT_READY', kind: 'external'}});
	expect(failed.error.hint).toContain(`nothing listens on port ${port}`);
	expect(result.code).toBe(1);
});
