import {isIP} from 'node:net';

const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * What is wrong with server.host: it must be a host name, an IPv4 address or an IPv6 address (without brackets, as
 * ssh and known_hosts write it), nothing ssh could read as an option or as more than one word. The user, port and
 * ssh:// that people write around a host get the settings they belong in.
 */
export function serverHostProblem(value: string): string | undefined {
	if (value.startsWith('-')) return 'a host name cannot start with "-" (ssh would read it as an option)';
	// eslint-disable-next-line no-control-regex
	if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'expected one host name or IP address, without spaces, line breaks or other control characters';
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return urlProblem(value);
	const at = value.lastIndexOf('@');
	if (at >= 0) return `expected the host alone: write the user as server.user (user: ${value.slice(0, at)}) and host: ${value.slice(at + 1)}`;
	const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(value);
	if (bracketed) return `write an IPv6 address without brackets (host: "${bracketed[1]}")${bracketed[2] === undefined ? '' : ` and the port as server.port (port: ${bracketed[2]})`}`;
	if (value.includes('%')) return 'an address with a zone index (%eth0) is not supported; use the server\'s name or a global address';
	if (isIP(value) !== 0) return undefined;
	const port = /^([^:]+):(\d+)$/.exec(value);
	if (port) return `write the port as server.port (port: ${port[2]}) and host: ${port[1]}`;
	if (value.includes(':')) return 'expected an IPv6 address like "2001:db8::1", or a host name';
	if (/[^\x20-\x7e]/.test(value)) return 'expected a host name in ASCII; write an internationalised name in its xn-- form';
	const labels = value.replace(/\.$/, '').split('.');
	if (!labels.every((part) => label.test(part))) return 'expected a host name like "vm.example.com" (letters, digits and dashes between dots) or an IP address';
	if (/^\d+$/.test(labels.at(-1)!)) return 'expected an IPv4 address like "203.0.113.7" (four numbers from 0 to 255, without leading zeros) or a host name';
	return undefined;
}

/** ssh://user@host:port written as host: sends each part to its own setting. */
function urlProblem(value: string): string {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return 'expected a host name or IP address, without ssh://';
	}
	const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
	const parts = [`host: ${host.includes(':') ? `"${host}"` : host}`, url.username && `user: ${decodeURIComponent(url.username)}`, url.port && `port: ${url.port}`].filter(Boolean);
	return `expected a host name or IP address, without ${url.protocol}//; write ${parts.join(', ')} under server:`;
}
