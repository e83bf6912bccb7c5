import type {StackSession} from '../commands/remote/stack-session.js';
import type {CommandContext} from '../cli/command.js';
import {askYesNo, canAsk, Declined} from '../cli/confirm.js';
import {Redactor} from '../engine/redactor.js';
import {UserError, nextCommand} from '../errors.js';
import {liveServices} from '../services-live.js';
import {writeJsonEvent} from '../ui/json-events.js';
import {upgradeServer} from './upgrade-server.js';

/** `hoist upgrade` over the stack's session (the lock, the journal, the one SSH connection): the real world around upgradeServer. */
export async function runUpgrade(session: StackSession, context: CommandContext): Promise<number> {
	const {args, io} = context;
	const {signal} = io.cancellation;
	return upgradeServer({
		config: session.config,
		files: session.files,
		journal: session.journal.data,
		remote: session.remote,
		connect: (readyTimeoutMs) => session.connections.open(session.deployed.target, {readyTimeoutMs, signal}),
		services: await liveServices(session.config, {registryTokens: {}}, new Redactor(), session.connections, io.env),
		signal,
		yes: args.flags['yes'] === true,
		confirm: async (question) => {
			if (!(await canAsk(args, io))) {
				throw new UserError('`hoist upgrade` may reboot the server, and asks first; there is no terminal to ask on.', {
					code: 'CONFIRMATION_NEEDED',
					hint: 'When the upgrade brings a new kernel, the server reboots once and the stack is down until it is back.',
					nextSteps: [nextCommand('hoist upgrade --yes', 'Run {command} to confirm in a script (cron, CI).')],
				});
			}
			if (!(await askYesNo(io, question))) throw new Declined('Nothing was upgraded.');
		},
		renderer: session.renderer,
		report: (report) => {
			if (args.json) writeJsonEvent(io.stdout, {type: 'upgrade', at: Date.now(), ...report});
		},
	});
}
