import {ExternalError, UserError, type HoistError} from '../errors.js';

/** What an SDK error looks like: `name` is the AWS error code, `$metadata` the HTTP facts. */
export interface AwsErrorShape {
	name?: string;
	message?: string;
	code?: string;
	$metadata?: {httpStatusCode?: number};
	$retryable?: {throttling?: boolean};
}

const accessDenied = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation']);
const badCredentials = new Set([
	'AuthFailure',
	'InvalidClientTokenId',
	'SignatureDoesNotMatch',
	'ExpiredToken',
	'ExpiredTokenException',
	'RequestExpired',
	'UnrecognizedClientException',
	'InvalidAccessKeyId',
]);
const throttling = new Set([
	'Throttling',
	'ThrottlingException',
	'RequestLimitExceeded',
	'TooManyRequestsException',
	'RequestThrottled',
	'EC2ThrottledException',
]);
const transientServer = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable']);
const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function awsErrorCode(error: unknown): string {
	const shape = error as AwsErrorShape;
	return shape?.name ?? shape?.code ?? 'Error';
}

/** Throttling and 5xx answers are worth waiting out; everything else is an answer. */
export function isRetryable(error: unknown): boolean {
	const shape = error as AwsErrorShape;
	const code = awsErrorCode(error);
	if (throttling.has(code) || shape?.$retryable?.throttling) return true;
	if (transientServer.has(code)) return true;
	const status = shape?.$metadata?.httpStatusCode;
	return status === 503 || status === 502 || status === 504;
}

/**
 * Turns an SDK error into a message that names the call and says what to do. It does not say which hoist command
 * to run next: the runner adds that, naming the command that was running (up or destroy).
 */
export function explainAwsError(error: unknown, call: string): HoistError {
	const shape = error as AwsErrorShape;
	const code = awsErrorCode(error);
	const message = (shape?.message ?? String(error)).split('\n')[0] ?? '';
	if (accessDenied.has(code)) {
		return new UserError(`AWS refused ${call}: the credentials in use lack the permission ${call}.`, {
			code: 'AWS_ACCESS_DENIED',
			hint: `AWS said: ${message}`,
			nextSteps: [
				`Allow ${call} in the IAM policy of the user or role hoist runs as (\`aws sts get-caller-identity\` shows which).`,
			],
		});
	}
	if (badCredentials.has(code)) {
		return new UserError(`AWS did not accept the credentials (${code}) when hoist called ${call}.`, {
			code: 'AWS_BAD_CREDENTIALS',
			hint: `AWS said: ${message}`,
			nextSteps: [
				'Refresh your credentials: `aws sso login` for SSO profiles, or `aws configure` for access keys.',
				'Check that AWS_PROFILE (or aws.profile in hoist.yml) names the account you mean.',
			],
		});
	}
	if (code === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
		return new UserError('No AWS credentials were found.', {
			code: 'AWS_NO_CREDENTIALS',
			hint: 'hoist looks where the AWS CLI does: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/config and ~/.aws/credentials, SSO.',
			nextSteps: ['Run `aws configure` (or `aws sso login --profile NAME` and set aws.profile in hoist.yml).'],
		});
	}
	const network = networkFailure(error);
	if (network || code === 'TimeoutError') {
		const where = network?.address ? ` at ${network.address}${network.port ? `:${network.port}` : ''}` : network?.hostname ? ` at ${network.hostname}` : '';
		return new ExternalError(`Could not reach AWS${where} for ${call} (${network?.code ?? code}).`, {
			code: 'AWS_UNREACHABLE',
			command: call,
			hint: 'The network, a proxy, a misspelt region or an endpoint override (AWS_ENDPOINT_URL_EC2) is in the way.',
			nextSteps: ['Check your connection (and AWS_ENDPOINT_URL, if set).'],
		});
	}
	return new AwsCallError(`AWS ${call} failed: ${code}: ${message}`, {
		code: 'AWS_CALL_FAILED',
		awsCode: code,
		command: call,
		nextSteps: ['If it fails the same way again, the message above is AWS\'s own: check the setting it names.'],
	});
}

interface NetworkFailure {
	code: string;
	address?: string;
	port?: number;
	hostname?: string;
}

const transientNetwork = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** A connection that broke or timed out (worth another try), as opposed to an endpoint that is not there. */
export function isTransientNetworkFailure(error: unknown): boolean {
	const failure = networkFailure(error);
	return (failure !== undefined && transientNetwork.has(failure.code)) || awsErrorCode(error) === 'TimeoutError';
}

/** The socket error behind an SDK error, if that is what it was (the SDK sometimes wraps it in `cause`). */
function networkFailure(error: unknown): NetworkFailure | undefined {
	for (let current = error as (NetworkFailure & {cause?: unknown}) | undefined, depth = 0; current && depth < 3; depth++) {
		if (typeof current.code === 'string' && unreachable.has(current.code)) return current;
		current = current.cause as typeof current;
	}
	return undefined;
}

/** An AWS answer that steps may expect (NotFound, Duplicate…): it keeps AWS's own error code. */
export class AwsCallError extends ExternalError {
	readonly awsCode: string;

	constructor(message: string, details: ConstructorParameters<typeof ExternalError>[1] & {awsCode: string}) {
		super(message, details);
		this.awsCode = details.awsCode;
	}
}

/** True when the error is AWS answering with one of these codes (e.g. InvalidGroup.NotFound). */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
	return error instanceof AwsCallError && codes.includes(error.awsCode);
}

/** The call's result, or undefined when AWS answers with one of the given "not there" codes. */
export async function unlessAwsError<T>(call: Promise<T>, ...codes: string[]): Promise<T | undefined> {
	try {
		return await call;
	} catch (error) {
		if (isAwsError(error, ...codes)) return undefined;
		throw error;
	}
}
