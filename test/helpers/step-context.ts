import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {EC2Client, EC2ServiceException} from '@aws-sdk/client-ec2';
import {STSClient} from '@aws-sdk/client-sts';
import {mockClient, type AwsClientStub} from 'aws-sdk-client-mock';
import {AwsApi} from '../../source/aws/api.js';
import {configSchema, type Config} from '../../source/config/schema.js';
import type {DetailRow} from '../../source/engine/details.js';
import {Redactor} from '../../source/engine/redactor.js';
import {stackFiles, type StackFiles} from '../../source/engine/stack-files.js';
import type {DestroyOptions, ResourceRecord, Step, StepContext, StepId, StepOutputs, UndoContext} from '../../source/engine/step.js';
import type {Services} from '../../source/services.js';
import {afterEach} from 'vitest';

/** What a test may put into hoist.yml on top of the minimal valid one. */
export interface ConfigOverrides {
	stack?: string;
	aws?: Record<string, unknown>;
	/** An existing server instead of aws: (the aws section is then left out). */
	server?: Record<string, unknown>;
	ssh?: Record<string, unknown>;
}

export interface HarnessOptions extends ConfigOverrides {
	runId?: string;
	/** Tries per call in AwsApi (default 8, like the product). */
	attempts?: number;
	/** Overrides the EC2 client, e.g. one without a region. */
	ec2Client?: EC2Client;
	/** Called on every sleep, before it resolves: a test can abort a signal here. */
	onSleep?: (ms: number) => void;
	/** What other steps recorded in the journal, for `ctx.recorded`. */
	recorded?: Partial<Record<StepId, unknown>>;
	/** The run's SSH connection, for the steps that log in. */
	remote?: Services['remote'];
	/** DNS questions, for the DNS steps (default: none may be asked). */
	dnsQuery?: Services['dnsQuery'];
	probeCertificate?: Services['probeCertificate'];
	httpsGet?: Services['httpsGet'];
	/** The whole of hoist.yml, when a test needs more than the overrides above. */
	config?: Config;
}

export interface Harness {
	readonly ec2: AwsClientStub<EC2Client>;
	readonly sts: AwsClientStub<STSClient>;
	readonly aws: AwsApi;
	readonly config: Config;
	readonly files: StackFiles;
	readonly services: Services;
	/** Every delay asked of `sleep` (by AwsApi's backoff and by the steps), in order. */
	readonly sleeps: number[];
	readonly progress: string[];
	readonly logs: string[];
	/** The details as the step handed them over. */
	readonly detailRows: DetailRow[];
	/** Each detail's facts, `{kind, ...data}`: what tests of a step assert. */
	readonly details: Array<{kind: string} & Record<string, unknown>>;
	/** The resource record, by `${type}:${id}`, as the journal would hold it. */
	readonly resources: Map<string, ResourceRecord>;
	/** Fake time in ms; `sleep` advances it by the delay asked for. */
	now: number;
	readonly controller: AbortController;
	context<Id extends StepId, Needs extends StepId>(step: Step<Id, Needs>, options?: ContextOptions<Id, Needs>): StepContext<Id, Needs>;
	undoContext<Id extends StepId, Needs extends StepId>(step: Step<Id, Needs>, options?: {previous?: StepOutputs[Id]; destroy?: Partial<DestroyOptions>}): UndoContext<Id>;
	cleanup(): void;
}

export interface ContextOptions<Id extends StepId, Needs extends StepId> {
	outputs?: {readonly [K in Needs]: StepOutputs[K]};
	previous?: StepOutputs[Id];
}

export function parseConfig(overrides: ConfigOverrides = {}): Config {
	return configSchema.parse({
		stack: overrides.stack ?? 'demo',
		domain: 'app.example.test',
		compose: {service: 'web', port: 8080},
		...(overrides.server ? {server: overrides.server} : {aws: {region: 'us-east-1', sshCidr: '203.0.113.7/32', ...overrides.aws}}),
		...(overrides.ssh ? {ssh: overrides.ssh} : {}),
	});
}

/** A client that can never reach AWS: fake credentials and a closed loopback port. */
export function offlineEc2Client(region: string | (() => Promise<string>) = 'us-east-1'): EC2Client {
	return new EC2Client({region, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, endpoint: 'http://127.0.0.1:9'});
}

/** An error shaped like the ones the SDK deserialises from an AWS error answer. */
export function awsError(code: string, status = 400, message = `${code} (test)`): EC2ServiceException {
	return new EC2ServiceException({name: code, $fault: status >= 500 ? 'server' : 'client', $metadata: {httpStatusCode: status, requestId: 'req-1'}, message});
}

