import {DescribeImagesCommand, type DescribeImagesCommandInput, type Image} from '@aws-sdk/client-ec2';
import {describe, expect, it} from 'vitest';
import {checkedAlpineRelease} from '../../../source/aws/alpine-release.js';
import {UserError} from '../../../source/errors.js';
import type {StepOutputs} from '../../../source/engine/step.js';
import {alpineOwner, ami, newestRelease} from '../../../steps/ami.js';
import {awsError, type Harness, harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();

type Preflight = StepOutputs['preflight'];

const preflightBase = {accountId: '123456789012', callerArn: 'arn:aws:iam::123456789012:user/dev', region: 'us-east-1'};
const t3micro: Preflight = {...preflightBase, instanceType: 't3.micro', architectures: ['x86_64'], bootModes: ['legacy-bios', 'uefi']};
const t4gmicro: Preflight = {...preflightBase, instanceType: 't4g.micro', architectures: ['arm64'], bootModes: ['uefi']};
const t2micro: Preflight = {...preflightBase, instanceType: 't2.micro', architectures: ['i386', 'x86_64'], bootModes: ['legacy-bios']};

let nextId = 1;
function image(name: string, extra: Partial<Image> = {}): Image {
	return {ImageId: `ami-${String(nextId++).padStart(8, '0')}`, Name: name, State: 'available', RootDeviceName: '/dev/xvda', ...extra};
}

describe('newestRelease', () => {
	it('picks by version, then revision: 3.20.10 beats 3.20.9 beats 3.19.x', () => {
		const images = [
			image('alpine-3.19.7-x86_64-uefi-tiny-r3'),
			image('alpine-3.20.9-x86_64-uefi-tiny-r4'),
			image('alpine-3.20.10-x86_64-uefi-tiny-r0'),
			image('alpine-3.20.10-x86_64-uefi-tiny-r2'),
			image('alpine-3.20.10-x86_64-uefi-tiny-r1'),
		];
		expect(newestRelease(images, undefined)?.image.Name).toBe('alpine-3.20.10-x86_64-uefi-tiny-r2');
		expect(newestRelease(images, undefined)?.version).toEqual([3, 20, 10, 2]);
		expect(newestRelease(images.slice(0, 2), undefined)?.image.Name).toBe('alpine-3.20.9-x86_64-uefi-tiny-r4');
	});

	it('ignores edge and dated images, cloudinit variants and names that are not Alpine cloud images', () => {
		const stable = image('alpine-3.19.1-x86_64-uefi-tiny-r0');
		const images = [
			image('alpine-edge-x86_64-uefi-tiny-r0'),
			image('alpine-edge-20250101-x86_64-uefi-tiny-r0'),
			image('alpine-20250101-x86_64-uefi-tiny-r0'),
			image('alpine-3.21.0-x86_64-uefi-cloudinit-r0'),
			image('alpine-3.21.0-x86_64-uefi-tiny-r0-copy'),
			image('my-alpine-3.22.0-x86_64-uefi-tiny-r0'),
			image('alpine-3.21.0_rc1-x86_64-uefi-tiny-r0'),
			stable,
		];
		expect(newestRelease(images, undefined)?.image).toBe(stable);
		expect(newestRelease(images.slice(0, -1), undefined)).toBeUndefined();
	});

	it('skips images without an id', () => {
		expect(newestRelease([image('alpine-3.20.3-x86_64-uefi-tiny-r0', {ImageId: undefined})], undefined)).toBeUndefined();
	});

	it('honours a release line, and 3.2 is not 3.20', () => {
		const images = [image('alpine-3.19.4-x86_64-bios-tiny-r0'), image('alpine-3.20.3-x86_64-bios-tiny-r1'), image('alpine-3.19.2-x86_64-bios-tiny-r5')];
		expect(newestRelease(images, '3.19')?.image.Name).toBe('alpine-3.19.4-x86_64-bios-tiny-r0');
		expect(newestRelease(images, '3.2')).toBeUndefined();
	});
});

/** DescribeImages by filters answers with `images` after AWS's own filtering by name pattern; by id from `byId`. */
function describeImages(h: Harness, images: Image[], byId: Record<string, Image | Error> = {}): void {
	h.ec2.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => {
		const id = input.ImageIds?.[0];
		if (id !== undefined) {
			const found = byId[id];
			if (found === undefined) throw awsError('InvalidAMIID.NotFound', 400, `The image id '[${id}]' does not exist`);
			if (found instanceof Error) throw found;
			return {Images: [found]};
		}
		const pattern = input.Filters?.find((filter) => filter.Name === 'name')?.Values?.[0] ?? '*';
		const glob = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
		return {Images: images.filter((candidate) => glob.test(candidate.Name ?? ''))};
	});
}

