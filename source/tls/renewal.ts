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

/** The CA's ARI window (RFC 9773): Caddy renews at a random time inside it. */
export interface RenewalWindow {
	start: Date;
	end: Date;
	/** The CA's page on why the window is where it is (an incident, a revocation). */
	explanationUrl?: string;
	/** How long until the CA wants to be asked again (its Retry-After): Caddy may see a moved window only that late. */
	retryAfterMs?: number;
}

/** certmagic looks at its certificates every 10 minutes (its RenewCheckInterval). */
const caddyCheckIntervalMs = 10 * 60_000;
/** RFC 9773 §4.3: clients treat a Retry-After under a minute as a minute, over a day as a day. */
const retryAfterBoundsMs = [60_000, 24 * 3_600_000] as const;
/** Without a Retry-After: Let's Encrypt's own interval. */
const defaultRetryAfterMs = 6 * 3_600_000;

/**
 * How long after the CA's window ends a certificate still in use counts as overdue: Caddy may learn of a window the
 * CA moved only at its next ARI poll (the CA's Retry-After), and acts on it at its next check.
 */
function windowGraceMs(window: RenewalWindow): number {
	const [least, most] = retryAfterBoundsMs;
	return Math.min(most, Math.max(least, window.retryAfterMs ?? defaultRetryAfterMs)) + caddyCheckIntervalMs;
}

export interface Renewal {
	state: RenewalState;
	lifetimeMs: number;
	leftMs: number;
	/** When Caddy should renew it: in the CA's window, or at a third of its life left, whichever comes first. */
	renewAt: Date;
	/** When this was judged (epoch ms). */
	at: number;
	window?: RenewalWindow;
	/** Caddy renews it in (or after) the CA's window, not at a third of its life. */
	byWindow: boolean;
	/**
	 * The CA wants it renewed before half its life: no CA's regular schedule does that (Let's Encrypt's windows sit at
	 * two thirds of the life, at half for certificates of under 10 days), a revocation or an incident does.
	 */
	early: boolean;
}

export function renewalOf(notBefore: Date, notAfter: Date, now: number, window?: RenewalWindow): Renewal {
	const lifetimeMs = Math.max(0, notAfter.getTime() - notBefore.getTime());
	const leftMs = notAfter.getTime() - now;
	const thirdLeft = notAfter.getTime() - lifetimeMs * renewalRatio;
	const quarterLeft = notAfter.getTime() - lifetimeMs * overdueRatio;
	// certmagic renews in the CA's window and still at a third of the life left when the window is later.
	const byWindow = window !== undefined && window.start.getTime() <= thirdLeft;
	const renewAt = new Date(byWindow ? window.start.getTime() : thirdLeft);
	const overdueAt = window ? Math.min(quarterLeft, window.end.getTime() + windowGraceMs(window)) : quarterLeft;
	const state: RenewalState = leftMs <= 0 ? 'expired' : now > overdueAt ? 'overdue' : now >= renewAt.getTime() ? 'renewing' : 'fine';
	const early = window !== undefined && window.end.getTime() < notBefore.getTime() + lifetimeMs / 2;
	return {state, lifetimeMs, leftMs, renewAt, at: now, byWindow, early, ...(window ? {window} : {})};
}

const minute = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');
const windowText = (window: RenewalWindow) => `${minute(window.start)} – ${minute(window.end)} UTC`;

/**
 * One line per name for `hoist status`: the issuer and the time left of the lifetime; a warning, with Caddy's own
 * reason when its log gives one, when renewal looks overdue or the certificate expired.
 */
export function renewalLines(name: string, issuer: string, renewal: Renewal, caddyReason?: string): string[] {
	const left = span(Math.max(0, renewal.leftMs));
	const lifetime = span(renewal.lifetimeMs);
	const head = `${name}: certificate from ${issuer}, ${renewal.state === 'expired' ? `expired ${span(-renewal.leftMs)} ago` : `${left} left`} of ${lifetime}`;
	const {window} = renewal;
	const inWindow = window && renewal.byWindow ? `in the CA's renewal window, ${windowText(window)}` : undefined;
	const early = window && renewal.early
		? [`  The CA asks for an early renewal${window.explanationUrl ? `: ${window.explanationUrl}` : '.'}`]
		: [];
	switch (renewal.state) {
		case 'fine':
			return [`${head} (Caddy renews it ${inWindow ?? `from ${minute(renewal.renewAt)} UTC`})`, ...early];
		case 'renewing':
			return [`${head} (Caddy renews it now: ${inWindow ?? 'a third of its life is left'})`, ...early];
		case 'overdue':
		case 'expired': {
			const since = span(Math.max(0, renewal.at - renewal.renewAt.getTime()));
			const should = renewal.state === 'expired'
				? inWindow ?? 'a third of its life before it expired'
				: window && renewal.at > window.end.getTime()
					? `in the CA's renewal window (${windowText(window)}), which ended ${span(renewal.at - window.end.getTime())} ago`
					: `${since} ago, ${inWindow ?? 'at a third of its life left'}`;
			return [
				`${head}`,
				`  Warning: renewal looks overdue: Caddy should have renewed it ${should}.`,
				...early,
				`  ${caddyReason ? `Caddy's log: ${caddyReason}` : 'Caddy\'s log says nothing about it: `hoist logs hoist-caddy` shows what it did.'}`,
			];
		}
	}
}
