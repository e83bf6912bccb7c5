import type {Config} from '../../config/schema.js';
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
	if (!server || server.hostKey !== undefined || pinFor(files.knownHosts, server.host)) return;
	if (args.flags['yes'] === true || !(await canAsk(args, io))) return;
	let presented: PresentedKey;
	try {
		presented = await scanHostKey(server.host, server.port, {readyTimeoutMs: 5_000, signal: io.cancellation.signal});
	} catch (error) {
		if (io.cancellation.signal.aborted) throw error;
		return;
	}
	if (!(await askYesNo(io, trustQuestion(server.host, server.port, presented)))) {
		throw new Declined(`Nothing was changed: hoist did not connect to ${printable(server.host)}.`);
	}
	pinHostKey(files.knownHosts, {host: server.host, ...presented, instanceId: 'server'});
}

export function trustQuestion(host: string, port: number, presented: PresentedKey): string {
	return printable(`hoist has not connected to ${host}${port === 22 ? '' : `:${port}`} before. It presents the host key`)
		+ `\n    ${presented.keyType} ${fingerprint(presented.key)}`
		+ `\n  Compare it on the server's own console: ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFileName(presented.keyType)}_key.pub`
		+ '\n  Trust this key and connect?';
}
