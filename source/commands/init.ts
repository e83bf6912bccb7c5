import {defineCommand} from '../cli/command.js';

/** `hoist init`: the first-time guided setup, where there is no hoist.yml yet. */
export const init = defineCommand({
	name: 'init',
	summary: 'Set up a new stack: a few questions, a commented hoist.yml, the plan, then hoist up',
	description: `Asks what hoist cannot find out by itself (the web service and its port from your compose file, the
domain, the target: a new EC2 instance or a server you have, and so on), writes a commented hoist.yml, shows what
will be created with a rough monthly cost, and on yes runs \`hoist up\`. It needs a terminal; without one, write
hoist.yml yourself (README, "Configuration"). It never changes an existing hoist.yml.`,
	flags: {
		merge: {type: 'string', value: 'FILE', description: 'Settings the setup does not ask about (a private ACME CA, DNS resolvers, …), in hoist.yml\'s own form, written into the new hoist.yml'},
	},
	needs: 'nothing',
	run: async ({args, io}) => {
		const [{runGuidedSetup}, {runUp}] = await Promise.all([import('../setup/guided-setup.js'), import('./up/run-up.js')]);
		return runGuidedSetup(io, args, {up: runUp});
	},
});
