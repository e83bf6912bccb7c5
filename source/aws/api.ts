import {EC2Client, type $Command, type EC2ClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes} from '@aws-sdk/client-ec2';
import {
	STSClient,
	type ServiceInputTypes as StsInput,
	type ServiceOutputTypes as StsOutput,
	type STSClientResolvedConfig,
} from '@aws-sdk/client-sts';
import {systemClock} from '../engine/clock.js';
import {poll} from '../engine/poll.js';
import {showWait} from '../engine/step-scope.js';
import {ExternalError, UserError} from '../errors.js';
import {formatSeconds} from '../text/format-seconds.js';
import {awsErrorCode, explainAwsError, isTransientNetworkFailure, isRetryable} from './errors.js';

type Ec2Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = $Command<I, O, EC2ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes>;
type StsCommand<I extends StsInput, O extends StsOutput> = $Command<I, O, STSClientResolvedConfig, StsInput, StsOutput>;

export interface CallOptions {
	signal?: AbortSignal;
	/**
	 * Error codes that mean "not visible yet": AWS is eventually consistent, so a resource created a moment ago
	 * can be missing from the next call. These are retried like throttling.
	 */
	retryOn?: readonly string[];
}

export interface AwsApiOptions {
	region?: string | undefined;
	profile?: string | undefined;
	/** Waits between retries; injectable so tests don't sleep. */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** How many times a throttled or not-yet-visible call is tried in all. */
	attempts?: number;
	/** How long a connection may take, and how long an open request may go without a byte from AWS. */
	timeouts?: {connectMs: number; silentMs: number};
	/** The clients, for tests that mock them. */
	ec2Client?: EC2Client;
	stsClient?: STSClient;
}

const defaultAttempts = 8;
/**
 * An endpoint that accepts the connection and never answers would otherwise hold a call for ever (the SDK has no
 * timeout of its own). A silent AWS is tried this many times in all, not `attempts`: each try already waited.
 */
const defaultTimeouts = {connectMs: 5_000, silentMs: 15_000};
const silentAttempts = 3;

/**
 * Every AWS call goes through here: errors become messages that name the call, throttling and eventual
 * consistency are waited out with capped exponential backoff and jitter, and Ctrl-C aborts the request.
 * The SDK's own retries are off so there is one retry policy, and it is tested.
 */
export class AwsApi {
	readonly ec2Client: EC2Client;
	readonly stsClient: STSClient;
	readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	readonly #attempts: number;
	readonly #silentMs: number;

	constructor(settings: AwsApiOptions = {}) {
		const timeouts = settings.timeouts ?? defaultTimeouts;
		const common = {
			...(settings.region ? {region: settings.region} : {}),
			...(settings.profile ? {profile: settings.profile} : {}),
			maxAttempts: 1,
			requestHandler: {connectionTimeout: timeouts.connectMs, socketTimeout: timeouts.silentMs},
		};
		this.#silentMs = timeouts.silentMs;
		this.ec2Client = settings.ec2Client ?? new EC2Client(common);
		this.stsClient = settings.stsClient ?? new STSClient(common);
		this.#sleep = settings.sleep ?? systemClock.sleep;
		this.#attempts = settings.attempts ?? defaultAttempts;
	}

	/** The region the clients resolved: hoist.yml, else AWS_REGION, else the profile's. */
	async region(): Promise<string> {
		try {
			return await this.ec2Client.config.region();
		} catch {
			throw new UserError('No AWS region is set.', {
				code: 'AWS_NO_REGION',
				hint: 'hoist takes the region from hoist.yml (aws.region), else AWS_REGION, else your AWS profile.',
				nextSteps: ['Add `region: eu-west-1` (or yours) under aws: in hoist.yml, or set AWS_REGION.'],
			});
		}
	}

	ec2<I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: Ec2Command<I, O>, options: CallOptions = {}): Promise<O> {
		return this.#call(`ec2:${operationName(command)}`, (abortSignal) => this.ec2Client.send(command, {abortSignal}), options);
	}

	sts<I extends StsInput, O extends StsOutput>(command: StsCommand<I, O>, options: CallOptions = {}): Promise<O> {
		return this.#call(`sts:${operationName(command)}`, (abortSignal) => this.stsClient.send(command, {abortSignal}), options);
	}

	#call<O>(call: string, send: (signal?: AbortSignal) => Promise<O>, options: CallOptions): Promise<O> {
		let silences = 0;
		return poll({
			attempt: async () => {
				try {
					return {done: true, value: await send(options.signal)};
				} catch (error) {
					if (options.signal?.aborted) throw error;
					const silent = awsErrorCode(error) === 'TimeoutError';
					if (silent) silences++;
					// A dropped connection is retried only for reads: a write may have happened before the line broke.
					const waitable =
						isRetryable(error) || (options.retryOn ?? []).includes(awsErrorCode(error)) || (isReadCall(call) && isTransientNetworkFailure(error));
					if (silent && (!waitable || silences >= silentAttempts)) throw this.#silence(call, silences);
					if (!waitable) throw explainAwsError(error, call);
					return {done: false, status: awsErrorCode(error), error};
				}
			},
			interval: (attempt) => backoff(attempt),
			maxAttempts: this.#attempts,
			clock: {now: systemClock.now, sleep: this.#sleep},
			...(options.signal ? {signal: options.signal} : {}),
			onWait: ({status, nextInMs, attempt}) =>
				showWait(status === 'TimeoutError' ? this.#waitLine(call, status, nextInMs, silences + 1, silentAttempts) : this.#waitLine(call, status, nextInMs, attempt + 1, this.#attempts)),
			giveUp: (last) => explainAwsError(last.error, call),
		});
	}

	/** "AWS has not answered sts:GetCallerIdentity for 15 s; asking again in 1 s (try 2 of 3)" */
	#waitLine(call: string, status: string, nextInMs: number, next: number, of: number): string {
		const why = status === 'TimeoutError' ? `AWS has not answered ${call} for ${formatSeconds(this.#silentMs / 1000)}` : `AWS answered ${call} with ${status}`;
		return `${why}; asking again in ${formatSeconds(Math.max(1, nextInMs / 1000))} (try ${next} of ${of})`;
	}

	#silence(call: string, tries: number): ExternalError {
		return new ExternalError(`AWS did not answer ${call}: nothing came back within ${formatSeconds(this.#silentMs / 1000)}${tries > 1 ? `, ${tries} tries` : ''}.`, {
			code: 'AWS_UNREACHABLE',
			command: call,
			hint: 'The endpoint took the connection but sent nothing back: a proxy or firewall in the way, or an endpoint override (AWS_ENDPOINT_URL) that points at something that is not AWS.',
			nextSteps: ['Check your connection (and AWS_ENDPOINT_URL, if set).'],
		});
	}
}

/** 0.5 s, 1 s, 2 s … capped at 20 s, with full jitter so parallel clients spread out. */
export function backoff(attempt: number, random = Math.random): number {
	const ceiling = Math.min(20_000, 500 * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function isReadCall(call: string): boolean {
	return /^[a-z0-9]+:(Describe|Get|List)/.test(call);
}

function operationName(command: object): string {
	return command.constructor.name.replace(/Command$/, '');
}
