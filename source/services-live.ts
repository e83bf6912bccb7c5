import type {AwsApi} from './aws/api.js';
import type {Config} from './config/schema.js';
import type {Secrets} from './config/secrets.js';
import {systemClock} from './engine/clock.js';
import type {Redactor} from './engine/redactor.js';
import type {RemoteConnections} from './remote/connections.js';
import {BugError} from './errors.js';
import type {Services} from './services.js';

/**
 * The real adapters: the AWS SDK with the standard credential chain (loaded only for a stack on AWS), the run's SSH
 * connection, real time.
 */
export async function liveServices(
	config: Config,
	secrets: Secrets,
	redactor: Redactor,
	connections: RemoteConnections,
	environment: NodeJS.ProcessEnv,
): Promise<Services> {
	const sdk = config.aws ? await import('./aws/api.js') : undefined;
	let aws: AwsApi | undefined;
	return {
		secrets,
		environment,
		redactor,
		aws: () => {
			if (!sdk) throw new BugError('AWS was asked for by a stack without an aws section.', {code: 'BUG_PLAN'});
			return (aws ??= new sdk.AwsApi({region: config.aws?.region, profile: config.aws?.profile}));
		},
		remote: (target, options) => connections.open(target, options),
		sleep: systemClock.sleep,
		now: systemClock.now,
		// Loaded on first use: most commands never ask DNS or open TLS.
		dnsQuery: async (options) => (await import('./dns/client.js')).query(options),
		probeCertificate: async (options) => (await import('./tls/probe.js')).probeCertificate(options),
		httpsGet: async (address, servername, path, options) => (await import('./tls/probe.js')).httpsGet(address, servername, path, options),
	};
}
