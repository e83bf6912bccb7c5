import type {Config} from '../config/schema.js';

export interface StepOutline {
	id: string;
	title: string;
}

/**
 * The wizard's steps as `buildPlan` orders them, by id and title only, without loading a step module: the AWS steps
 * bring the AWS SDK (about 0.6 s and 70 MB), which a screen that only lists the steps (bare `hoist`'s resume screen)
 * must not wait for. test/unit/plan.test.ts keeps this equal to `buildPlan`.
 */
export function planOutline(config: Config): StepOutline[] {
	const reach: StepOutline[] = config.aws
		? [
				{id: 'preflight', title: 'Check AWS account and region'},
				{id: 'ami', title: 'Find the Alpine image'},
				{id: 'key-pair', title: 'Create the SSH key'},
				{id: 'security-group', title: 'Open ports 22, 80 and 443'},
				{id: 'launch-instance', title: 'Launch the instance'},
				{id: 'elastic-ip', title: 'Attach a stable public address'},
				{id: 'target', title: 'Record how to reach the server'},
			]
		: [{id: 'target', title: 'Record how to reach the server'}];
	return [
		{id: 'compose', title: 'Check the compose file'},
		...reach,
		{id: 'ssh-ready', title: 'Wait for SSH'},
		{id: 'bootstrap', title: 'Prepare the server (Podman, compose)'},
		...(config.registry ? [{id: 'registry-login', title: 'Log the server in to the registry'}] : []),
		{id: 'upload', title: 'Upload the stack'},
		{id: 'deploy', title: 'Start the stack'},
		{id: 'dns', title: 'Wait for DNS to point at the server'},
		{id: 'certificate', title: 'Get and confirm the HTTPS certificate'},
	];
}
