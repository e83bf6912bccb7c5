import {isDeepStrictEqual} from 'node:util';
import {z} from 'zod';
import {awsSettings, serverSettings} from '../source/config/schema.js';
import {resolversText} from '../source/dns/resolve-host.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {UserError, nextCommand} from '../source/errors.js';
import {ensureLocalKey, findLocalKey} from '../source/remote/local-key.js';
import {describeTarget, resolvedServerTarget, type Target} from '../source/remote/target.js';

export const targetOutputs = z.object({
	kind: z.enum(['aws', 'server']),
	host: z.string(),
	port: z.number().int(),
	user: z.string(),
	privateKeyPath: z.string(),
	identity: z.string(),
	publicAddress: z.string(),
	publicIpv6: z.string().optional(),
	hostName: z.string().optional(),
	hostKey: z.string().optional(),
}) satisfies z.ZodType<Target>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		target: Target;
	}
}

/** The login user of the official Alpine images (tiny-cloud's CLOUD_USER). */
export const alpineLoginUser = 'alpine';

type TargetContext = StepContext<'target'>;

/**
 * On AWS: the instance behind its Elastic IP, as Alpine's cloud user, with the key of the EC2 key pair — as the AWS
 * steps recorded them. In `hoist up` they ran just before this step (the catalogue orders them so) and recorded what
 * they found on AWS; in `hoist dns` they are not in the plan, and their record is what the command asks for (no AWS
 * call). Read from the journal rather than declared in `needs`, so one step serves both and a stack with server:.
 */
function awsTargetOf(ctx: TargetContext): Target | undefined {
	awsSettings(ctx.config);
	const [keyPair, instance, elasticIp] = [ctx.recorded('key-pair'), ctx.recorded('launch-instance'), ctx.recorded('elastic-ip')];
	if (!keyPair || !instance || !elasticIp) return undefined;
	const address = elasticIp.publicIp;
	return {kind: 'aws', host: address, port: 22, user: alpineLoginUser, privateKeyPath: keyPair.privateKeyPath, identity: instance.instanceId, publicAddress: address};
}

/**
 * server: in hoist.yml, a name resolved here, in the target step: the journal records the address taken, so every later
 * step and command (ssh, logs, destroy) uses that one; each `hoist up` resolves again and a new address is a change.
 */
function serverTarget(ctx: TargetContext, privateKeyPath: string): Promise<Target> {
	return resolvedServerTarget(ctx.config, privateKeyPath, {query: ctx.services.dnsQuery, signal: ctx.signal});
}

/** Done when the recorded target is still what the inputs say: then nothing new is shown as work. */
function unchanged(previous: Target | undefined, current: Target | undefined): Target | undefined {
	return previous !== undefined && current !== undefined && isDeepStrictEqual(previous, current) ? current : undefined;
}

/** A stack on AWS whose instance and address are not recorded yet: `hoist dns` has nothing to point DNS at. */
export function noServerYet(): UserError {
	return new UserError('This stack has no server yet: nothing to point DNS at.', {
		code: 'NO_TARGET',
		nextSteps: [nextCommand('hoist up', 'Run {command} first: it creates the server and watches DNS itself.')],
	});
}

/**
 * How hoist reaches the server, whatever made it: on AWS the new instance, with server: in hoist.yml the machine it
 * names, with the user's key (ssh.publicKey) or one hoist makes. Every later step and command reads this.
 */
export const target = defineStep({
	id: 'target',
	outputs: targetOutputs,
	needs: [],
	async check(ctx) {
		if (!ctx.config.server) return unchanged(ctx.previous, awsTargetOf(ctx));
		const key = findLocalKey(ctx.config, ctx.files);
		return key ? unchanged(ctx.previous, await serverTarget(ctx, key.privateKeyPath)) : undefined;
	},
	async run(ctx) {
		if (!ctx.config.server) {
			const aws = awsTargetOf(ctx);
			if (!aws) throw noServerYet();
			return aws;
		}
		const key = ensureLocalKey(ctx.config, ctx.files);
		if (key.generated) ctx.log(`made a key for hoist: add ${ctx.files.publicKey} to ~${serverSettings(ctx.config).user}/.ssh/authorized_keys on the server`);
		const server = await serverTarget(ctx, key.privateKeyPath);
		if (server.hostName !== undefined) {
			ctx.log(`${server.hostName} resolves to ${server.host}${server.publicIpv6 === undefined ? '' : ` and ${server.publicIpv6}`} through ${resolversText(ctx.config.dns.resolvers)}: hoist connects to ${server.host} and watches DNS for it`);
		}
		return server;
	},
	summary: (target) => `${describeTarget(target)} with ${target.privateKeyPath}`,
});
