import {defineCommand} from '../cli/command.js';
import {releaseCommand} from './release/release-command.js';

/** `hoist deploy`: a new release of a running stack, without a failed request. */
export const deploy = defineCommand({
	name: 'deploy',
	summary: 'Deploy what changed (images, compose file, hoist.yml) without a failed request',
	description: `Reads hoist.yml, the compose file and its env files again, uploads what changed, pulls, runs the one-shot
services (migrations) again, and recreates only the services whose image or definition changed. The web
service is replaced without a failed request: the new container starts beside the old one, Caddy switches to
it once it answers compose.healthPath, and the old one drains. Records the release (see \`hoist status\`).`,
	flags: {
		service: {type: 'string', value: 'NAME', description: 'Only this service'},
	},
	needs: 'lock',
	run: (context) => {
		const service = typeof context.args.flags['service'] === 'string' ? context.args.flags['service'] : undefined;
		return releaseCommand(context, {
			command: 'deploy',
			title: service ? `Release ${service}` : 'Release the new version',
			withJobs: true,
			...(service === undefined ? {} : {service}),
			restore: () => undefined,
			resume: () => (service === undefined ? 'deploy' : `deploy --service ${service}`),
		});
	},
});

