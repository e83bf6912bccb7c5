import {z} from 'zod';
import type {Image} from '@aws-sdk/client-ec2';
import {unlessAwsError} from '../source/aws/errors.js';
import {checkedAlpineRelease, latestAlpineRelease, releaseLineNote} from '../source/aws/alpine-release.js';
import {awsSettings} from '../source/config/schema.js';
import {defineStep} from '../source/engine/step.js';
import {UserError} from '../source/errors.js';
import {sdk} from '../source/aws/sdk.js';

export const amiOutputs = z.object({
	imageId: z.string(),
	name: z.string(),
	/** e.g. 3.20.3 */
	release: z.string(),
	/** As EC2 names it: x86_64 or arm64. */
	architecture: z.string(),
	firmware: z.enum(['uefi', 'bios']),
	rootDeviceName: z.string(),
});
export type AmiOutputs = z.infer<typeof amiOutputs>;

declare module '../source/engine/step.js' {
	interface StepOutputs {
		ami: AmiOutputs;
	}
}

/** The account that publishes the official Alpine Linux cloud images. */
export const alpineOwner = '538276064493';

/** alpine-<x.y.z>-<arch>-<firmware>-tiny-r<revision>: tiny-cloud images; edge (dated) images don't match. */
const imageName = /^alpine-(\d+)\.(\d+)\.(\d+)-(x86_64|aarch64)-(uefi|bios)-tiny-r(\d+)$/;

interface Candidate {
	image: Image;
	version: number[];
}

/**
 * The newest official Alpine image of the release line hoist installs (aws.alpineRelease, by default the line its
 * bootstrap was checked against; `latest`: the newest published line) for the instance type's architecture and a boot
 * mode it supports. Looked up by owner and name, never hard-coded; the id is recorded so a resume uses the same image.
 */
export const ami = defineStep({
	id: 'ami',
	outputs: amiOutputs,
	needs: ['preflight'],
	async check(ctx) {
		const previous = ctx.previous;
		const wanted = wantedImage(ctx.outputs.preflight.architectures, ctx.outputs.preflight.bootModes);
		const release = awsSettings(ctx.config).alpineRelease;
		if (!previous || previous.architecture !== wanted.architecture || previous.firmware !== wanted.firmware) return undefined;
		// Without a line in hoist.yml the recorded image stays (a stack made before the checked line existed keeps its
		// instance); a line named there must be the recorded one.
		if (release !== undefined && release !== latestAlpineRelease && !previous.release.startsWith(`${release}.`)) return undefined;
		const result = await unlessAwsError(
			ctx.services.aws().ec2(new (await sdk()).DescribeImagesCommand({ImageIds: [previous.imageId]}), {signal: ctx.signal}),
			'InvalidAMIID.NotFound',
			'InvalidAMIID.Unavailable',
		);
		return result?.Images?.[0]?.State === 'available' ? previous : undefined;
	},
	async run(ctx) {
		const {architectures, bootModes, instanceType} = ctx.outputs.preflight;
		const {architecture, firmware} = wantedImage(architectures, bootModes);
		if (!architecture) {
			throw new UserError(`Alpine publishes no image for the architecture of ${instanceType} (${architectures.join(', ')}).`, {
				code: 'ALPINE_NO_ARCH',
				nextSteps: ['Choose an x86_64 or ARM (Graviton) instance type in hoist.yml, e.g. t3.small or t4g.small.'],
			});
		}
		const configured = awsSettings(ctx.config).alpineRelease ?? checkedAlpineRelease;
		const release = configured === latestAlpineRelease ? undefined : configured;
		const nameArch = architecture === 'arm64' ? 'aarch64' : 'x86_64';
		const pattern = `alpine-${release ? `${release}.` : ''}*-${nameArch}-${firmware}-tiny-r*`;
		ctx.progress(`looking for ${pattern} published by ${alpineOwner}`);
		const result = await ctx.services.aws().ec2(
			new (await sdk()).DescribeImagesCommand({
				Owners: [alpineOwner],
				Filters: [
					{Name: 'name', Values: [pattern]},
					{Name: 'architecture', Values: [architecture]},
					{Name: 'state', Values: ['available']},
				],
			}),
			{signal: ctx.signal},
		);
		const newest = newestRelease(result.Images ?? [], release);
		if (!newest) {
			throw new UserError(`No official Alpine${release ? ` ${release}` : ''} image for ${architecture} (${firmware}) in ${ctx.outputs.preflight.region}.`, {
				code: 'ALPINE_NOT_FOUND',
				hint: `hoist looked for images named ${pattern} owned by ${alpineOwner} (the Alpine Linux project).`,
				nextSteps: [
					release ? `Set aws.alpineRelease in hoist.yml to another line (or latest), or try another region.` : 'Try another region or instance type.',
				],
			});
		}
		const {image, version} = newest;
		ctx.log(`chose ${image.Name} (${image.ImageId}) among ${result.Images?.length ?? 0} candidates`);
		return {
			imageId: image.ImageId!,
			name: image.Name!,
			release: version.slice(0, 3).join('.'),
			architecture,
			firmware,
			rootDeviceName: image.RootDeviceName ?? '/dev/xvda',
		};
	},
	summary: (out) => `${out.imageId} (${out.name}): ${releaseLineNote(out.release)}`,
});

/** The image an instance type boots: its architecture, and UEFI where supported (all Graviton, most Nitro x86), else BIOS (Xen types like t2). */
function wantedImage(architectures: string[], bootModes: string[]): {architecture: 'x86_64' | 'arm64' | undefined; firmware: 'uefi' | 'bios'} {
	const architecture = architectures.includes('x86_64') ? 'x86_64' : architectures.includes('arm64') ? 'arm64' : undefined;
	return {architecture, firmware: bootModes.includes('uefi') ? 'uefi' : 'bios'};
}

/** Newest by version and revision (creation dates can tie), stable releases only. */
export function newestRelease(images: Image[], release: string | undefined): Candidate | undefined {
	const candidates: Candidate[] = [];
	for (const image of images) {
		const match = imageName.exec(image.Name ?? '');
		if (!match || !image.ImageId) continue;
		const version = match.slice(1, 4).concat(match[6]!).map(Number);
		if (release && `${version[0]}.${version[1]}` !== release) continue;
		candidates.push({image, version});
	}
	candidates.sort((a, b) => compareVersions(b.version, a.version) || (b.image.CreationDate ?? '').localeCompare(a.image.CreationDate ?? ''));
	return candidates[0];
}

function compareVersions(a: number[], b: number[]): number {
	for (let index = 0; index < Math.max(a.length, b.length); index++) {
		const difference = (a[index] ?? 0) - (b[index] ?? 0);
		if (difference !== 0) return difference;
	}
	return 0;
}
