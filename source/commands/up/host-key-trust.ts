import {isIP} from 'node:net';
import {serverSettings, type Config} from '../../config/schema.js';
import {preferredAddress, resolveConfigured} from '../../dns/resolve-host.js';
import type {StackFiles} from '../../engine/stack-files.js';
import {hostKeyFileName, scanHostKey, type PresentedKey} from '../../remote/connect.js';
import {fingerprint} from '../../remote/errors.js';
import {pinFor, pinHostKey} from '../../remote/known-hosts.js';
import {printable} from '../../text/printable.js';
import type {CommandLine} from '../../cli/command.js';
import {askYesNo, canAsk, Declined} from '../../cli/confirm.js';
import type {CommandIo} from '../../cli/io.js';

/**
 * First contact with an existing server (`server:` without `hostKey`, nothing pinned yet): on a terminal, before the
 * screen starts, hoist shows the key the server presents and asks whether to trust it; yes pins it in
 * .hoist/known_hosts. Without a terminal, or with --yes (which answers confirmations, never this), nothing is
 * trusted: the connection then refuses the key and says how to name it in hoist.yml. A server that does not answer
 * yet is left to ssh-ready's wait.
 */
export async function trustServerHostKey(config: Config, files: StackFiles, args: CommandLine, io: CommandIo): Promise<void> {
	const server = config.server;
	if (!server || server.hostKey !== undefined) return;
	const address = await serverAddress(config, io.cancellation.signal);
	if (pinFor(files.knownHosts, address)) return;
	if (args.flags['yes'] === true || !(await canAsk(args, io))) return;
	let presented: PresentedKey;
	try {
		presented = await scanHostKey(address, server.port, {readyTimeoutMs: 5_000, signal: io.cancellation.signal});
	} catch (error) {
		if (io.cancellation.signal.aborted) throw error;
		return;
	}
	const shown = address === server.host ? address : `${server.host} (${address})`;
	if (!(await askYesNo(io, trustQuestion(shown, server.port, presented)))) {
		throw new Declined(`Nothing was changed: hoist did not connect to ${printable(shown)}.`);
	}
	pinHostKey(files.knownHosts, {host: address, ...presented, instanceId: 'server'});
}

/**
 * Where hoist will connect for server.host: a name resolved through dns.resolvers as the target step does, so the
 * key asked about and pinned here is the one ssh-ready looks up. A name that does not resolve is left to that step.
 */
export async function serverAddress(config: Config, signal?: AbortSignal): Promise<string> {
	const host = serverSettings(config).host;
	if (isIP(host) !== 0) return host;
	try {
		return preferredAddress(await resolveConfigured(host, config.dns.resolvers, signal === undefined ? {} : {signal})) ?? host;
	} catch (error) {
		if (signal?.aborted) throw error;
		return host;
	}
}

export function trustQuestion(host: string, port: number, presented: PresentedKey): string {
	return printable(`hoist has not connected to ${host}${port === 22 ? '' : `:${port}`} before. It presents the host key`)
		+ `\n    ${presented.keyType} ${fingerprint(presented.key)}`
		+ `\n  Compare it on the server's own console: ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFileName(presented.keyType)}_key.pub`
		+ '\n  Trust this key and connect?';
}