/** What Node's HTTP handler throws when the connection drops before AWS's answer arrives. */
export function connectionReset(): Error {
	return Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
}

/** Call at the top of a test file: a `setup()` that makes a harness, cleaned up after each test. */
export function harnessPerTest(): (options?: HarnessOptions) => Harness {
	let harness: Harness | undefined;
	afterEach(() => {
		harness?.cleanup();
		harness = undefined;
	});
	return (options = {}) => (harness = createHarness(options));
}

export function createHarness(options: HarnessOptions = {}): Harness {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-unit-'));
	const files = stackFiles(dir);
	// The engine's lock creates .hoist/ before any step runs.
	mkdirSync(files.stateDir, {recursive: true, mode: 0o700});

	const ec2Client = options.ec2Client ?? offlineEc2Client();
	const stsClient = new STSClient({region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, endpoint: 'http://127.0.0.1:9'});
	const sleeps: number[] = [];
	const progress: string[] = [];
	const logs: string[] = [];
	const detailRows: DetailRow[] = [];
	const details: Array<{kind: string} & Record<string, unknown>> = [];
	const resources = new Map<string, ResourceRecord>();
	const recorded: Partial<Record<StepId, unknown>> = options.recorded ?? {};
	const controller = new AbortController();
	const clock = {now: 1_700_000_000_000};

	/** Resolves at once, but keeps the books: the delay is recorded and the clock moves on by it. */
	const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
		if (signal?.aborted) throw signal.reason;
		sleeps.push(ms);
		clock.now += ms;
		options.onSleep?.(ms);
		if (signal?.aborted) throw signal.reason;
	};
	const aws = new AwsApi({ec2Client, stsClient, sleep, ...(options.attempts === undefined ? {} : {attempts: options.attempts})});
	const services: Services = {
		secrets: {registryTokens: {}},
		environment: {},
		redactor: new Redactor(),
		aws: () => aws,
		remote: options.remote ?? (() => Promise.reject(new Error('this test opens no SSH connection'))),
		sleep,
		now: () => clock.now,
		dnsQuery: options.dnsQuery ?? (() => Promise.reject(new Error('this test asks no DNS question'))),
		probeCertificate: options.probeCertificate ?? (() => Promise.reject(new Error('this test makes no TLS handshake'))),
		httpsGet: options.httpsGet ?? (() => Promise.reject(new Error('this test makes no HTTPS request'))),
	};
	const config = options.config ?? parseConfig(options);

	function base() {
		return {
			config,
			files,
			runId: options.runId ?? 'run-1',
			services,
			signal: controller.signal,
			progress: (message: string) => void progress.push(message),
			log: (line: string) => void logs.push(line),
			detail: (row: DetailRow) => {
				detailRows.push(row);
				details.push({kind: row.kind, ...row.data});
			},
			get resources(): ReadonlyMap<string, ResourceRecord> {
				return new Map(resources);
			},
			recordResource: async (resource: ResourceRecord) => {
				resources.set(`${resource.type}:${resource.id}`, resource);
			},
			forgetResource: async (type: string, id: string) => {
				resources.delete(`${type}:${id}`);
			},
			recorded: <Id extends StepId>(id: Id): StepOutputs[Id] | undefined => recorded[id] as StepOutputs[Id] | undefined,
			releases: [],
			pinnedRelease: undefined,
		};
	}

	function context<Id extends StepId, Needs extends StepId>(_step: Step<Id, Needs>, contextOptions: ContextOptions<Id, Needs> = {}): StepContext<Id, Needs> {
		const outputs = contextOptions.outputs ?? ({} as {readonly [K in Needs]: StepOutputs[K]});
		return {...base(), outputs, previous: contextOptions.previous, rerun: 'hoist up', dnsView: 'hoist dns'};
	}

	function undoContext<Id extends StepId, Needs extends StepId>(
		_step: Step<Id, Needs>,
		contextOptions: {previous?: StepOutputs[Id]; destroy?: Partial<DestroyOptions>} = {},
	): UndoContext<Id> {
		return {...base(), previous: contextOptions.previous, destroy: {volumes: false, snapshot: false, ...contextOptions.destroy}};
	}

	return {
		ec2: mockClient(ec2Client),
		sts: mockClient(stsClient),
		aws,
		config,
		files,
		services,
		sleeps,
		progress,
		logs,
		detailRows,
		details,
		resources,
		get now() {
			return clock.now;
		},
		set now(value: number) {
			clock.now = value;
		},
		controller,
		context,
		undoContext,
		cleanup: () => rmSync(dir, {recursive: true, force: true}),
	};
}
