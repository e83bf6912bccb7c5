import {readFileSync} from 'node:fs';
import {z} from 'zod';
import {poll} from '../source/engine/poll.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {UserError, nextCommand, type NextStepInput} from '../source/errors.js';
import {HostKeyChangedError, SshConnectError, type SshFailure} from '../source/remote/errors.js';
import {unpinHost} from '../source/remote/known-hosts.js';
import type {RemoteSession} from '../source/remote/session.js';
import {describeTarget, type Target} from '../source/remote/target.js';

export const sshReadyOutputs = z.object({
	host: z.string(),
	user: z.string(),
	hostKeyFingerprint: z.string(),
	/** e.g. "Alpine Linux v3.20" */
	os: z.string(),
	osId: z.string(),
	osVersion: z.string(),
	/** How hoist becomes root there: root, doas or sudo. */
	escalation: z.string(),
});
export type SshReadyOutputs = z.infer<typeof sshReadyOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'ssh-ready': SshReadyOutputs;
	}
}

/**
 * Waits, visibly and for a bounded time, until the target answers SSH with hoist's key. The connection it opens
 * is the run's one connection: every later step reuses it. A new instance's host key is pinned on first contact
 * in .hoist/known_hosts; a changed key later stops every connection.
 */
export const sshReady = defineStep({
	id: 'ssh-ready',
	outputs: sshReadyOutputs,
	needs: ['target'],
	async check(ctx) {
		const {target} = ctx.outputs;
		if (!ctx.previous || ctx.previous.host !== target.host) return undefined;
		try {
			return await login(ctx, await ctx.services.remote(target, {trustNewHost: false, readyTimeoutMs: 5_000, signal: ctx.signal}));
		} catch (error) {
			if (error instanceof HostKeyChangedError) throw error;
			if (error instanceof SshConnectError) return undefined;
			throw error;
		}
	},
	async run(ctx) {
		const {target} = ctx.outputs;
		const session = await poll({
			attempt: async () => {
				try {
					// Only a new instance's key is trusted on first sight; an existing server's must be named or pinned.
					return {done: true, value: await ctx.services.remote(target, {trustNewHost: target.kind === 'aws', readyTimeoutMs: 10_000, signal: ctx.signal})};
				} catch (error) {
					if (!(error instanceof SshConnectError) || error.reason === 'host-key') throw error;
					// A new instance may refuse the key until cloud-init installed it; an existing server's answer is final.
					if (error.reason === 'auth' && target.kind === 'server') throw finalAnswer(ctx, error, 'SSH_KEY_REFUSED');
					// A name that does not resolve will not start to in the next minutes: say so now, not after waitSeconds.
					if (error.reason === 'not-found') throw finalAnswer(ctx, error, 'SSH_HOST_NOT_FOUND');
					return {done: false, status: error.message, error};
				}
			},
			interval: (attempt) => Math.min(1_000 * attempt, 5_000),
			timeoutMs: ctx.config.ssh.waitSeconds * 1000,
			clock: ctx.services,
			signal: ctx.signal,
			onWait: ({attempt, status, leftMs}) => ctx.progress(`attempt ${attempt}: ${status}; trying again (${Math.round((leftMs ?? 0) / 1000)}s left)`),
			giveUp: (last) => diagnose(ctx, last.error as SshConnectError),
		});
		const outputs = await login(ctx, session);
		ctx.log(`logged in as ${describeTarget(target)} (${outputs.os}); host key ${outputs.hostKeyFingerprint} pinned`);
		return outputs;
	},
	undoTitle: 'Forget the server\'s host key',
	/** A terminated instance's key means nothing any more; an existing server keeps its key, and hoist its pin. */
	async undo(ctx) {
		if (ctx.previous && !ctx.config.server) unpinHost(ctx.files.knownHosts, ctx.previous.host);
	},
	summary: (out) => `${out.user}@${out.host} (${out.os}, root through ${out.escalation})`,
});

type SshContext = StepContext<'ssh-ready', 'target'>;

/** One round trip: who we are there, how we become root, which system it is. */
async function login(ctx: SshContext, session: RemoteSession): Promise<SshReadyOutputs> {
	const {target} = ctx.outputs;
	const facts = await session.facts(ctx.signal);
	return {
		host: target.host,
		user: target.user,
		hostKeyFingerprint: session.hostKeyFingerprint,
		os: facts.osName,
		osId: facts.osId,
		osVersion: facts.osVersion,
		escalation: facts.escalation,
	};
}

