import {isIP} from 'node:net';

/**
 * AWS's own address echo: it answers with the address a request came from, as text. Asked only after the person
 * agreed, and only for the question who may SSH in: AWS is the party they are about to give an instance to anyway.
 * HOIST_ADDRESS_ECHO_URL points it elsewhere (the tests use a stand-in in the sandbox).
 */
export const addressEchoDefault = 'https://checkip.amazonaws.com';
/** A setup waits no longer than this for the echo; then the question stays as it is without it. */
export const addressEchoTimeoutMs = 3_000;
/** An address with a newline is a few dozen bytes; anything much longer is not the echo's answer. */
const longestAnswer = 100;

export interface AddressEcho {
	/** How the question names it: the URL's host (the whole setting when it is no URL: then it never answers). */
	name: string;
	/** The address the echo saw, or undefined when it could not be reached or answered something else. */
	lookup(): Promise<string | undefined>;
}

export function addressEchoUrl(env: NodeJS.ProcessEnv): string {
	return env['HOIST_ADDRESS_ECHO_URL']?.trim() || addressEchoDefault;
}

/** The echo's answer when it is one IP address (surrounding white space allowed), else undefined. */
export function parseEchoedAddress(body: string): string | undefined {
	if (body.length > longestAnswer) return undefined;
	const address = body.trim();
	return isIP(address) === 0 ? undefined : address;
}

/** Asks the echo at `url`; never throws: a timeout, a refusal, a non-200 status or a garbled answer give undefined. */
export function addressEcho(url: string, options: {timeoutMs?: number; fetch?: typeof fetch} = {}): AddressEcho {
	const get = options.fetch ?? fetch;
	return {
		name: URL.canParse(url) ? new URL(url).host : url,
		async lookup() {
			try {
				const response = await get(url, {signal: AbortSignal.timeout(options.timeoutMs ?? addressEchoTimeoutMs), redirect: 'error'});
				if (response.status !== 200) return undefined;
				return parseEchoedAddress(await response.text());
			} catch {
				return undefined;
			}
		},
	};
}
