/**
 * "Does the server present a good certificate for the domain?" A TLS handshake to the server's address with the
 * domain as SNI, the chain checked against the given roots, the name checked with tls.checkServerIdentity; and one
 * HTTPS GET over the same kind of connection. DNS is not involved: the address is given.
 */
import {X509Certificate} from 'node:crypto';
import https from 'node:https';
import net from 'node:net';
import {performance} from 'node:perf_hooks';
import tls from 'node:tls';
import {settleOnce} from '../engine/settle-once.js';
import {ExternalError} from '../errors.js';

export interface TrustOptions {
	/** PEM texts of extra roots (a private ACME CA, Pebble's issuing root, Caddy's local CA). */
	trustRoots: string[];
	/** Also trust Node's bundled Mozilla roots (tls.rootCertificates). */
	useSystemRoots: boolean;
}

export interface ProbeOptions extends TrustOptions {
	address: string;
	port?: number;
	/** The domain: sent as SNI and checked against the certificate's names. */
	servername: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	/** For expiry arithmetic (tests). */
	now?: () => number;
}

export interface ChainEntry {
	subject: string;
	issuer: string;
}

export interface CertificateProbe {
	/** Chain trusted, name matches, within its validity period. */
	authorized: boolean;
	/** Why not: an OpenSSL code (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, …) or ERR_TLS_CERT_ALTNAME_INVALID. */
	authorizationError?: string;
	/** Human text for authorizationError. */
	authorizationMessage?: string;
	/** The issuer's CN, else its O. */
	issuer: string;
	issuerOrganization?: string;
	subject: string;
	/** DNS names of the subjectAltName extension. */
	names: string[];
	notBefore: Date;
	notAfter: Date;
	/** Whole days until notAfter (negative when expired). */
	daysLeft: number;
	chain: ChainEntry[];
	selfSigned: boolean;
	/** Issued by Caddy's own local CA ("Caddy Local Authority"): Caddy could not get a public certificate, or was told to use `tls internal`. */
	caddyInternal: boolean;
	protocol?: string;
	fingerprint256: string;
	/** The leaf certificate as DER (its AKI and serial name it to the CA's renewal information). */
	raw: Buffer;
	elapsedMs: number;
}

export type TlsFailure = 'refused' | 'timeout' | 'handshake' | 'network';

export class TlsProbeError extends ExternalError {
	readonly reason: TlsFailure;

	constructor(reason: TlsFailure, message: string, details: {command: string; cause?: unknown; hint?: string}) {
		super(message, {
			code: {refused: 'TLS_REFUSED', timeout: 'TLS_TIMEOUT', handshake: 'TLS_HANDSHAKE', network: 'TLS_NETWORK'}[reason],
			command: details.command,
			...(details.hint === undefined ? {} : {hint: details.hint}),
			cause: details.cause,
		});
		this.reason = reason;
	}
}

export const defaultTlsTimeoutMs = 5000;

/** The trust store: the given roots, plus Node's bundled roots when asked. */
export function trustStore(options: TrustOptions): string[] {
	return [...options.trustRoots, ...(options.useSystemRoots ? tls.rootCertificates : [])];
}

function hostPort(address: string, port: number): string {
	return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

function nameOf(entity: tls.Certificate | undefined): string {
	if (!entity) return '';
	const cn = entity.CN as string | string[] | undefined;
	const o = entity.O as string | string[] | undefined;
	const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
	return first(cn) ?? first(o) ?? '';
}

function sanNames(subjectaltname: string | undefined): string[] {
	if (!subjectaltname) return [];
	return subjectaltname.split(/,\s*/).filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4));
}

function chainOf(leaf: tls.DetailedPeerCertificate): ChainEntry[] {
	const chain: ChainEntry[] = [];
	const seen = new Set<string>();
	let cert: tls.DetailedPeerCertificate | undefined = leaf;
	while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
		seen.add(cert.fingerprint256);
		chain.push({subject: nameOf(cert.subject), issuer: nameOf(cert.issuer)});
		cert = cert.issuerCertificate;
	}
	return chain;
}

