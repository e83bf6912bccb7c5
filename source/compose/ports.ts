/** Compose port notations: `ports:` short and long syntax, and `expose:` entries. */

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** An inclusive port range; a single port is [p, p]. */
export type PortRange = [number, number];

export interface PortMapping {
	hostIp?: string;
	/** Undefined when Compose picks a free host port (`"8080"`, `"127.0.0.1::8080"`). */
	host?: PortRange;
	container: PortRange;
	protocol: Protocol;
}

const protocols = new Set<string>(['tcp', 'udp', 'sctp']);

/**
 * Parses `[[HOST_IP:]HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]` (HOST_IP may be `[v6]`), as Docker's
 * nat.ParsePortSpec does. Returns the reason in words when it is not one.
 */
export function parsePortSpec(spec: string): PortMapping | string {
	let rest = spec.trim();
	let protocol: Protocol = 'tcp';
	const slash = rest.lastIndexOf('/');
	if (slash !== -1) {
		const name = rest.slice(slash + 1).toLowerCase();
		if (!protocols.has(name)) return `"${rest.slice(slash + 1)}" is not a protocol (tcp, udp or sctp)`;
		protocol = name as Protocol;
		rest = rest.slice(0, slash);
	}
	let hostIp: string | undefined;
	if (rest.startsWith('[')) {
		const close = rest.indexOf(']:');
		if (close === -1) return 'an IPv6 host address must be written [address]:HOST:CONTAINER';
		hostIp = rest.slice(1, close);
		rest = rest.slice(close + 2);
	}
	const parts = rest.split(':');
	if (parts.length > 3 || (hostIp !== undefined && parts.length !== 2)) return 'expected [HOST_IP:][HOST:]CONTAINER[/PROTOCOL]';
	if (parts.length === 3) hostIp = parts.shift();
	const containerText = parts.pop() ?? '';
	const hostText = parts.pop();
	const container = parseRange(containerText);
	if (typeof container === 'string') return container;
	if (hostText === undefined || hostText === '') {
		return hostIp === undefined ? {container, protocol} : {hostIp, container, protocol};
	}
	const host = parseRange(hostText);
	if (typeof host === 'string') return host;
	const width = (range: PortRange) => range[1] - range[0];
	if (width(container) !== 0 && width(host) !== width(container)) return 'the host and container ranges differ in size';
	return hostIp === undefined ? {host, container, protocol} : {hostIp, host, container, protocol};
}

/** A `ports:` entry in any of its forms (a number, a string, or a mapping with target/published). */
export function portMapping(entry: unknown): PortMapping | undefined {
	if (typeof entry === 'number') return Number.isInteger(entry) && entry > 0 && entry < 65536 ? {container: [entry, entry], protocol: 'tcp'} : undefined;
	if (typeof entry === 'string') {
		const parsed = parsePortSpec(entry);
		return typeof parsed === 'string' ? undefined : parsed;
	}
	if (entry === null || typeof entry !== 'object') return undefined;
	const long = entry as {target?: unknown; published?: unknown; protocol?: unknown; host_ip?: unknown};
	if (typeof long.target !== 'number') return undefined;
	const protocol = typeof long.protocol === 'string' && protocols.has(long.protocol) ? (long.protocol as Protocol) : 'tcp';
	const mapping: PortMapping = {container: [long.target, long.target], protocol};
	if (typeof long.published === 'number') mapping.host = [long.published, long.published];
	if (typeof long.host_ip === 'string') mapping.hostIp = long.host_ip;
	return mapping;
}

/** An `expose:` entry: `PORT[-PORT][/PROTOCOL]` or a number. */
export function exposeRange(entry: unknown): {range: PortRange; protocol: Protocol} | string {
	if (typeof entry === 'number') {
		const range = parseRange(String(entry));
		return typeof range === 'string' ? range : {range, protocol: 'tcp'};
	}
	const match = /^(\d+(?:-\d+)?)(?:\/([a-zA-Z]+))?$/.exec(String(entry).trim());
	if (!match) return 'expected PORT or PORT/PROTOCOL, e.g. "8080" or "8080/tcp"';
	const protocol = (match[2] ?? 'tcp').toLowerCase();
	if (!protocols.has(protocol)) return `"${match[2]}" is not a protocol (tcp, udp or sctp)`;
	const range = parseRange(match[1] ?? '');
	return typeof range === 'string' ? range : {range, protocol: protocol as Protocol};
}

export function inRange(port: number, range: PortRange): boolean {
	return port >= range[0] && port <= range[1];
}

/** Every port of a range, in order. */
export function portsOf(range: PortRange): number[] {
	return Array.from({length: range[1] - range[0] + 1}, (_, index) => range[0] + index);
}

function parseRange(text: string): PortRange | string {
	const match = /^(\d+)(?:-(\d+))?$/.exec(text);
	if (!match) return `"${text}" is not a port number or range`;
	const low = Number(match[1]);
	const high = match[2] === undefined ? low : Number(match[2]);
	if (low < 1 || high > 65535) return `${text} is outside 1–65535`;
	if (high < low) return `the range ${text} runs backwards`;
	return [low, high];
}
