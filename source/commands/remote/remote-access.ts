import type {JournalData} from '../../engine/journal.js';
import {stepOutputs} from '../../engine/outputs.js';
import {journalOwner} from '../../engine/journal-owner.js';
import {Redactor} from '../../engine/redactor.js';
import type {StackFiles} from '../../engine/stack-files.js';
import {UserError, nextCommand} from '../../errors.js';
import type {ComposeProjectFiles, ComposeTool} from '../../server/commands/compose.js';
import {RemoteConnections} from '../../remote/connections.js';
import type {RemoteSession} from '../../remote/session.js';
import type {Target} from '../../remote/target.js';
import {fileTrace} from '../../remote/trace.js';
import {caddyService} from '../../server/overlay.js';
import {printable} from '../../text/printable.js';
import type {CommandIo} from '../../cli/io.js';
import {realStackCommands, type ReadOnlyStack, type StackCommands} from '../../cli/read-only.js';

/** What `hoist logs` and `hoist exec` need from the journal: the server, how compose runs there, the services. */
export interface DeployedStack {
	target: Target;
	tool: ComposeTool;
	files: ComposeProjectFiles;
	/** The compose file's services and hoist's Caddy. */
	services: string[];
}

/** The server the journal records (`hoist ssh` needs no more), or a user error saying what to run first. */
export function loggedInTarget(stack: ReadOnlyStack, command: string): Target {
	return loggedIn(stack, command).target;
}

/** The stack as the journal says it was deployed; a user error when it was not (yet, or any more). */
export function deployedStack(stack: ReadOnlyStack, command: string): DeployedStack {
	const {data, target} = loggedIn(stack, command);
	const owner = journalOwner(stack.files.journal);
	const bootstrap = stepOutputs(data, 'bootstrap', owner);
	const compose = stepOutputs(data, 'compose', owner);
	if (!bootstrap || !compose || !stepOutputs(data, 'upload', owner)) throw notYet(data.stack, stack.commands ?? realStackCommands, command, 'the stack is not on the server yet');
	return {
		target,
		tool: {command: bootstrap.composeCommand, version: bootstrap.compose},
		files: {stack: data.stack, composeFile: compose.file},
		services: [...Object.keys(compose.services), caddyService],
	};
}

function loggedIn({journal, files, commands = realStackCommands}: ReadOnlyStack, command: string): {data: JournalData; target: Target} {
	const data = usableJournal(journal?.data, files, commands, command);
	const owner = journalOwner(files.journal);
	const target = stepOutputs(data, 'target', owner);
	if (!target || !stepOutputs(data, 'ssh-ready', owner)) throw notYet(data.stack, commands, command, 'hoist has not logged in to a server for this stack yet');
	return {data, target};
}

/** A service the stack has, or a user error listing the ones it has. */
export function knownService(stack: DeployedStack, name: string, command: string): string {
	if (stack.services.includes(name)) return name;
	throw new UserError(printable(`The stack has no service "${name}".`), {
		code: 'USAGE',
		nextSteps: [`Use one of: ${stack.services.join(', ')} (run \`hoist ${command} --help\` for the options).`],
	});
}

function usableJournal(journal: JournalData | undefined, files: StackFiles, {start, prefix}: StackCommands, command: string): JournalData {
	if (!journal) {
		throw new UserError(`No journal in ${files.stateDir} yet: nothing has run for this stack.`, {
			code: 'NOTHING_DEPLOYED',
			nextSteps: [nextCommand(start, `Run {command} first, then \`${prefix} ${command}\`.`)],
		});
	}
	if (journal.destroyedAt) {
		throw new UserError(`The stack ${journal.stack} was destroyed at ${journal.destroyedAt}.`, {
			code: 'NOTHING_DEPLOYED',
			nextSteps: [nextCommand(start, `Run {command} to deploy it again, then \`${prefix} ${command}\`.`)],
		});
	}
	return journal;
}

function notYet(stack: string, {start, prefix}: StackCommands, command: string, what: string): UserError {
	return new UserError(`Stack ${stack}: ${what}.`, {
		code: 'NOTHING_DEPLOYED',
		nextSteps: [nextCommand(start, `Run {command} (\`${prefix} status\` shows where it stopped), then \`${prefix} ${command}\`.`)],
	});
}

/**
 * One SSH connection for a read-only command, opened with the pinned host key only (never a new one), closed by
 * `work`'s end whatever happens: closing stops what still runs on the server (an aborted `logs -f`).
 */
export async function withRemote<T>(target: Target, files: StackFiles, io: CommandIo, work: (session: RemoteSession) => Promise<T>): Promise<T> {
	const connections = new RemoteConnections({knownHosts: files.knownHosts, redactor: new Redactor(), trace: fileTrace(io.env['HOIST_SSH_TRACE'])});
	try {
		const session = await connections.open(target, {readyTimeoutMs: 10_000, signal: io.cancellation.signal});
		return await work(session);
	} finally {
		await connections.close();
	}
}
