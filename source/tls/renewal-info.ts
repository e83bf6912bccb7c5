/**
 * The CA's ACME Renewal Information (RFC 9773): the directory's `renewalInfo` URL, then GET <renewalInfo>/<certID>
 * for the window in which the CA wants the certificate renewed. Caddy (certmagic ≥ 0.21, Caddy ≥ 2.8) renews at a
 * random time inside that window, so `hoist status` judges renewal by it when the CA has one.
 *
 * Only what status can afford: plain GETs without an ACME account, short timeouts, and every failure is a result,
 * never an error. The sandbox's Pebble (2.4.0, Debian 12's) has no ARI, so this path has no e2e test (its Caddy, 2.11,
 * would use one); the unit tests run it against HTTPS servers on 127.0.0.1.
 */
import https from 'node:https';
import {settleOnce} from '../engine/settle-once.js';
import {ariCertId} from './ari-cert-id.js';
import {trustStore, type TrustOptions} from './probe.js';
import type {RenewalWindow} from './renewal.js';

/** A status must stay quick: the whole ARI look (directory and every window, in parallel) gets this long. */
export const ariBudgetMs = 2_000;
const maxBodyBytes = 64 * 1024;

/** The window; "none" when the CA (or the certificate) has no ARI; "unreadable" when the CA's answer could not be had. */
export type RenewalInfo = {kind: 'window'; window: RenewalWindow} | {kind: 'none'} | {kind: 'unreadable'; reason: string};

interface JsonAnswer {
	status: number;
	json: unknown;
	retryAfter?: string;
}

function getJson(url: string, trust: TrustOptions, signal: AbortSignal): Promise<JsonAnswer> {
	const where = new URL(url).host;
	return settleOnce<JsonAnswer>({signal, aborted: () => new Error(`${where} did not answer in time`)}, (settle) => {
		const request = https.get(url, {ca: trustStore(trust), agent: false, headers: {Accept: 'application/json', 'User-Agent': 'hoist'}}, (response) => {
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > maxBodyBytes) settle.reject(new Error(`${where} answered more than ${maxBodyBytes} bytes`));
				else chunks.push(chunk);
			});
			response.on('end', () => {
				const status = response.statusCode ?? 0;
				const retryAfter = response.headers['retry-after'];
				let json: unknown;
				try {
					json = status === 200 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
				} catch {
					settle.reject(new Error(`${where} answered something that is not JSON`));
					return;
				}
				settle.resolve({status, json, ...(retryAfter === undefined ? {} : {retryAfter})});
			});
			response.on('error', (error) => settle.reject(error));
		});
		request.on('error', (error) => settle.reject(new Error(`${where}: ${error.message}`)));
		return () => request.destroy();
	});
}

/** The directory's renewalInfo URL; undefined when the CA offers no ARI. Rejects when the directory cannot be read. */
export async function renewalInfoUrl(directory: string, trust: TrustOptions, signal: AbortSignal): Promise<string | undefined> {
	const answer = await getJson(directory, trust, signal);
	if (answer.status !== 200) throw new Error(`the CA's directory answered HTTP ${answer.status}`);
	const url = (answer.json as {renewalInfo?: unknown} | undefined)?.renewalInfo;
	return typeof url === 'string' && url.startsWith('https://') ? url : undefined;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110), in ms from now. */
function retryAfterMs(value: string | undefined, now: number): number | undefined {
	if (value === undefined) return undefined;
	const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
	return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function windowOf(json: unknown, retryAfter: number | undefined): RenewalWindow {
	const {suggestedWindow, explanationURL} = (json ?? {}) as {suggestedWindow?: {start?: unknown; end?: unknown}; explanationURL?: unknown};
	const start = new Date(typeof suggestedWindow?.start === 'string' ? suggestedWindow.start : Number.NaN);
	const end = new Date(typeof suggestedWindow?.end === 'string' ? suggestedWindow.end : Number.NaN);
	// RFC 9773 §4.2: a window that ends before it starts is to be treated as no answer at all.
	if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) throw new Error('the CA\'s renewal window is not a valid window');
	return {
		start,
		end,
		...(typeof explanationURL === 'string' ? {explanationUrl: explanationURL} : {}),
		...(retryAfter === undefined ? {} : {retryAfterMs: retryAfter}),
	};
}

/** The CA's renewal window for a DER certificate, given the directory's renewalInfo URL (or the failure to read it). */
export async function renewalInfoOf(infoUrl: Promise<string | undefined>, der: Buffer, trust: TrustOptions, signal: AbortSignal, now = Date.now()): Promise<RenewalInfo> {
	try {
		const base = await infoUrl;
		const certId = ariCertId(der);
		if (!base || !certId) return {kind: 'none'};
		const answer = await getJson(`${base.replace(/\/+$/, '')}/${certId}`, trust, signal);
		if (answer.status !== 200) throw new Error(`the CA answered HTTP ${answer.status} for this certificate`);
		return {kind: 'window', window: windowOf(answer.json, retryAfterMs(answer.retryAfter, now))};
	} catch (error) {
		return {kind: 'unreadable', reason: error instanceof Error ? error.message : String(error)};
	}
}