const catalogue = () => [
	image('alpine-3.24.1-x86_64-uefi-tiny-r0', {Architecture: 'x86_64'}),
	image('alpine-3.23.2-x86_64-uefi-tiny-r0', {Architecture: 'x86_64'}),
	image('alpine-3.23.2-x86_64-bios-tiny-r0', {Architecture: 'x86_64'}),
	image('alpine-3.23.2-aarch64-uefi-tiny-r0', {Architecture: 'arm64', RootDeviceName: '/dev/xvda'}),
	image('alpine-3.20.3-x86_64-uefi-tiny-r1', {Architecture: 'x86_64'}),
	image('alpine-3.20.3-x86_64-bios-tiny-r1', {Architecture: 'x86_64'}),
	image('alpine-3.20.3-aarch64-uefi-tiny-r1', {Architecture: 'arm64', RootDeviceName: '/dev/xvda'}),
	image('alpine-3.19.4-x86_64-uefi-tiny-r0', {Architecture: 'x86_64'}),
];

describe('ami run', () => {
	it('asks AWS for arm64 aarch64 images of the Alpine account for an ARM-only type', async () => {
		const h = setup();
		describeImages(h, catalogue());

		const result = await ami.run(h.context(ami, {outputs: {preflight: t4gmicro}}));

		expect(result).toMatchObject({name: 'alpine-3.23.2-aarch64-uefi-tiny-r0', architecture: 'arm64', firmware: 'uefi', release: '3.23.2', rootDeviceName: '/dev/xvda'});
		const input = h.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input;
		expect(input.Owners).toEqual(['538276064493']);
		expect(alpineOwner).toBe('538276064493');
		expect(input.Filters).toEqual(
			expect.arrayContaining([
				{Name: 'name', Values: ['alpine-3.23.*-aarch64-uefi-tiny-r*']},
				{Name: 'architecture', Values: ['arm64']},
				{Name: 'state', Values: ['available']},
			]),
		);
	});

	it('asks for a BIOS image for a type that only boots legacy BIOS (t2)', async () => {
		const h = setup();
		describeImages(h, catalogue());

		const result = await ami.run(h.context(ami, {outputs: {preflight: t2micro}}));

		expect(result).toMatchObject({name: 'alpine-3.23.2-x86_64-bios-tiny-r0', architecture: 'x86_64', firmware: 'bios'});
		const filters = h.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.Filters;
		expect(filters).toContainEqual({Name: 'name', Values: ['alpine-3.23.*-x86_64-bios-tiny-r*']});
	});

	it('prefers UEFI when the type supports it', async () => {
		const h = setup();
		describeImages(h, catalogue());

		const result = await ami.run(h.context(ami, {outputs: {preflight: t3micro}}));

		expect(result).toMatchObject({name: 'alpine-3.23.2-x86_64-uefi-tiny-r0', firmware: 'uefi'});
		expect(result.imageId).toMatch(/^ami-/);
	});

	it('takes the checked line by default, and says so in its summary; latest takes the newest published line', async () => {
		const plain = setup();
		describeImages(plain, catalogue());
		const checked = await ami.run(plain.context(ami, {outputs: {preflight: t3micro}}));
		expect(checkedAlpineRelease).toBe('3.23');
		expect(ami.summary!(checked)).toMatch(/: Alpine 3\.23, the line hoist's bootstrap was checked against$/);

		const h = setup({aws: {alpineRelease: 'latest'}});
		describeImages(h, catalogue());
		const latest = await ami.run(h.context(ami, {outputs: {preflight: t3micro}}));
		expect(latest).toMatchObject({name: 'alpine-3.24.1-x86_64-uefi-tiny-r0', release: '3.24.1'});
		expect(h.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.Filters).toContainEqual({Name: 'name', Values: ['alpine-*-x86_64-uefi-tiny-r*']});
		expect(ami.summary!(latest)).toMatch(/: Alpine 3\.24, newer than the line hoist's bootstrap was checked against \(3\.23\)$/);
	});

	it('looks only in the configured release line', async () => {
		const h = setup({aws: {alpineRelease: '3.20'}});
		describeImages(h, catalogue());

		const result = await ami.run(h.context(ami, {outputs: {preflight: t3micro}}));

		expect(result).toMatchObject({name: 'alpine-3.20.3-x86_64-uefi-tiny-r1', release: '3.20.3'});
		expect(ami.summary!(result)).toMatch(/: Alpine 3\.20, older than the line hoist's bootstrap was checked against \(3\.23\)$/);
		expect(h.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.Filters).toContainEqual({Name: 'name', Values: ['alpine-3.20.*-x86_64-uefi-tiny-r*']});
	});

	it('stops with ALPINE_NOT_FOUND naming the pattern and the owner when nothing matches', async () => {
		const h = setup({aws: {alpineRelease: '3.21'}});
		describeImages(h, catalogue());

		const error = await ami.run(h.context(ami, {outputs: {preflight: t3micro}})).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'ALPINE_NOT_FOUND'});
		expect((error as UserError).hint).toContain('alpine-3.21.*-x86_64-uefi-tiny-r*');
		expect((error as UserError).hint).toContain('538276064493');
		expect((error as Error).message).toContain('us-east-1');
	});

	it('ignores cloudinit images AWS returns for the pattern', async () => {
		const h = setup();
		// AWS's name filter is a glob; the step checks every name it gets back rather than trusting the filter.
		h.ec2.on(DescribeImagesCommand).resolves({Images: [image('alpine-3.23.0-x86_64-uefi-cloudinit-r0'), image('alpine-3.23.1-x86_64-uefi-tiny-r0')]});

		await expect(ami.run(h.context(ami, {outputs: {preflight: t3micro}}))).resolves.toMatchObject({name: 'alpine-3.23.1-x86_64-uefi-tiny-r0'});
	});
});

describe('ami check', () => {
	const recorded: StepOutputs['ami'] = {
		imageId: 'ami-0recorded',
		name: 'alpine-3.20.3-x86_64-uefi-tiny-r1',
		release: '3.20.3',
		architecture: 'x86_64',
		firmware: 'uefi',
		rootDeviceName: '/dev/xvda',
	};

	it('re-uses the recorded image while it still exists and its architecture still fits', async () => {
		const h = setup();
		describeImages(h, [], {'ami-0recorded': image(recorded.name, {ImageId: 'ami-0recorded', State: 'available'})});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t3micro}, previous: recorded}))).resolves.toEqual(recorded);
		expect(h.ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.ImageIds).toEqual(['ami-0recorded']);
	});

	it('does not re-use an image that was deregistered', async () => {
		const h = setup();
		describeImages(h, [], {});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t3micro}, previous: recorded}))).resolves.toBeUndefined();
	});

	it('does not re-use an image that is no longer available', async () => {
		const h = setup();
		describeImages(h, [], {'ami-0recorded': image(recorded.name, {ImageId: 'ami-0recorded', State: 'deregistered'})});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t3micro}, previous: recorded}))).resolves.toBeUndefined();
	});

	it('does not re-use an x86_64 image once the instance type is ARM, without asking AWS', async () => {
		const h = setup();
		describeImages(h, [], {'ami-0recorded': image(recorded.name, {ImageId: 'ami-0recorded'})});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t4gmicro}, previous: recorded}))).resolves.toBeUndefined();
		expect(h.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(0);
	});

	it('does not re-use a UEFI image once the instance type only boots legacy BIOS', async () => {
		// t3.micro → t2.micro keeps x86_64, but EC2 cannot boot a uefi AMI on a Xen t2: RunInstances would fail.
		const h = setup();
		describeImages(h, [], {'ami-0recorded': image(recorded.name, {ImageId: 'ami-0recorded'})});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t2micro}, previous: recorded}))).resolves.toBeUndefined();
	});

	it('does not re-use an image of another release line than the one now configured', async () => {
		const h = setup({aws: {alpineRelease: '3.23'}});
		describeImages(h, [], {'ami-0recorded': image(recorded.name, {ImageId: 'ami-0recorded'})});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t3micro}, previous: recorded}))).resolves.toBeUndefined();
	});

	it('keeps the recorded image with latest, as without a line: a stack is not moved to another line behind its back', async () => {
		const h = setup({aws: {alpineRelease: 'latest'}});
		describeImages(h, [], {'ami-0recorded': image(recorded.name, {ImageId: 'ami-0recorded', State: 'available'})});

		await expect(ami.check(h.context(ami, {outputs: {preflight: t3micro}, previous: recorded}))).resolves.toEqual(recorded);
	});

	it('has nothing to re-use on a first run', async () => {
		const h = setup();
		await expect(ami.check(h.context(ami, {outputs: {preflight: t3micro}}))).resolves.toBeUndefined();
		expect(h.ec2.commandCalls(DescribeImagesCommand)).toHaveLength(0);
	});
});