const diagnoses: Record<SshFailure, (target: Target, ctx: SshContext) => {hint: string; nextSteps: NextStepInput[]}> = {
	timeout: (target, ctx) =>
		target.kind === 'aws'
			? {
					hint: `Nothing answered on port 22. The security group lets SSH in only from ${ctx.config.aws?.sshCidr}; if your address changed (VPN, new network), connections are silently dropped. A subnet without a route to an internet gateway looks the same.`,
					nextSteps: [
						'Check your current address (e.g. your router, or `curl https://checkip.amazonaws.com`) and update aws.sshCidr in hoist.yml.',
						'If you set aws.subnet, make sure its route table sends 0.0.0.0/0 to an internet gateway.',
						nextCommand(ctx.rerun, 'Run {command} again: it resumes here.'),
					],
				}
			: {
					hint: `Nothing answered on port ${target.port} of ${target.host}: the machine is off, a firewall drops the connection, or the address is wrong.`,
					nextSteps: [nextCommand(ctx.rerun, `Check that \`ssh -p ${target.port} ${target.user}@${target.host}\` works from this machine, then run {command} again.`)],
				},
	unreachable: (target, ctx) => ({
		hint: `The network has no route to ${target.host}.`,
		nextSteps: [nextCommand(ctx.rerun, 'Check your own connection, then run {command} again.')],
	}),
	refused: (target, ctx) =>
		target.kind === 'aws'
			? {
					hint: 'The instance answers, but nothing listens on port 22 yet: it may still be booting, or sshd failed to start.',
					nextSteps: [`Read the boot log: aws ec2 get-console-output --instance-id ${target.identity} --latest`, nextCommand(ctx.rerun, 'Run {command} again: it resumes here.')],
				}
			: {
					hint: `${target.host} answers, but nothing listens on port ${target.port}.`,
					nextSteps: [nextCommand(ctx.rerun, 'Start sshd on the server (Alpine: `rc-service sshd start`), or set server.port, then run {command} again.')],
				},
	auth: (target, ctx) =>
		target.kind === 'aws'
			? {
					hint: `The server refused hoist's key. It accepts the key pair it was launched with; ${target.privateKeyPath} must be its private half.`,
					nextSteps: [nextCommand('hoist destroy', 'If the local key was replaced, launch a new instance: {command}, then `hoist up`.')],
				}
			: {
					hint: `${target.host} refused the key ${target.privateKeyPath} for ${target.user}.`,
					nextSteps: [
						`On the server, add hoist's public key (${target.privateKeyPath}.pub) to ~${target.user}/.ssh/authorized_keys${publicKeyLine(target)}`,
						nextCommand(ctx.rerun, 'Then run {command} again.'),
					],
				},
	'host-key': (_target, ctx) => ({hint: 'The host key could not be checked.', nextSteps: [nextCommand(ctx.rerun, 'Run {command} again.')]}),
	'not-found': (target, ctx) => ({
		hint: `No DNS server knows the name ${target.host}: it is misspelt, or its record is not there (yet).`,
		nextSteps: [
			`Check server.host in hoist.yml: \`getent hosts ${target.host}\` shows what this machine resolves, or write the server's IP address instead.`,
			nextCommand(ctx.rerun, 'Then run {command} again: it resumes here.'),
		],
	}),
	lookup: (target, ctx) => ({
		hint: `This machine's DNS resolver did not answer for ${target.host} while hoist waited.`,
		nextSteps: [
			`Check your network connection and DNS (\`getent hosts ${target.host}\`), or write the server's IP address as server.host in hoist.yml.`,
			nextCommand(ctx.rerun, 'Then run {command} again: it resumes here.'),
		],
	}),
	closed: (_target, ctx) => ({
		hint: 'The server closed the connection during the handshake, which sshd does while it is still starting.',
		nextSteps: [nextCommand(ctx.rerun, 'Run {command} again in a minute: it resumes here.')],
	}),
	other: (_target, ctx) => ({hint: 'The SSH connection failed for a reason hoist does not recognise.', nextSteps: [nextCommand(ctx.rerun, 'Run {command} again: it resumes here.')]}),
};

/** The public key as a line to paste, when its file is there. */
function publicKeyLine(target: Target): string {
	try {
		const line = readFileSync(`${target.privateKeyPath}.pub`, 'utf8').trim().split('\n')[0];
		return line ? `: ${line}` : '.';
	} catch {
		return '.';
	}
}

/** An answer that waiting will not change (a refused key, a name that does not resolve): stop at once and say why. */
function finalAnswer(ctx: SshContext, error: SshConnectError, code: string): UserError {
	const {target} = ctx.outputs;
	const {hint, nextSteps} = diagnoses[error.reason](target, ctx);
	return new UserError(`SSH to ${describeTarget(target)}: ${error.message}.`, {code, hint, nextSteps});
}

/**
 * Its kind follows the last failure's reason, as for every SSH connection (logs, exec, status): a server that does not
 * answer is an outside condition (exit 1: it may answer later with nothing changed here, and the address in hoist.yml
 * did work for whatever the stack had before); a refused key or host key is the user's to fix (exit 2).
 */
function diagnose(ctx: SshContext, last: SshConnectError | undefined): SshConnectError {
	const {target} = ctx.outputs;
	const reason = last?.reason ?? 'timeout';
	const {hint, nextSteps} = diagnoses[reason](target, ctx);
	return new SshConnectError(reason, `SSH to ${describeTarget(target)} did not work within ${ctx.config.ssh.waitSeconds}s (last: ${last?.message ?? 'no attempt'}).`, {
		code: 'SSH_NOT_READY',
		hint,
		nextSteps,
	});
}
