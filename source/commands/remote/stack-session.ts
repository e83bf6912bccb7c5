import type {CommandContext} from '../../cli/command.js';
import {deployedStack, type DeployedStack} from './remote-access.js';
import {loadConfig} from '../../config/load.js';
import type {Config} from '../../config/schema.js';
import {Journal} from '../../engine/journal.js';
import {acquireLock} from '../../engine/lock.js';
import {Redactor} from '../../engine/redactor.js';
import {stackFiles, type StackFiles} from '../../engine/stack-files.js';
import {RemoteConnections} from '../../remote/connections.js';
import type {RemoteSession} from '../../remote/session.js';
import {fileTrace} from '../../remote/trace.js';
import {createRenderer, type Renderer} from '../../ui/renderer.js';
import {againLine, withRunAgain} from './run-again.js';

export interface StackSession {
	config: Config;
	files: StackFiles;
	journal: Journal;
	deployed: DeployedStack;
	remote: RemoteSession;
	/** Where `remote` came from: a command that outlives a connection (a reboot) opens the next one here, pinned key only. */
	connections: RemoteConnections;
	/** The screen (or plain lines, or JSON) starts only once the questions were asked on the bare terminal. */
	renderer(): Promise<Renderer>;
}

/**
 * What `hoist backup`, `hoist restore` and `hoist upgrade` share: hoist.yml, the stack's lock (they stop and start services, so no
 * other run may change the stack meanwhile), the journal read as it is (they record nothing in it), and the one SSH
 * connection every look, question, copy and restart goes over. The renderer starts after the questions: what they
 * ask depends on what runs on the server. Whatever happens, the connection is closed, the lock released and the
 * renderer closed.
 */
export async function withStackSession(
	command: string,
	{args, io}: CommandContext,
	work: (session: StackSession) => Promise<number>,
	before?: (config: Config, files: StackFiles) => Promise<void>,
): Promise<number> {
	const {config, dir} = loadConfig(args.config);
	const files = stackFiles(dir);
	// The command's own checks of this machine's files (a restore's checksums): refused before the lock or the server.
	await before?.(config, files);
	const journal = Journal.open(files.journal, config.stack, new Redactor());
	const deployed = deployedStack({files, journal, config, configError: undefined, running: undefined}, command);
	const lock = acquireLock(files.lock, command);
	const connections = new RemoteConnections({knownHosts: files.knownHosts, redactor: new Redactor(), trace: fileTrace(io.env['HOIST_SSH_TRACE'])});
	let renderer: Renderer | undefined;
	try {
		const remote = await connections.open(deployed.target, {readyTimeoutMs: 10_000, signal: io.cancellation.signal});
		const open = async () => {
			if (renderer) return renderer;
			renderer = await createRenderer({json: args.json, stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, env: io.env, onCancel: io.cancellation.cancel, signal: io.cancellation.signal});
			if (lock.note) renderer.showMessage([lock.note]);
			return renderer;
		};
		return await work({config, files, journal, deployed, remote, connections, renderer: open});
	} catch (error) {
		throw withRunAgain(error, againLine(command, args));
	} finally {
		await connections.close();
		lock.release();
		await renderer?.close();
	}
}
