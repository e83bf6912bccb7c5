import type {AwsApi} from './aws/api.js';
import type {Secrets} from './config/secrets.js';
import type {Redactor} from './engine/redactor.js';
import type {OpenOptions} from './remote/connections.js';
import type {RemoteSession} from './remote/session.js';
import type {Target} from './remote/target.js';
import type {QueryFn} from './dns/client.js';
import type {CertificateProbe, HttpsGetOptions, HttpsGetResult, ProbeOptions} from './tls/probe.js';

/**
 * The outside world as steps see it. The command builds the real adapters; tests pass fakes. Adapters are
 * created on first use so a command that never talks to AWS never loads the SDK.
 */
export interface Services {
	readonly secrets: Secrets;
	/** The environment hoist runs in: compose interpolation reads it (a test passes its own). */
	readonly environment: Readonly<Record<string, string | undefined>>;
	/** Register every secret value here so the engine masks it in logs, events and errors. */
	readonly redactor: Redactor;
	aws(): AwsApi;
	/** The run's one SSH connection to the target: opened on first use, shared by every remote step. */
	remote(target: Target, options?: OpenOptions): Promise<RemoteSession>;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	now(): number;
	/** One DNS question to one server (never the system resolver): the DNS watcher's only way out. */
	dnsQuery: QueryFn;
	/** A TLS handshake with SNI, the certificate judged against the given roots. */
	probeCertificate(options: ProbeOptions): Promise<CertificateProbe>;
	/** One HTTPS GET to an address with a name as SNI and Host. */
	httpsGet(address: string, servername: string, path: string, options: HttpsGetOptions): Promise<HttpsGetResult>;
}
