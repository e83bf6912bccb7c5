import {sh} from '../remote/commands/quote.js';

/**
 * hoist.env: the variables compose interpolation took from the environment hoist ran in, as `NAME='value'` lines
 * that the remote shell sources before compose. Values can be secrets: the file is root's, mode 0600, and they never
 * appear on a command line.
 */
export function renderHoistEnv(variables: Record<string, string>): string {
	const lines = Object.entries(variables)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([name, value]) => `${name}=${sh(value)}`);
	return `# Written by hoist: variables your compose file takes from the environment hoist ran in.\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`;
}
