import https from 'node:https';
import {ExternalError} from '../errors.js';
import {acmeManagementPort} from './standins.js';

/**
 * The rehearsal CA's current root (Pebble makes a new one each time it starts), from its management port on the
 * practice server, over TLS verified with the CA that signed Pebble's listener (its certificate names localhost).
 */
export function fetchRehearsalRoot(address: string, listenerCa: string, signal: AbortSignal): Promise<string> {
	const url = `https://${address.includes(':') ? `[${address}]` : address}:${acmeManagementPort}/roots/0`;
	return new Promise((resolve, reject) => {
		const request = https.get(url, {ca: listenerCa, servername: 'localhost', signal, timeout: 5_000}, (response) => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (body += chunk));
			response.on('end', () => (response.statusCode === 200 && body.includes('BEGIN CERTIFICATE')
				? resolve(body)
				: reject(failed(url, `HTTP ${response.statusCode ?? '?'}`))));
		});
		request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
		request.on('error', (error) => reject(signal.aborted ? signal.reason : failed(url, error.message)));
	});
}

function failed(url: string, why: string): ExternalError {
	return new ExternalError(`Could not fetch the rehearsal CA's root from ${url} (${why}).`, {
		code: 'REHEARSAL_ROOT_UNREACHABLE',
		command: `GET ${url}`,
		nextSteps: [`The practice server must accept connections to port ${acmeManagementPort} from this machine (a firewall on the VM?).`],
	});
}