function isSelfSigned(raw: Buffer): boolean {
	try {
		const x509 = new X509Certificate(raw);
		return x509.checkIssued(x509) && x509.verify(x509.publicKey);
	} catch {
		return false;
	}
}

const chainErrors: Record<string, string> = {
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted CA',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate\'s issuer is not trusted here (an unknown root, or a missing intermediate)',
	UNABLE_TO_GET_ISSUER_CERT: 'the certificate\'s issuer is not trusted here',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
	SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed root that is not trusted here',
	CERT_HAS_EXPIRED: 'the certificate has expired',
	CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clocks)',
	CERT_REVOKED: 'the certificate has been revoked',
};

/** A sentence for an OpenSSL verification code. */
export function chainErrorText(code: string): string {
	return chainErrors[code] ?? `the certificate chain does not verify (${code})`;
}

function connectError(error: NodeJS.ErrnoException, where: string, command: string, servername: string): TlsProbeError {
	if (error.code === 'ECONNREFUSED') {
		return new TlsProbeError('refused', `${where} refused the connection: nothing listens there`, {
			command, cause: error, hint: 'The server (Caddy) is not running, or the port is closed by a firewall that rejects.',
		});
	}
	if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || /handshake|SSL|TLS|alert|wrong version/i.test(error.message)) {
		return new TlsProbeError('handshake', `TLS handshake with ${where} for ${servername} failed: ${error.message}`, {
			command, cause: error, hint: 'The server does not speak TLS on that port, or has no certificate for that name yet.',
		});
	}
	return new TlsProbeError('network', `${where}: ${error.message}`, {command, cause: error});
}

