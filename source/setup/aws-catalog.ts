/**
 * What the guided setup offers and what its cost estimate uses: AWS regions, a short list of instance types, and
 * their prices. Written by hand from AWS's published on-demand price pages (Linux, us-east-1), not fetched: prices
 * differ by region and change, so every figure shown from here is labelled an estimate with `pricesOf`.
 */

/** When the prices below were taken from AWS's price pages. */
export const pricesOf = '2025-07';

/** The region the prices are for; other regions cost a little more or less. */
export const pricesRegion = 'us-east-1';

/** Hours in AWS's billing month. */
export const hoursPerMonth = 730;

/** A public IPv4 address (an Elastic IP, attached or not), per hour, since February 2024. */
export const publicIpv4PerHour = 0.005;

/** gp3 storage, per GiB and month. */
export const gp3PerGibMonth = 0.08;

export interface InstanceOffer {
	type: string;
	architecture: 'x86_64' | 'arm64';
	vcpus: number;
	memoryGiB: number;
	/** On-demand, Linux, USD per hour. */
	perHour: number;
	note?: string;
}

/** The short list the setup shows; any other valid type may be typed instead. The first is the default. */
export const instanceOffers: readonly InstanceOffer[] = [
	{type: 't3.micro', architecture: 'x86_64', vcpus: 2, memoryGiB: 1, perHour: 0.0104, note: 'free tier eligible'},
	{type: 't3.small', architecture: 'x86_64', vcpus: 2, memoryGiB: 2, perHour: 0.0208},
	{type: 't3.medium', architecture: 'x86_64', vcpus: 2, memoryGiB: 4, perHour: 0.0416},
	{type: 't4g.micro', architecture: 'arm64', vcpus: 2, memoryGiB: 1, perHour: 0.0084, note: 'ARM: your images need an arm64 build'},
	{type: 't4g.small', architecture: 'arm64', vcpus: 2, memoryGiB: 2, perHour: 0.0168, note: 'ARM: your images need an arm64 build'},
	{type: 't4g.medium', architecture: 'arm64', vcpus: 2, memoryGiB: 4, perHour: 0.0336, note: 'ARM: your images need an arm64 build'},
];

/** AWS regions by name (commercial, GovCloud and China), as of `pricesOf`. */
export const awsRegions: readonly string[] = [
	'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
	'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
	'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
	'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1',
	'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
	'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
	'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
	'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];
