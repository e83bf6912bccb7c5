import {isDeepStrictEqual} from 'node:util';
import {awsSettings, serverSettings} from '../source/config/schema.js';
import {defineStep, type StepContext} from '../source/engine/step.js';
import {ensureLocalKey, findLocalKey} from '../source/remote/local-key.js';
import {describeTarget, serverTargetOf, type Target} from '../source/remote/target.js';
import {UserError} from '../source/errors.js';

declare module '../source/engine/step.js' {
	interface StepOutputs {
		target: Target;
	}
}

/** Done when the recorded target is still what the inputs say: then nothing new is shown as work. */
function unchanged(previous: Target | undefined, current: Target): Target | undefined {
	return previous !== undefined && isDeepStrictEqual(previous, current) ? current : undefined;
}

/** The login user of the official Alpine images (tiny-cloud's CLOUD_USER). */
export const alpineLoginUser = 'alpine';

const title = 'Record how to reach the server';
const summary = (target: Target) => `${describeTarget(target)} with ${target.privateKeyPath}`;

function awsTargetOf(ctx: StepContext<'target', 'launch-instance' | 'elastic-ip' | 'key-pair'>): Target {
	awsSettings(ctx.config);
	const address = ctx.outputs['elastic-ip'].publicIp;
	return {
		kind: 'aws',
		host: address,
		port: 22,
		user: alpineLoginUser,
		privateKeyPath: ctx.outputs['key-pair'].privateKeyPath,
		identity: ctx.outputs['launch-instance'].instanceId,
		publicAddress: address,
	};
}

/** On AWS: the instance behind its Elastic IP, as Alpine's cloud user, with the key of the EC2 key pair. */
export const awsTarget = defineStep({
	id: 'target',
	title,
	needs: ['launch-instance', 'elastic-ip', 'key-pair'],
	check: async (ctx) => unchanged(ctx.previous, awsTargetOf(ctx)),
	run: async (ctx) => awsTargetOf(ctx),
	summary,
});

/** A machine the user already has (server: in hoist.yml), with their key (ssh.publicKey) or one hoist makes. */
export const serverTarget = defineStep({
	id: 'target',
	title,
	needs: [],
	async check(ctx) {
		const key = findLocalKey(ctx.config, ctx.files);
		return key ? unchanged(ctx.previous, serverTargetOf(ctx.config, key.privateKeyPath)) : undefined;
	},
	async run(ctx) {
		const key = ensureLocalKey(ctx.config, ctx.files);
		if (key.generated) ctx.log(`made a key for hoist: add ${ctx.files.publicKey} to ~${serverSettings(ctx.config).user}/.ssh/authorized_keys on the server`);
		return serverTargetOf(ctx.config, key.privateKeyPath);
	},
	summary,
});

/**
 * For commands that work on a stack that already has a server (`hoist dns`): the target as the journal recorded it,
 * without asking AWS or the server.
 */
export const recordedTarget = defineStep({
	id: 'target',
	title: 'Read the server\'s address from the journal',
	needs: [],
	check: async (ctx) => ctx.previous,
	async run(ctx) {
		if (ctx.previous) return ctx.previous;
		throw new UserError('This stack has no server yet: nothing to point DNS at.', {
			code: 'NO_TARGET',
			nextSteps: ['Run `hoist up` first: it creates the server and watches DNS itself.'],
		});
	},
	summary,
});
