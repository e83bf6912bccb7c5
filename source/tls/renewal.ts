import {formatSeconds} from '../text/format-seconds.js';

/** "88 days", "36 h", "40 min": a certificate's spans as people say them. */
function span(ms: number): string {
	const hours = ms / 3_600_000;
	return hours >= 48 ? `${Math.round(hours / 24)} days` : formatSeconds(ms / 1000);
}

/**
 * Caddy (certmagic) renews a certificate once a third of its lifetime is left (its RenewalWindowRatio), or earlier in
 * the CA's ARI window. Lifetimes run from 6 days to 90 and are shrinking, so "overdue" is judged against the
 * certificate's own lifetime, never a fixed number of days.
 */
export const renewalRatio = 1 / 3;
/**
 * A certificate still in use once only a quarter of its life is left was due a twelfth of its life ago (7.5 days
 * of a 90-day one, 12 hours of a 6-day one): long enough for Caddy's retries, short enough to act before it expires.
 */
export const overdueRatio = 1 / 4;

export type RenewalState = 'fine' | 'renewing' | 'overdue' | 'expired';

export interface Renewal {
	state: RenewalState;
	lifetimeMs: number;
	leftMs: number;
	/** When Caddy should renew it. */
	renewAt: Date;
	/** When this was judged (epoch ms). */
	at: number;
}

export function renewalOf(notBefore: Date, notAfter: Date, now: number): Renewal {
	const lifetimeMs = Math.max(0, notAfter.getTime() - notBefore.getTime());
	const leftMs = notAfter.getTime() - now;
	const renewAt = new Date(notAfter.getTime() - lifetimeMs * renewalRatio);
	const state: RenewalState = leftMs <= 0 ? 'expired' : leftMs < lifetimeMs * overdueRatio ? 'overdue' : leftMs < lifetimeMs * renewalRatio ? 'renewing' : 'fine';
	return {state, lifetimeMs, leftMs, renewAt, at: now};
}

/**
 * One line per name for `hoist status`: the issuer and the time left of the lifetime; a warning, with Caddy's own
 * reason when its log gives one, when renewal looks overdue or the certificate expired.
 */
export function renewalLines(name: string, issuer: string, renewal: Renewal, caddyReason?: string): string[] {
	const left = span(Math.max(0, renewal.leftMs));
	const lifetime = span(renewal.lifetimeMs);
	const head = `${name}: certificate from ${issuer}, ${renewal.state === 'expired' ? `expired ${span(-renewal.leftMs)} ago` : `${left} left`} of ${lifetime}`;
	switch (renewal.state) {
		case 'fine':
			return [`${head} (Caddy renews it from ${renewal.renewAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`];
		case 'renewing':
			return [`${head} (Caddy renews it now: a third of its life is left)`];
		case 'overdue':
		case 'expired': {
			const since = span(Math.max(0, renewal.at - renewal.renewAt.getTime()));
			return [
				`${head}`,
				`  Warning: renewal looks overdue: Caddy should have renewed it ${renewal.state === 'expired' ? 'a third of its life before it expired' : `${since} ago, at a third of its life left`}.`,
				`  ${caddyReason ? `Caddy's log: ${caddyReason}` : 'Caddy\'s log says nothing about it: `hoist logs hoist-caddy` shows what it did.'}`,
			];
		}
	}
}