/** One TLS handshake; resolves with what the certificate says, rejects only when no handshake completes. */
export function probeCertificate(options: ProbeOptions): Promise<CertificateProbe> {
	const port = options.port ?? 443;
	const where = hostPort(options.address, port);
	const command = `tls ${where} sni=${options.servername}`;
	const timeoutMs = options.timeoutMs ?? defaultTlsTimeoutMs;
	const now = options.now ?? Date.now;
	const timedOut = () => new TlsProbeError('timeout', `No TLS handshake with ${where} within ${timeoutMs} ms`, {
		command, hint: 'The address does not answer on that port (filtered), or answers without speaking TLS.',
	});
	return settleOnce<CertificateProbe>({signal: options.signal, timeoutMs, timedOut}, (settle) => {
		const started = performance.now();
		const socket = tls.connect({
			host: options.address,
			port,
			servername: options.servername,
			ca: trustStore(options),
			rejectUnauthorized: false, // judged below, so the result can say why
			checkServerIdentity: () => undefined,
			ALPNProtocols: ['http/1.1'],
		});
		const finish = (error: unknown, result?: CertificateProbe) => (result ? settle.resolve(result) : settle.reject(error));
		socket.on('error', (error: NodeJS.ErrnoException) => finish(connectError(error, where, command, options.servername)));
		socket.on('secureConnect', () => {
			const leaf = socket.getPeerCertificate(true);
			if (!leaf || !leaf.raw) {
				finish(new TlsProbeError('handshake', `${where} sent no certificate`, {command}));
				return;
			}
			// Node reports the chain verdict as an OpenSSL code string; names are checked here, not by Node.
			const chainError = socket.authorizationError ? String(socket.authorizationError) : undefined;
			const nameError = tls.checkServerIdentity(options.servername, leaf);
			const notBefore = new Date(leaf.valid_from);
			const notAfter = new Date(leaf.valid_to);
			const issuer = nameOf(leaf.issuer);
			const issuerOrganization = leaf.issuer?.O as string | undefined;
			const authorizationError = chainError ?? (nameError ? (nameError as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID' : undefined);
			const authorizationMessage = chainError ? chainErrorText(chainError) : nameError?.message;
			const issuerText = `${leaf.issuer?.CN ?? ''} ${leaf.issuer?.O ?? ''}`;
			finish(undefined, {
				authorized: authorizationError === undefined,
				...(authorizationError === undefined ? {} : {authorizationError}),
				...(authorizationMessage === undefined ? {} : {authorizationMessage}),
				issuer,
				...(issuerOrganization === undefined ? {} : {issuerOrganization}),
				subject: nameOf(leaf.subject),
				names: sanNames(leaf.subjectaltname),
				notBefore,
				notAfter,
				daysLeft: Math.floor((notAfter.getTime() - now()) / 86_400_000),
				chain: chainOf(leaf),
				selfSigned: isSelfSigned(leaf.raw),
				caddyInternal: /Caddy Local Authority/i.test(issuerText),
				...(socket.getProtocol() ? {protocol: socket.getProtocol() ?? ''} : {}),
				fingerprint256: leaf.fingerprint256,
				raw: leaf.raw,
				elapsedMs: Math.round(performance.now() - started),
			});
		});
		return () => socket.destroy();
	});
}

export interface HttpsGetOptions extends TrustOptions {
	port?: number;
	timeoutMs?: number;
	/** Body bytes kept (default 64 KiB); the rest is read and dropped. */
	maxBytes?: number;
	signal?: AbortSignal;
	/** Fetch even when the certificate does not verify (default false: a bad certificate is a TlsProbeError). */
	allowUntrusted?: boolean;
}

export interface HttpsGetResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** The body was longer than maxBytes. */
	truncated: boolean;
	elapsedMs: number;
}

/**
 * One HTTPS GET to ADDRESS with SERVERNAME as SNI and Host header, certificate verified against the trust store
 * (chain and name): "does the domain answer HTTPS with the app?"
 */
export function httpsGet(address: string, servername: string, path: string, options: HttpsGetOptions): Promise<HttpsGetResult> {
	const port = options.port ?? 443;
	const where = hostPort(address, port);
	const command = `https GET https://${servername}${path} via ${where}`;
	const timeoutMs = options.timeoutMs ?? defaultTlsTimeoutMs;
	const maxBytes = options.maxBytes ?? 64 * 1024;
	const timedOut = () => new TlsProbeError('timeout', `No HTTPS answer from ${where} for ${servername} within ${timeoutMs} ms`, {command});
	return settleOnce<HttpsGetResult>({signal: options.signal, timeoutMs, timedOut}, (settle) => {
		const started = performance.now();
		const request = https.request({
			host: address,
			port,
			path,
			method: 'GET',
			servername,
			headers: {Host: port === 443 ? servername : `${servername}:${port}`, 'User-Agent': 'hoist', Accept: '*/*'},
			ca: trustStore(options),
			rejectUnauthorized: !options.allowUntrusted,
			checkServerIdentity: (_host, cert) => tls.checkServerIdentity(servername, cert),
			agent: false,
		});
		const finish = (error: unknown, result?: HttpsGetResult) => (result ? settle.resolve(result) : settle.reject(error));
		request.on('error', (error: NodeJS.ErrnoException) => {
			const code = error.code ?? '';
			if (/CERT|SELF_SIGNED|ALTNAME|UNABLE_TO|DEPTH_ZERO/.test(code)) {
				finish(new TlsProbeError('handshake', `The certificate of ${where} for ${servername} is not trusted: ${error.message}`, {
					command, cause: error, hint: 'Caddy has not obtained a certificate from the CA yet, or the CA\'s root is not trusted here.',
				}));
				return;
			}
			finish(connectError(error, where, command, servername));
		});
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			let kept = 0;
			let truncated = false;
			response.on('data', (chunk: Buffer) => {
				if (kept >= maxBytes) {
					truncated = true;
					return;
				}
				const part = chunk.subarray(0, maxBytes - kept);
				if (part.length < chunk.length) truncated = true;
				chunks.push(part);
				kept += part.length;
			});
			response.on('end', () => finish(undefined, {
				status: response.statusCode ?? 0,
				headers: response.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				truncated,
				elapsedMs: Math.round(performance.now() - started),
			}));
			response.on('error', (error) => finish(connectError(error as NodeJS.ErrnoException, where, command, servername)));
		});
		request.end();
		return () => request.destroy();
	});
}
