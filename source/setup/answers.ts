/** What the guided setup learned: everything hoist.yml needs, and nothing secret. */
export interface SetupAnswers {
	stack: string;
	composeFile: string;
	service: string;
	port: number;
	domain: string;
	/** Services after the first that answer HTTP: on their own domain, or on a path of `domain`. */
	moreRoutes?: MoreRoute[];
	email?: string;
	/** Let's Encrypt's staging CA first (recommended) or production. */
	staging: boolean;
	/** Another ACME CA, from `hoist init --merge` (not an answer: the plan names it). */
	acmeDirectory?: string;
	target: AwsTarget | ServerTarget;
	registry?: {server: string; username: string};
}

export interface MoreRoute {
	service: string;
	port: number;
	/** Its own domain, or (with `path`) none: then it is a path of the first domain. */
	domain?: string;
	path?: string;
	/** The service sees the path without the prefix. */
	stripPrefix?: boolean;
}

export interface AwsTarget {
	kind: 'aws';
	/** Written only when the user's AWS files have it; otherwise the SDK's own chain (environment variables) decides. */
	profile?: string;
	region: string;
	instanceType: string;
	sshCidr: string;
	/** An Elastic IP the user already has; without it hoist allocates one. */
	elasticIp?: string;
}

export interface ServerTarget {
	kind: 'server';
	host: string;
	user: string;
	port: number;
}
