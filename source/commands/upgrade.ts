import {defineCommand} from '../cli/command.js';

/** `hoist upgrade`: the server's packages, a reboot once when the kernel changed, then the stack checked. */
export const upgrade = defineCommand({
	name: 'upgrade',
	summary: 'Upgrade the server\'s packages (Alpine), reboot once if the kernel changed, check the stack came back',
	description: `Runs \`apk upgrade --available\` on the server (a line per package), reboots it once when the running kernel
is no longer the installed one, waits until it answers SSH again (the pinned host key only), then checks that
every service runs (healthy where it has a healthcheck) and that each domain answers HTTPS. Shows the kernel,
Podman and compose versions before and after. Asks first, since it may reboot (--yes for scripts). Stopped
during the reboot, run it again: the server's own record says the reboot was asked for, and it is never asked
twice. On a server without apk it says so and changes nothing (exit 0).`,
	flags: {
		yes: {type: 'boolean', short: 'y', description: 'Do not ask before an upgrade that may reboot the server (for scripts)'},
	},
	needs: 'lock',
	async run(context) {
		const [{withStackSession}, {runUpgrade}] = await Promise.all([import('./remote/stack-session.js'), import('../upgrade/run-upgrade.js')]);
		return withStackSession('upgrade', context, (session) => runUpgrade(session, context));
	},
});
