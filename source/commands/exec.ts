import {defineCommand} from '../cli/command.js';
import {UserError} from '../errors.js';

/**
 * `hoist exec SERVICE -- COMMAND…`: compose exec on the server, over the journal's SSH connection. With a terminal
 * on both ends the command gets one there too (a console, a REPL); its exit status is hoist's.
 */
export const exec = defineCommand({
	name: 'exec',
	summary: 'Run a command in a service\'s running container',
	description: `Runs COMMAND in the running container of SERVICE on the server (podman exec), e.g.
\`hoist exec web -- bin/rails console\` or \`hoist exec db -- psql -U app\`. Each word after -- reaches the container
as it is (no shell: use \`-- sh -c "…"\` for one). With a terminal, the command gets one too; without (a pipe, CI),
hoist forwards its input and output as they are. Exits with the command's own exit status.`,
	flags: {},
	positionals: [{name: 'SERVICE', description: 'The compose service (or hoist-caddy)'}],
	passThrough: {name: 'COMMAND', description: 'The command and its arguments'},
	needs: 'journal',
	async run({args, io, stack}) {
		if (args.rest.length === 0) {
			throw new UserError('`hoist exec` needs the command to run after --.', {code: 'USAGE', nextSteps: ['For example: `hoist exec web -- sh`.']});
		}
		const {deployedStack, knownService, withRemote} = await import('./remote/remote-access.js');
		const opened = await stack.readOnly();
		const deployed = deployedStack(opened, 'exec');
		const service = knownService(deployed, args.positionals[0]!, 'exec');
		const [{composeExec}, {attachStreams}] = await Promise.all([import('../server/commands/compose.js'), import('./exec/attach.js')]);
		const streams = attachStreams(io, args.json);
		const command = composeExec(deployed.files.stack, service, args.rest, streams.terminal !== undefined);
		return withRemote(deployed.target, opened.files, io, async (session) => {
			const done = await streams.around(() => session.attach(command, {...streams.options, signal: io.cancellation.signal}));
			return streams.exit(done);
		});
	},
});
