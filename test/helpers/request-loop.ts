// Visitors for the zero-downtime tests: GETs on fresh connections at a steady rate through Caddy on the sandbox host,
// counting every request that failed as a visitor would count it (an error status, a reset, no answer in time).
import http from 'node:http';
import https from 'node:https';
import type {TLSSocket} from 'node:tls';

export interface Answer {
	status: number;
	body: string;
	/** The common name of the certificate's issuer, over HTTPS. */
	issuer?: string;
}

export type Get = () => Promise<Answer>;

/** A request that has no whole answer by then counts as failed. */
export const answerWithinMs = 5_000;

/** One request that must have its whole answer within answerWithinMs. */
function answered(request: (done: (response: http.IncomingMessage) => void) => http.ClientRequest): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const client = request((response) => {
			let body = '';
			const socket = response.socket as TLSSocket;
			const issuer = typeof socket.getPeerCertificate === 'function' ? String(socket.getPeerCertificate().issuer?.CN ?? '') : undefined;
			response.on('data', (chunk: Buffer) => (body += chunk.toString()));
			response.on('end', () => resolve({status: response.statusCode ?? 0, body, ...(issuer === undefined ? {} : {issuer})}));
			response.on('error', reject);
		});
		const timer = setTimeout(() => client.destroy(new Error(`no answer within ${answerWithinMs / 1000} s`)), answerWithinMs);
		client.on('close', () => clearTimeout(timer));
		client.on('error', reject);
	});
}

/** GET over plain HTTP to an address, on a new connection each time (no kept-alive socket to race). */
export function plainGet(host: string, path: string): Get {
	return () => answered((done) => http.get({host, port: 80, path, agent: false}, done));
}

/** GET over HTTPS as a browser makes it: the name in SNI and Host, `ca` the one root trusted, sent to `host`. */
export function secureGet(host: string, name: string, path: string, ca: Buffer): Get {
	return () => answered((done) => https.get({host, port: 443, servername: name, headers: {host: name}, ca, path, agent: false}, done));
}

/**
 * GETs at a steady 20 per second on each labelled URL until stopped. Each failure is one line that starts with the
 * time the request was sent (ISO, 24 characters), then the label and why; `versions` is what each URL's JSON body
 * said its version was, in order; `slowest` is the longest a request that succeeded took, and when it was sent.
 */
export function requestLoops(gets: Record<string, Get>) {
	let running = true;
	let sent = 0;
	const failures: string[] = [];
	let slowest = {ms: 0, at: ''};
	const versions = new Map<string, string[]>();
	const loops = Object.entries(gets).map(async ([label, get]) => {
		const seen: string[] = [];
		versions.set(label, seen);
		while (running) {
			const started = Date.now();
			const when = new Date(started).toISOString();
			sent++;
			try {
				const {status, body} = await get();
				if (status < 200 || status >= 400) failures.push(`${when} ${label} HTTP ${status} ${body.slice(0, 200)} after ${Date.now() - started} ms`);
				else {
					seen.push(versionOf(body));
					const ms = Date.now() - started;
					if (ms > slowest.ms) slowest = {ms, at: `${when} ${label}`};
				}
			} catch (error) {
				failures.push(`${when} ${label} ${(error as Error).message} after ${Date.now() - started} ms`);
			}
			await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (Date.now() - started))));
		}
	});
	return {
		async stop() {
			running = false;
			await Promise.all(loops);
			return {sent, failures, versions, slowest};
		},
	};
}

function versionOf(body: string): string {
	try {
		return String((JSON.parse(body) as {version?: unknown}).version);
	} catch {
		return '';
	}
}
