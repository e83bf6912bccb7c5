import {AwsApi, defaultSleep} from './aws/api.js';
import type {Config} from './config/schema.js';
import type {Secrets} from './config/secrets.js';
import type {Redactor} from './engine/redactor.js';
import {connectSsh} from './remote/ssh.js';
import type {Services} from './services.js';

/** The real adapters: the AWS SDK with the standard credential chain, ssh2, timers. */
export function liveServices(config: Config, secrets: Secrets, redactor: Redactor): Services {
	let aws: AwsApi | undefined;
	return {
		secrets,
		redactor,
		aws: () => (aws ??= new AwsApi({region: config.aws.region, profile: config.aws.profile})),
		connectSsh,
		sleep: defaultSleep,
		now: () => Date.now(),
	};
}
