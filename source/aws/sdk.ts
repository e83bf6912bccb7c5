/** The AWS SDK's commands, loaded on the first AWS call rather than with the steps (the SDK takes a large share of start-up). */
export function sdk(): Promise<typeof import('./ec2-commands.js')> {
	return import('./ec2-commands.js');
}
