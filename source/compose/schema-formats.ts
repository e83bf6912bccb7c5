import {isIP} from 'node:net';
import type {FormatDefinition} from 'ajv/dist/2019.js';
import {exposeRange, parsePortSpec} from './ports.js';

/**
 * The compose schema's own formats (the ones Compose's validators define; none of them is a standard format).
 * One module for both ways the schema is compiled: by ajv at run time (tests, tsc's build) and into the bundle's
 * standalone code, which imports this object by name (schema-standalone.ts).
 */
export const composeFormats: Record<string, FormatDefinition<string> | FormatDefinition<number>> = {
	ports: {type: 'string', validate: (value: string) => typeof parsePortSpec(value) !== 'string'},
	'ports-number': {type: 'number', validate: (value: number) => Number.isInteger(value) && value > 0 && value < 65536},
	expose: {type: 'string', validate: (value: string) => typeof exposeRange(value) !== 'string'},
	duration: {type: 'string', validate: (value: string) => durationPattern.test(value)},
	subnet_ip_address: {type: 'string', validate: isSubnet},
};

/** Go durations, as Compose parses them: "10s", "1m30s", "1.5h", "0". */
const durationPattern = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

function isSubnet(value: string): boolean {
	const [address = '', prefix, extra] = value.split('/');
	if (extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
	const version = isIP(address);
	return version !== 0 && Number(prefix) <= (version === 4 ? 32 : 128);
}
