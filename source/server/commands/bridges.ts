import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';
import {composeProject} from '../layout.js';
import {caddyService} from '../overlay.js';

/** The networks a container is in, as its inspect lists them (space-separated). */
export const networksOf = (container: string) => `podman inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' ${container}`;

/**
 * A shell fragment that pins the MAC address of the bridge of each network `container` is in to the one it has now.
 * A Linux bridge whose address was never set takes the lowest of its ports' addresses, and netavark before 1.9 sets
 * none (containers/netavark#833 forces one; Debian 12 and Ubuntu 24.04 ship 1.4, Alpine 3.23 1.16): each container
 * that joins or leaves may change the bridge's address, and every other container's neighbour cache keeps sending to
 * the old one — frames nobody takes until the cache expires. Its gateway is where the network's DNS (aardvark-dns)
 * answers: Caddy's lookups of a service's name got no answer then (a release starts and removes containers), and in a
 * rehearsal Pebble's lookups of the rehearsal DNS. An address set once, even the same one, stays for the bridge's life.
 * The address comes from `ip link` (iproute2 or BusyBox), not /sys/class/net: sysfs shows the interfaces of the network
 * namespace it was mounted in, which need not be the one Podman's bridges are in (the sandbox's host is a namespace).
 */
export function pinBridges(container: string): string {
	return [
		`for net in $(${networksOf(container)}); do`,
		`br=$(podman network inspect --format '{{.NetworkInterface}}' "$net") || exit 1;`,
		`mac=$(ip link show dev "$br" 2>/dev/null | sed -n 's|.*link/ether \\([0-9a-fA-F:]*\\).*|\\1|p');`,
		'if [ -n "$br" ] && [ -n "$mac" ]; then ip link set dev "$br" address "$mac" || exit 1; fi;',
		'done',
	].join(' ');
}

/** Pins the bridges of the networks the stack's Caddy is in (those of its web services): see pinBridges. */
export function pinStackBridges(stack: string): RemoteCommand {
	const filter = sh('--filter', `label=com.docker.compose.project=${composeProject(stack)}`, '--filter', `label=com.docker.compose.service=${caddyService}`);
	return {
		root: true,
		title: 'pin the address of the stack network\'s bridge',
		line: `caddy=$(podman ps -q ${filter} | head -n 1); if [ -n "$caddy" ]; then ${pinBridges('"$caddy"')}; fi`,
	};
}
