import {createServer, type Server, type Socket} from 'node:net';
import type {AddressInfo} from 'node:net';
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {AwsApi} from '../../../source/aws/api.js';
import {inStep} from '../../../source/engine/step-scope.js';
import {ExternalError} from '../../../source/errors.js';

/** A loopback endpoint that accepts every connection and never sends a byte back. */
let server: Server;
let connections = 0;
const sockets: Socket[] = [];
const saved = {...process.env};

beforeEach(async () => {
	connections = 0;
	server = createServer((socket) => {
		connections++;
		sockets.push(socket);
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	Object.assign(process.env, {
		AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
		AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
		AWS_SECRET_ACCESS_KEY: 'secret',
		AWS_CONFIG_FILE: '/dev/null',
		AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
		AWS_EC2_METADATA_DISABLED: 'true',
	});
});

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.destroy();
	await new Promise((resolve) => server.close(resolve));
	process.env = {...saved};
});

it('gives up on an AWS that takes the connection and never answers, after a few tries, showing each wait', async () => {
	const sleeps: number[] = [];
	const api = new AwsApi({region: 'eu-west-1', timeouts: {connectMs: 1_000, silentMs: 1_000}, sleep: async (ms) => void sleeps.push(ms)});
	const lines: string[] = [];
	const started = Date.now();

	const error = await inStep((line) => lines.push(line), () => api.sts(new GetCallerIdentityCommand({}))).catch((thrown: unknown) => thrown);

	expect(error).toBeInstanceOf(ExternalError);
	expect((error as ExternalError).message).toBe('AWS did not answer sts:GetCallerIdentity: nothing came back within 1 s, 3 tries.');
	expect(connections).toBe(3);
	expect(sleeps).toHaveLength(2);
	expect(lines).toEqual([
		expect.stringMatching(/^AWS has not answered sts:GetCallerIdentity for 1 s; asking again in 1 s \(try 2 of 3\)$/),
		expect.stringMatching(/^AWS has not answered sts:GetCallerIdentity for 1 s; asking again in \d s \(try 3 of 3\)$/),
	]);
	expect(Date.now() - started).toBeLessThan(8_000);
}, 15_000);
