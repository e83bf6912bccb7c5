import {z} from 'zod';
import {registrySettings} from '../source/config/schema.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {ExternalError, UserError} from '../source/errors.js';
import {readAuthFile, registryLogin, registryLogout} from '../source/remote/commands/login.js';
import {RemoteCommandError} from '../source/remote/errors.js';
import {stackPaths} from '../source/server/layout.js';
import {serverResource, serverResourceId} from '../source/server/server-resources.js';
import {serverSession} from '../source/server/server-side.js';

export const registryLoginOutputs = z.object({
	server: z.string(),
	username: z.string(),
	/** Where the login lives on the server (root's, mode 0600). */
	authFile: z.string(),
});
export type RegistryLoginOutputs = z.infer<typeof registryLoginOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'registry-login': RegistryLoginOutputs;
	}
}

type LoginContext = StepContext<'registry-login', 'target'>;

/**
 * Logs the server in to the registry of the user's images (GHCR or any other). The token comes from
 * HOIST_REGISTRY_TOKEN (or the prompt of `hoist up`); it reaches the server only on stdin and lands in an auth file
 * of mode 0600 in the stack's directory, never in the journal, a log, an event or a command line.
 */
export const registryLoginStep = defineStep({
	id: 'registry-login',
	outputs: registryLoginOutputs,
	needs: ['target'],
	async check(ctx) {
		const {server, username} = registrySettings(ctx.config);
		const token = tokenOf(ctx);
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const paths = stackPaths(ctx.config.stack);
		// Captured, never logged: the file holds the credential.
		const current = await session.run(readAuthFile(paths.authFile), {capture: true, signal: ctx.signal});
		return holdsLogin(current.stdout, server, `${username}:${token}`) ? {server, username, authFile: paths.authFile} : undefined;
	},
	async run(ctx) {
		const {server, username} = registrySettings(ctx.config);
		const token = tokenOf(ctx);
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const paths = stackPaths(ctx.config.stack);
		// The login lives in the stack's directory, which this makes first: on an existing server destroy must know.
		const {target} = ctx.outputs;
		if (target.kind === 'server') await ctx.recordResource({type: serverResource.stackDir, id: serverResourceId(paths.dir, target.host), ownedByHoist: true});
		ctx.progress(`logging in to ${server} as ${username}`);
		try {
			await session.run(registryLogin(server, username, paths.authFile), {stdin: `${token}\n`, signal: ctx.signal, onLine: ctx.log});
		} catch (error) {
			if (!(error instanceof RemoteCommandError)) throw error;
			throw explainLoginFailure(error, server, username);
		}
		return {server, username, authFile: paths.authFile};
	},
	undoTitle: 'Remove the registry login from the server',
	/**
	 * On an existing server the login must not outlive the stack (on AWS it goes with the instance). It lives in the
	 * stack's directory, which upload's undo has removed by now; this makes sure of it wherever it is.
	 */
	async undo(ctx) {
		if (!ctx.config.server || !ctx.previous) return;
		const session = await serverSession(ctx, []);
		await session.run(registryLogout(ctx.previous.authFile), {signal: ctx.signal, onLine: ctx.log});
	},
	summary: (out) => `${out.username} at ${out.server}`,
});

function tokenOf(ctx: LoginContext): string {
	const token = ctx.services.secrets.registryToken;
	if (token === undefined) {
		const {server, username} = registrySettings(ctx.config);
		throw new UserError(`hoist.yml names the registry ${server} (user ${username}), but no token was given.`, {
			code: 'REGISTRY_TOKEN_MISSING',
			hint: 'The token is a secret, so it never goes in hoist.yml: hoist reads it from HOIST_REGISTRY_TOKEN, or asks for it when it runs in a terminal.',
			nextSteps: [`Run \`HOIST_REGISTRY_TOKEN=… hoist up\` (for GHCR: a personal access token with the read:packages scope).`],
		});
	}
	ctx.services.redactor.add(token);
	return token;
}

/** True when the Docker-format auth file already holds exactly this login for the server. */
function holdsLogin(authFile: string, server: string, credential: string): boolean {
	try {
		const parsed = JSON.parse(authFile) as {auths?: Record<string, {auth?: string}>};
		return parsed.auths?.[server]?.auth === Buffer.from(credential).toString('base64');
	} catch {
		return false;
	}
}

function explainLoginFailure(error: RemoteCommandError, server: string, username: string): Error {
	const said = error.lastLines.join('\n');
	if (/unauthorized|invalid username\/password|denied|401|403/i.test(said)) {
		return new UserError(`${server} refused the login of ${username}: the token is wrong or lacks permission.`, {
			code: 'REGISTRY_LOGIN_REFUSED',
			hint: `The registry said: ${said.split('\n').at(-1) ?? ''}`,
			nextSteps: [
				server === 'ghcr.io'
					? 'Make a new GitHub personal access token with the read:packages scope, set HOIST_REGISTRY_TOKEN to it, and run `hoist up` again.'
					: `Check the user name (registry.username in hoist.yml) and the token in HOIST_REGISTRY_TOKEN, then run \`hoist up\` again.`,
			],
		});
	}
	return new ExternalError(`Logging in to ${server} failed.`, {
		code: 'REGISTRY_LOGIN_FAILED',
		command: error.command,
		output: said,
		nextSteps: [`Check that the server can reach ${server}, then run \`hoist up\` again: it resumes here.`],
	});
}
