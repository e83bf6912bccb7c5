import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {instancePodman, ssh, type CommandResult, type SandboxEnv} from '../sandbox/sandbox.js';

/** What the sandbox host (standing in for the instance) holds for a stack's compose project. */
export interface HostInventory {
	containers: Array<{name: string; service: string; state: string}>;
	volumes: string[];
	networks: string[];
	stackDirExists: boolean;
}

export async function hostInventory(sandbox: SandboxEnv, project: string): Promise<HostInventory> {
	const filter = `label=com.docker.compose.project=${project}`;
	const ps = await instancePodman(sandbox, ['ps', '--all', '--filter', filter, '--format', '{{.Names}} {{index .Labels "com.docker.compose.service"}} {{.State}}']);
	const volumes = await instancePodman(sandbox, ['volume', 'ls', '--filter', filter, '--format', '{{.Name}}']);
	const networks = await instancePodman(sandbox, ['network', 'ls', '--filter', filter, '--format', '{{.Name}}']);
	const lines = (result: CommandResult) => result.stdout.split('\n').filter(Boolean);
	return {
		containers: lines(ps).map((line) => {
			const [name = '', service = '', state = ''] = line.split(' ');
			return {name, service, state};
		}),
		volumes: lines(volumes),
		networks: lines(networks),
		stackDirExists: existsSync(`/srv/hoist/${project}`),
	};
}

/** GET on the instance's address through Caddy (port 80). */
export async function httpGet(sandbox: SandboxEnv, path: string): Promise<{status: number; body: string}> {
	const response = await fetch(`http://${sandbox.HOIST_SANDBOX_HOST}${path}`, {signal: AbortSignal.timeout(5_000)});
	return {status: response.status, body: await response.text()};
}

/** The fixture's timeline: which job or start happened, in order, by the kernel's uptime. */
export function parseTimeline(text: string): Array<{name: string; at: number}> {
	return text
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [name = '', at = '0'] = line.split(' ');
			return {name, at: Number(at)};
		});
}

/** A command on the instance as its cloud user, with the stack's own key (what hoist logs in with). */
export function sshAsStack(sandbox: SandboxEnv, stackDir: string, command: string): Promise<CommandResult> {
	return ssh(sandbox, join(stackDir, '.hoist', 'id_ed25519'), command);
}

/** Every line of the SSH trace hoist wrote (HOIST_SSH_TRACE). */
export function readTrace(file: string): Array<{type: string; line?: string; path?: string}> {
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as {type: string; line?: string; path?: string});
}

/** Waits until the instance holds nothing of the project: EC2 wipes a terminated instance, and so does the sandbox. */
export async function expectWiped(sandbox: SandboxEnv, project: string): Promise<void> {
	await expect.poll(() => hostInventory(sandbox, project), {timeout: 15_000, interval: 250}).toEqual({containers: [], volumes: [], networks: [], stackDirExists: false});
}
