import type {SetupAnswers} from './answers.js';
import {gp3PerGibMonth, hoursPerMonth, instanceOffers, pricesOf, pricesRegion, publicIpv4PerHour} from './aws-catalog.js';

/** hoist's default root disk (aws.volumeGiB); the setup does not ask for another. */
export const setupVolumeGiB = 10;

export interface CostLine {
	what: string;
	/** USD per month; undefined when hoist's table has no price for it. */
	perMonth?: number;
}

export interface SetupPlan {
	/** "AWS account of profile work, region eu-west-1", or the server. */
	where: string;
	/** What will be made, one line each. */
	creates: string[];
	/** AWS only: the rough monthly cost. */
	cost?: {lines: CostLine[]; total: number; complete: boolean; label: string};
}

/** What `hoist up` will make for these answers, and roughly what it costs a month: what the plan screen shows. */
export function setupPlan(answers: SetupAnswers): SetupPlan {
	const stackName = `hoist-${answers.stack}`;
	const onServer = [
		`Podman and compose (installed when missing), your stack in /srv/hoist/${answers.stack}`,
		`Caddy in front of ${answers.service}:${answers.port}, HTTPS for ${answers.domain} from ${answers.acmeDirectory === undefined ? `Let's Encrypt${answers.staging ? ' (staging first)' : ''}` : `the CA at ${answers.acmeDirectory}`}`,
		...(answers.registry ? [`A login to ${answers.registry.server} as ${answers.registry.username} (the token from HOIST_REGISTRY_TOKEN or asked for)`] : []),
	];
	if (answers.target.kind === 'server') {
		const {host, user, port} = answers.target;
		return {where: `the server ${host}${port === 22 ? '' : `:${port}`}, as ${user}`, creates: onServer};
	}
	const aws = answers.target;
	const offer = instanceOffers.find((candidate) => candidate.type === aws.instanceType);
	const lines: CostLine[] = [
		{what: `${aws.instanceType} instance, on all month`, ...(offer ? {perMonth: offer.perHour * hoursPerMonth} : {})},
		{what: `${setupVolumeGiB} GiB gp3 disk`, perMonth: setupVolumeGiB * gp3PerGibMonth},
		{what: 'public IPv4 address (the Elastic IP)', perMonth: publicIpv4PerHour * hoursPerMonth},
	];
	return {
		where: `the AWS account of ${aws.profile === undefined ? 'your AWS credentials' : `profile ${aws.profile}`}, region ${aws.region}`,
		creates: [
			`EC2 instance ${stackName}: ${aws.instanceType}${offer ? ` (${offer.architecture}, ${offer.vcpus} vCPUs, ${offer.memoryGiB} GiB)` : ''}, Alpine Linux`,
			`Its disk: ${setupVolumeGiB} GiB gp3, encrypted (it goes with the instance)`,
			aws.elasticIp === undefined ? 'A new Elastic IP (released by hoist destroy)' : `Your Elastic IP ${aws.elasticIp} (kept by hoist destroy)`,
			`Security group ${stackName}: SSH (22) from ${aws.sshCidr}; HTTP (80), HTTPS (443) and HTTP/3 (443/udp) from anywhere`,
			`Key pair ${stackName} (an ed25519 key made in .hoist/)`,
			...onServer,
		],
		cost: {
			lines,
			total: lines.reduce((sum, line) => sum + (line.perMonth ?? 0), 0),
			complete: offer !== undefined,
			label: `estimate, ${pricesRegion} on-demand prices of ${pricesOf}; data transfer and taxes not included`,
		},
	};
}

export function dollars(amount: number): string {
	return `$${amount.toFixed(2)}`;
}
