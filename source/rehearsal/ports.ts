import {UserError} from '../errors.js';
import type {neededPorts} from './standins.js';

type Needed = ReturnType<typeof neededPorts>[number];

interface Listener {
	proto: 'tcp' | 'udp';
	address: string;
	port: number;
}

interface Published {
	project: string;
	proto: 'tcp' | 'udp';
	address: string;
	port: number;
}

/** The listening sockets and published ports in portListing()'s output (ss or busybox netstat, then podman ps). */
export function parsePortListing(output: string): {listeners: Listener[]; published: Published[]; running: Array<{project: string; service: string}>} {
	const listeners: Listener[] = [];
	const published: Published[] = [];
	const running: Array<{project: string; service: string}> = [];
	for (const line of output.split('\n')) {
		if (line.startsWith('L ')) {
			const fields = line.slice(2).trim().split(/\s+/);
			const proto = fields[0]?.startsWith('udp') ? 'udp' : fields[0]?.startsWith('tcp') ? 'tcp' : undefined;
			// ss: proto state recv send local peer; netstat: proto recv send local peer [state].
			const local = /^\d+$/.test(fields[1] ?? '') ? fields[3] : fields[4];
			const match = /^(.*):(\d+)$/.exec(local ?? '');
			if (proto && match) listeners.push({proto, address: match[1]!.replace(/^\[|\]$/g, '').replace(/%.*$/, ''), port: Number(match[2])});
		} else if (line.startsWith('S ')) {
			const [project = '', service = ''] = line.slice(2).split('|');
			running.push({project, service: service.trim()});
		} else if (line.startsWith('P ')) {
			const [project = '', ports = ''] = line.slice(2).split('|');
			for (const entry of ports.split(/,\s*/)) {
				const match = /^(?:(.*):)?(\d+)->\d+\/(tcp|udp)$/.exec(entry.trim());
				if (match) published.push({project, address: match[1] ?? '0.0.0.0', port: Number(match[2]), proto: match[3] as 'tcp' | 'udp'});
			}
		}
	}
	return {listeners, published, running};
}

const wildcard = new Set(['0.0.0.0', '::', '*', '']);

/**
 * Refuses, before the rehearsal changes anything, when a port it needs on `address` is held by something that is not
 * the rehearsal itself: another compose project's container, or a process listening on that address or on all of them.
 * (A listener on another address — systemd-resolved's 127.0.0.53:53 — does not collide with one bound to `address`.)
 */
export function portConflicts(output: string, address: string, needed: Needed[], ownProjects: string[]): string[] {
	const {listeners, published, running} = parsePortListing(output);
	// A stand-in in the host's network listens itself: its port is the rehearsal's own while its container runs.
	const ownListener = (want: Needed) => want.service !== undefined && running.some((entry) => entry.service === want.service && ownProjects.includes(entry.project));
	const collides = (entry: {address: string}) => wildcard.has(entry.address) || entry.address === address;
	const conflicts: string[] = [];
	for (const want of needed) {
		const same = (entry: {proto: string; port: number; address: string}) => entry.proto === want.proto && entry.port === want.port && collides(entry);
		const containers = published.filter(same);
		const foreign = containers.find((entry) => !ownProjects.includes(entry.project));
		if (foreign) {
			conflicts.push(`${want.port}/${want.proto} (for ${want.what}) is published by ${foreign.project === '' ? 'a container' : `the compose project "${foreign.project}"`}`);
		} else if (containers.length === 0 && listeners.some(same) && !ownListener(want)) {
			conflicts.push(`${want.port}/${want.proto} (for ${want.what}) is held by a process listening on ${listeners.find(same)!.address || '*'}`);
		}
	}
	return conflicts;
}

export function portsHeld(conflicts: string[], host: string): UserError {
	return new UserError(`The practice server ${host} is using ports the rehearsal needs: ${conflicts.join('; ')}.`, {
		code: 'REHEARSAL_PORTS_HELD',
		hint: 'The rehearsal runs its own Caddy on 80 and 443, and its DNS and CA beside it; nothing was changed on the server.',
		nextSteps: [
			'Stop what holds them on the practice server (a real stack there: `hoist destroy` in its folder), or use another practice server.',
			'For the DNS port alone: set rehearsal.dnsPort in hoist.yml to a free port.',
		],
	});
}
