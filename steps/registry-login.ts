import {z} from 'zod';
import {registryToken, type RegistryLogin} from '../source/config/registries.js';
import {registrySettings} from '../source/config/schema.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {ExternalError, UserError, nextCommand} from '../source/errors.js';
import {discardPendingAuthFile, installAuthFile, pendingAuthFile, readAuthFile, registryLogin, registryLogout} from '../source/remote/commands/login.js';
import {RemoteCommandError} from '../source/remote/errors.js';
import {stackPaths} from '../source/server/layout.js';
import {serverResource, serverResourceId} from '../source/server/server-resources.js';
import {serverSession} from '../source/server/server-side.js';

const loginList = z.object({
	/** The registries the server is logged in to, in hoist.yml's order. */
	logins: z.array(z.object({server: z.string(), username: z.string()})),
	/** Where the logins live on the server (root's, mode 0600): one auth file for all of them. */
	authFile: z.string(),
});
/** Journals written before registry lists recorded one login as `server` and `username`: read as a list of one. */
const oneLogin = z
	.object({server: z.string(), username: z.string(), authFile: z.string()})
	.transform(({server, username, authFile}) => ({logins: [{server, username}], authFile}));
export const registryLoginOutputs = z.union([loginList, oneLogin]);
export type RegistryLoginOutputs = z.output<typeof loginList>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'registry-login': RegistryLoginOutputs;
	}
}

type LoginContext = StepContext<'registry-login', 'target'>;

/**
 * Logs the server in to the registries of the user's images (GHCR, Docker Hub for a higher pull limit, any other).
 * Each token comes from its variable (HOIST_REGISTRY_TOKEN for one registry, HOIST_REGISTRY_TOKEN_<SERVER> for each of
 * a list) or the prompt of `hoist up`; it reaches the server only on stdin and lands in an auth file of mode 0600 in
 * the stack's directory, never in the journal, a log, an event or a command line.
 */
export const registryLoginStep = defineStep({
	id: 'registry-login',
	outputs: registryLoginOutputs,
	needs: ['target'],
	async check(ctx) {
		const logins = registrySettings(ctx.config);
		const tokens = logins.map((login) => tokenOf(ctx, login));
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const paths = stackPaths(ctx.config.stack);
		// Captured, never logged: the file holds the credentials.
		const current = await session.run(readAuthFile(paths.authFile), {capture: true, signal: ctx.signal});
		const held = holdsExactly(current.stdout, logins.map((login, index) => ({server: login.server, credential: `${login.username}:${tokens[index]!}`})));
		return held ? outputsFor(logins, paths.authFile) : undefined;
	},
	async run(ctx) {
		const logins = registrySettings(ctx.config);
		const tokens = logins.map((login) => tokenOf(ctx, login));
		const session = await ctx.services.remote(ctx.outputs.target, {signal: ctx.signal});
		const paths = stackPaths(ctx.config.stack);
		// The login lives in the stack's directory, which this makes first: on an existing server destroy must know.
		const {target} = ctx.outputs;
		if (target.kind === 'server') await ctx.recordResource({type: serverResource.stackDir, id: serverResourceId(paths.dir, target.host), ownedByHoist: true});
		await session.run(discardPendingAuthFile(paths.authFile), {signal: ctx.signal});
		for (const [index, login] of logins.entries()) {
			ctx.progress(`logging in to ${login.server} as ${login.username}`);
			try {
				await session.run(registryLogin(login.server, login.username, pendingAuthFile(paths.authFile)), {stdin: `${tokens[index]!}\n`, signal: ctx.signal, onLine: ctx.log});
			} catch (error) {
				if (!(error instanceof RemoteCommandError)) throw error;
				throw explainLoginFailure(error, login, ctx.rerun);
			}
		}
		await session.run(installAuthFile(paths.authFile), {signal: ctx.signal});
		return outputsFor(logins, paths.authFile);
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
	summary: (out) => out.logins.map((login) => `${login.username} at ${login.server}`).join(', '),
});

function outputsFor(logins: readonly RegistryLogin[], authFile: string): RegistryLoginOutputs {
	return {logins: logins.map(({server, username}) => ({server, username})), authFile};
}

function tokenOf(ctx: LoginContext, login: RegistryLogin): string {
	const token = registryToken(ctx.services.secrets, login);
	if (token === undefined) {
		throw new UserError(`hoist.yml names the registry ${login.server} (user ${login.username}), but no token was given.`, {
			code: 'REGISTRY_TOKEN_MISSING',
			hint: `The token is a secret, so it never goes in hoist.yml: hoist reads it from ${login.tokenVariable}, or asks for it when it runs in a terminal.`,
			nextSteps: [`Run \`${login.tokenVariable}=… hoist up\` (for GHCR: a personal access token with the read:packages scope).`],
		});
	}
	ctx.services.redactor.add(token);
	return token;
}

/**
 * True when the Docker-format auth file holds these logins (server, user and token) and no other: a registry dropped
 * from hoist.yml must not stay logged in.
 */
function holdsExactly(authFile: string, logins: Array<{server: string; credential: string}>): boolean {
	try {
		const auths = (JSON.parse(authFile) as {auths?: Record<string, {auth?: string}>}).auths ?? {};
		return Object.keys(auths).length === logins.length && logins.every(({server, credential}) => auths[server]?.auth === Buffer.from(credential).toString('base64'));
	} catch {
		return false;
	}
}

function explainLoginFailure(error: RemoteCommandError, {server, username, tokenVariable}: RegistryLogin, rerun: string): Error {
	const said = error.lastLines.join('\n');
	if (/unauthorized|invalid username\/password|denied|401|403/i.test(said)) {
		return new UserError(`${server} refused the login of ${username}: the token is wrong or lacks permission.`, {
			code: 'REGISTRY_LOGIN_REFUSED',
			hint: `The registry said: ${said.split('\n').at(-1) ?? ''}`,
			nextSteps: [
				server === 'ghcr.io'
					? nextCommand(rerun, `Make a new GitHub personal access token with the read:packages scope, set ${tokenVariable} to it, and run {command} again.`)
					: nextCommand(rerun, `Check the user name (registry.username in hoist.yml) and the token in ${tokenVariable}, then run {command} again.`),
			],
		});
	}
	return new ExternalError(`Logging in to ${server} failed.`, {
		code: 'REGISTRY_LOGIN_FAILED',
		command: error.command,
		output: said,
		nextSteps: [nextCommand(rerun, `Check that the server can reach ${server}, then run {command} again: it resumes here.`)],
	});
}
