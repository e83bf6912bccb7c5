import {rmSync} from 'node:fs';
import {z} from 'zod';
import type {KeyPairInfo} from '@aws-sdk/client-ec2';
import type {AwsApi} from '../source/aws/api.js';
import {unlessAwsError} from '../source/aws/errors.js';
import {hasStackTag, resourceName, tagSpecification} from '../source/aws/tags.js';
import {defineStep} from '../source/engine/step.js';
import {UserError, nextCommand} from '../source/errors.js';
import {ensureLocalKey, findLocalKey, samePublicKey} from '../source/remote/local-key.js';
import {sdk} from '../source/aws/sdk.js';

export const keyPairOutputs = z.object({
	keyName: z.string(),
	keyPairId: z.string(),
	privateKeyPath: z.string(),
	/** Whether hoist generated the local key (then destroy deletes the local files too). */
	generated: z.boolean(),
});
export type KeyPairOutputs = z.infer<typeof keyPairOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		'key-pair': KeyPairOutputs;
	}
}

/**
 * An ed25519 key made here (or the user's own) imported as key pair hoist-<stack>. The instance authorises it
 * at boot. Only a key pair hoist imported, tagged for the stack, is ever deleted.
 */
export const keyPair = defineStep({
	id: 'key-pair',
	outputs: keyPairOutputs,
	needs: [],
	async check(ctx) {
		const local = findLocalKey(ctx.config, ctx.files);
		if (!local) return undefined;
		const remote = await describeKeyPair(ctx.services.aws(), resourceName(ctx.config.stack), ctx.signal);
		if (!remote || !samePublicKey(remote.PublicKey, local.publicKey)) return undefined;
		return outputs(remote, local.privateKeyPath, local.generated);
	},
	async run(ctx) {
		const aws = ctx.services.aws();
		const {stack} = ctx.config;
		const keyName = resourceName(stack);
		const local = ensureLocalKey(ctx.config, ctx.files);
		let remote = await describeKeyPair(aws, keyName, ctx.signal);
		if (remote && !samePublicKey(remote.PublicKey, local.publicKey)) {
			if (!hasStackTag(remote.Tags, stack)) {
				throw new UserError(`A key pair named ${keyName} already exists in this region, and hoist did not create it.`, {
					code: 'KEY_PAIR_TAKEN',
					nextSteps: [`Delete or rename the key pair ${keyName} in the EC2 console, or choose another stack name.`],
				});
			}
			// Ours, but for a local key that is gone: the new local key replaces it.
			ctx.log(`replacing key pair ${keyName}: it holds a key this machine no longer has`);
			await aws.ec2(new (await sdk()).DeleteKeyPairCommand({KeyName: keyName}), {signal: ctx.signal});
			remote = undefined;
		}
		if (!remote) {
			ctx.progress(`importing the public key as ${keyName}`);
			await unlessAwsError(
				aws.ec2(
					new (await sdk()).ImportKeyPairCommand({
						KeyName: keyName,
						PublicKeyMaterial: new TextEncoder().encode(local.publicKey),
						TagSpecifications: [tagSpecification('key-pair', stack)],
					}),
					{signal: ctx.signal},
				),
				// A run killed right after the import finds it already there.
				'InvalidKeyPair.Duplicate',
			);
			remote = await describeKeyPair(aws, keyName, ctx.signal, true);
		}
		if (!remote) throw new UserError(`The key pair ${keyName} did not appear after it was imported.`, {code: 'KEY_PAIR_MISSING', nextSteps: [nextCommand('hoist up', 'Run {command} again.')]});
		if (!samePublicKey(remote.PublicKey, local.publicKey)) {
			// A Duplicate answer means someone else imported under this name in between: not our key.
			throw new UserError(`The key pair ${keyName} holds a different key than ${local.privateKeyPath}.`, {
				code: 'KEY_PAIR_CONFLICT',
				hint: 'Another hoist run (or a person) imported a key under the same name at the same moment.',
				nextSteps: [nextCommand('hoist up', 'Run {command} again; if it repeats, delete the key pair in the EC2 console.')],
			});
		}
		await ctx.recordResource({type: 'key-pair', id: keyName, ownedByHoist: true, region: await aws.region()});
		return outputs(remote, local.privateKeyPath, local.generated);
	},
	undoTitle: 'Delete the SSH key pair',
	async undo(ctx) {
		const aws = ctx.services.aws();
		const keyName = ctx.previous?.keyName ?? resourceName(ctx.config.stack);
		const remote = await describeKeyPair(aws, keyName, ctx.signal);
		if (remote && hasStackTag(remote.Tags, ctx.config.stack)) {
			ctx.progress(`deleting key pair ${keyName}`);
			await aws.ec2(new (await sdk()).DeleteKeyPairCommand({KeyName: keyName}), {signal: ctx.signal});
		} else if (remote) {
			ctx.log(`left key pair ${keyName} alone: it is not tagged for this stack`);
		}
		await ctx.forgetResource('key-pair', keyName);
		if (!ctx.config.ssh.publicKey) {
			rmSync(ctx.files.privateKey, {force: true});
			rmSync(ctx.files.publicKey, {force: true});
		}
	},
	summary: (out) => `${out.keyName} (${out.privateKeyPath})`,
});

function outputs(remote: KeyPairInfo, privateKeyPath: string, generated: boolean): KeyPairOutputs {
	return {keyName: remote.KeyName!, keyPairId: remote.KeyPairId ?? '', privateKeyPath, generated};
}

async function describeKeyPair(aws: AwsApi, keyName: string, signal: AbortSignal, justCreated = false): Promise<KeyPairInfo | undefined> {
	const result = await unlessAwsError(
		aws.ec2(new (await sdk()).DescribeKeyPairsCommand({KeyNames: [keyName], IncludePublicKey: true}), {
			signal,
			// Right after an import AWS may not show the key yet.
			retryOn: justCreated ? ['InvalidKeyPair.NotFound'] : [],
		}),
		'InvalidKeyPair.NotFound',
	);
	return result?.KeyPairs?.[0];
}
