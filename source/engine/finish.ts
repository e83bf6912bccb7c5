/**
 * The facts of a finished `hoist up`, made once from the journal (source/wizard/finish.ts) and rendered three ways: the
 * Ink finish screen, plain lines, and one JSON event. A renderer never works a fact out on its own.
 */
export interface FinishFacts {
	stack: string;
	/** https://domain/ once the certificate is confirmed, otherwise http://address/. */
	url: string;
	https: boolean;
	/** The compose service Caddy sends the traffic to. */
	service: string;
	/** Every route's URL with its service, `url` first: the routes of every name with HTTPS, the domain's over HTTP before. */
	routes: Array<{url: string; service: string}>;
	/** The images the stack runs (the deploy step's release), each by the full name the server pulled; not hoist's Caddy. */
	images?: Array<{service: string; image: string}>;
	/** The other names, which redirect to the domain. */
	redirects: string[];
	certificate?: {issuer: string; notAfter?: string; staging: boolean};
	/** Why there is no HTTPS (the DNS step was skipped), or the address record (A, or AAAA) still to create. */
	noHttps?: {reason: string} | {record: {type: 'A' | 'AAAA'; name: string; address: string}};
	server: {
		kind: 'aws' | 'server';
		/** The EC2 instance id, on AWS. */
		instanceId?: string;
		/** The address the A record holds. */
		address: string;
		/** user@host[:port], how hoist logs in. */
		login: string;
	};
	/**
	 * From the start of this run to the certificate step's end; absent when the certificate was already there
	 * (the step found it done) or there is none.
	 */
	httpsAfterMs?: number;
	/** A server without a service manager: the command that starts the stack after a reboot. */
	bootCommand?: string;
	/** What the user runs next, with what each does. */
	commands: Array<{command: string; what: string}>;
}
