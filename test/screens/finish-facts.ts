import {configSchema} from '../../source/config/schema.js';
import type {JournalData} from '../../source/engine/journal.js';
import type {Target} from '../../source/remote/target.js';

/** A journal as a successful `hoist up` on AWS leaves it: the run started at 02:00, the certificate done at 02:03:05. */
export const finishConfig = configSchema.parse({
	stack: 'shop',
	domain: 'app.example.test',
	aliases: ['www.app.example.test'],
	compose: {service: 'web', port: 8080},
	aws: {sshCidr: '203.0.113.7/32'},
});

export const awsTarget: Target = {kind: 'aws', host: '44.192.0.10', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'i-0abc123', publicAddress: '44.192.0.10'};

export const issuedCertificate = {
	status: 'issued', names: ['app.example.test', 'www.app.example.test'], address: '44.192.0.10', staging: false, issuer: 'R11',
	notAfter: '2027-02-28T00:00:00.000Z', acme: {directory: 'https://acme.example.test/directory', caRoot: false}, certificates: [],
};

/** What the deploy step recorded: images as the server ran them, one recorded short by an older hoist, hoist's Caddy. */
export const deployedServices = {
	web: {image: 'ghcr.io/acme/shop:1.4', digest: `sha256:${'a'.repeat(64)}`},
	db: {image: 'postgres:16', digest: `sha256:${'b'.repeat(64)}`},
	'hoist-caddy': {image: 'docker.io/library/caddy:2.10', digest: `sha256:${'c'.repeat(64)}`},
};

export function finishedJournal(overrides: {certificate?: object; certificateRecord?: object; target?: Target; upload?: object; deploy?: object; dns?: object} = {}): JournalData {
	return {
		schema: 2, stack: 'shop', runId: 'r1', createdAt: '2026-11-30T01:00:00.000Z', updatedAt: '2026-11-30T02:03:06.000Z', resources: {}, releases: [],
		runs: [
			{command: 'up', startedAt: '2026-11-30T01:00:00.000Z', finishedAt: '2026-11-30T01:01:00.000Z', result: 'failed'},
			{command: 'up', startedAt: '2026-11-30T02:00:00.000Z', finishedAt: '2026-11-30T02:03:06.000Z', result: 'ok'},
		],
		steps: {
			target: {status: 'done', outputs: overrides.target ?? awsTarget},
			...(overrides.upload ? {upload: {status: 'done', outputs: overrides.upload}} : {}),
			...(overrides.deploy ? {deploy: {status: 'done', outputs: overrides.deploy}} : {}),
			...(overrides.dns ? {dns: {status: 'done', outputs: overrides.dns}} : {}),
			certificate: {
				status: 'done', outputs: overrides.certificate ?? issuedCertificate,
				startedAt: '2026-11-30T02:02:00.000Z', finishedAt: '2026-11-30T02:03:05.000Z', durationMs: 65_000, reused: false,
				...overrides.certificateRecord,
			},
		},
	} as unknown as JournalData;
}
