import {readFileSync} from 'node:fs';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {UserError} from '../source/errors.js';
import {unpinHost} from '../source/remote/known-hosts.js';
import {HostKeyChangedError, SshConnectError, type SshFailure, type SshSession} from '../source/remote/ssh.js';

export interface SshReadyOutputs {
	host: string;
	user: string;
	hostKeyFingerprint: string;
	alpineRelease: string;
}

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'ssh-ready': SshReadyOutputs;
	}
}

/** The login user of the official Alpine images (tiny-cloud's CLOUD_USER). */
export const loginUser = 'alpine';

type SshContext = StepContext<'ssh-ready', 'launch-instance' | 'elastic-ip' | 'key-pair'>;

/**
 * Waits, visibly and for a bounded time, until the instance answers SSH as `alpine` with hoist's key. The host
 * key is pinned on first contact in .hoist/known_hosts; a changed key later stops every connection.
 */
export const sshReady = defineStep({
	id: 'ssh-ready',
	title: 'Wait for SSH',
	needs: ['launch-instance', 'elastic-ip', 'key-pair'],
	async check(ctx) {
		if (!ctx.previous || ctx.previous.host !== ctx.outputs['elastic-ip'].publicIp) return undefined;
		try {
			const session = await connect(ctx, false, 5_000);
			session.close();
			return ctx.previous;
		} catch (error) {
			if (error instanceof HostKeyChangedError) throw error;
			return undefined;
		}
	},
	async run(ctx) {
		const host = ctx.outputs['elastic-ip'].publicIp;
		const deadline = ctx.services.now() + ctx.config.ssh.waitSeconds * 1000;
		let last: SshConnectError | undefined;
		for (let attempt = 1; ; attempt++) {
			try {
				const session = await connect(ctx, true, 10_000);
				try {
					const release = await session.exec('cat /etc/alpine-release 2>/dev/null || uname -sr', {signal: ctx.signal});
					const alpineRelease = release.stdout.trim();
					ctx.log(`logged in as ${loginUser}@${host} (${alpineRelease}); host key ${session.hostKeyFingerprint} pinned`);
					return {host, user: loginUser, hostKeyFingerprint: session.hostKeyFingerprint, alpineRelease};
				} finally {
					session.close();
				}
			} catch (error) {
				if (!(error instanceof SshConnectError)) throw error;
				last = error;
			}
			const left = Math.round((deadline - ctx.services.now()) / 1000);
			if (left <= 0) throw diagnose(ctx, last);
			ctx.progress(`attempt ${attempt}: ${last.message}; trying again (${left}s left)`);
			await ctx.services.sleep(Math.min(1_000 * attempt, 5_000), ctx.signal);
		}
	},
	undoTitle: 'Forget the server\'s host key',
	async undo(ctx) {
		if (ctx.previous) unpinHost(ctx.files.knownHosts, ctx.previous.host);
	},
	summary: (out) => `${out.user}@${out.host} (${out.alpineRelease})`,
});

function connect(ctx: SshContext, trustNewHost: boolean, readyTimeoutMs: number): Promise<SshSession> {
	const privateKey = readFileSync(ctx.outputs['key-pair'].privateKeyPath, 'utf8');
	ctx.services.redactor.add(privateKey);
	return ctx.services.connectSsh(
		{
			host: ctx.outputs['elastic-ip'].publicIp,
			username: loginUser,
			privateKey,
			knownHosts: ctx.files.knownHosts,
			trustNewHost,
			instanceId: ctx.outputs['launch-instance'].instanceId,
			readyTimeoutMs,
		},
		ctx.signal,
	);
}

const diagnoses: Record<SshFailure, (ctx: SshContext) => {hint: string; nextSteps: string[]}> = {
	timeout: (ctx) => ({
		hint: `Nothing answered on port 22. The security group lets SSH in only from ${ctx.config.aws.sshCidr}; if your address changed (VPN, new network), connections are silently dropped. A subnet without a route to an internet gateway looks the same.`,
		nextSteps: [
			'Check your current address (e.g. your router, or `curl https://checkip.amazonaws.com`) and update aws.sshCidr in hoist.yml.',
			'If you set aws.subnet, make sure its route table sends 0.0.0.0/0 to an internet gateway.',
			'Run `hoist up` again: it resumes here.',
		],
	}),
	unreachable: (ctx) => ({
		hint: `The network has no route to ${ctx.outputs['elastic-ip'].publicIp}.`,
		nextSteps: ['Check your own connection, then run `hoist up` again.'],
	}),
	refused: (ctx) => ({
		hint: 'The instance answers, but nothing listens on port 22 yet: it may still be booting, or sshd failed to start.',
		nextSteps: [
			`Read the boot log: aws ec2 get-console-output --instance-id ${ctx.outputs['launch-instance'].instanceId} --latest`,
			'Run `hoist up` again: it resumes here.',
		],
	}),
	auth: (ctx) => ({
		hint: `The server refused hoist's key. It accepts the key pair it was launched with (${ctx.outputs['key-pair'].keyName}); ${ctx.outputs['key-pair'].privateKeyPath} must be its private half.`,
		nextSteps: ['If the local key was replaced, launch a new instance: `hoist destroy`, then `hoist up`.'],
	}),
	'host-key': () => ({hint: 'The host key could not be checked.', nextSteps: ['Run `hoist up` again.']}),
	closed: () => ({
		hint: 'The server closed the connection during the handshake, which sshd does while it is still starting.',
		nextSteps: ['Run `hoist up` again in a minute: it resumes here.'],
	}),
	other: () => ({hint: 'The SSH connection failed for a reason hoist does not recognise.', nextSteps: ['Run `hoist up` again: it resumes here.']}),
};

function diagnose(ctx: SshContext, last: SshConnectError | undefined): UserError {
	const reason = last?.reason ?? 'timeout';
	const {hint, nextSteps} = diagnoses[reason](ctx);
	return new UserError(
		`SSH to ${loginUser}@${ctx.outputs['elastic-ip'].publicIp} did not work within ${ctx.config.ssh.waitSeconds}s (last: ${last?.message ?? 'no attempt'}).`,
		{code: 'SSH_NOT_READY', hint, nextSteps},
	);
}
