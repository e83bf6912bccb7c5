/**
 * The parts of a compose model that hoist reads, typed as the schema guarantees them once the model is
 * interpolated and valid. Everything else in the file is left to Compose on the server.
 */

export type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeModel {
	name?: string;
	include?: unknown[];
	services?: Record<string, ServiceModel>;
	networks?: Record<string, unknown>;
	volumes?: Record<string, unknown>;
	configs?: Record<string, FileSource | null>;
	secrets?: Record<string, FileSource | null>;
}

/** A top-level config or secret. */
export interface FileSource {
	file?: string;
	external?: boolean | object;
	content?: string;
	environment?: string;
}

export interface LongPort {
	target: number;
	published?: number;
	protocol?: string;
	host_ip?: string;
}

export interface LongVolume {
	type: string;
	source?: string;
	target?: string;
}

/** A service's long-syntax entry under secrets: or configs:, naming a top-level one. */
export interface FileReference {
	source?: string;
	target?: string;
}

export interface LongEnvFile {
	path: string;
	required?: boolean;
}

export interface ServiceModel {
	image?: string;
	build?: string | {context?: string};
	ports?: Array<number | string | LongPort>;
	expose?: Array<string | number>;
	depends_on?: string[] | Record<string, {condition: Condition; required?: boolean; restart?: boolean}>;
	healthcheck?: {disable?: boolean; test?: string | string[]};
	networks?: string[] | Record<string, unknown>;
	network_mode?: string;
	restart?: string;
	logging?: unknown;
	env_file?: string | Array<string | LongEnvFile>;
	environment?: Record<string, string | number | boolean | null> | string[];
	volumes?: Array<string | LongVolume>;
	secrets?: Array<string | FileReference>;
	configs?: Array<string | FileReference>;
	develop?: unknown;
	extends?: unknown;
}

/** `depends_on` in either syntax, as service → condition (the short syntax means service_started). */
export function dependencies(service: ServiceModel): Record<string, Condition> {
	const dependsOn = service.depends_on;
	if (dependsOn === undefined) return {};
	if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started' as const]));
	return Object.fromEntries(Object.entries(dependsOn).map(([name, value]) => [name, value.condition]));
}
