import type {RemoteCommand} from '../../remote/commands/command.js';
import {sh} from '../../remote/commands/quote.js';
import type {ComposeTool} from './compose.js';

/** What `hoist upgrade` shows before and after: the parts of the host a stack depends on. */
export interface HostVersions {
	/** `uname -r`. */
	kernel: string;
	/** `podman --version`'s number; "none" where Podman is missing. */
	podman: string;
	/** The compose tool bootstrap chose, with its version (e.g. "docker-compose 1.29.2"). */
	compose: string;
	/** Whether the host has apk (Alpine): the only package manager hoist upgrades with. */
	apk: boolean;
}

/**
 * One round trip, no root, nothing changed: the kernel, Podman's and compose's versions, and whether apk is there.
 * A tool that is missing or says nothing reads as "none" rather than failing the look.
 */
export function readHostVersions(tool: ComposeTool): RemoteCommand {
	const compose = sh(...tool.command);
	return {
		title: 'read the kernel, Podman and compose versions',
		line: [
			'echo "kernel=$(uname -r)"',
			`echo "podman=$(podman --version 2>/dev/null | sed -n 's/^podman version //p' | head -n 1)"`,
			// --short where the tool knows it (v2, newer v1); the first line of `version` otherwise
			`echo "compose=$({ ${compose} version --short 2>/dev/null || ${compose} version 2>/dev/null; } | head -n 1)"`,
			'if command -v apk >/dev/null 2>&1; then echo apk=yes; else echo apk=no; fi',
		].join('; '),
	};
}

export function parseHostVersions(stdout: string, tool: ComposeTool): HostVersions {
	const values = new Map<string, string>();
	for (const line of stdout.split('\n')) {
		const match = /^(kernel|podman|compose|apk)=(.*)$/.exec(line.trim());
		if (match) values.set(match[1]!, match[2]!.trim());
	}
	const composeVersion = values.get('compose')?.replace(/^(docker-compose|podman-compose|Docker Compose) version /i, '').replace(/,.*$/, '').replace(/^v/, '');
	return {
		kernel: values.get('kernel') || 'unknown',
		podman: values.get('podman') || 'none',
		compose: `${tool.command.join(' ')} ${composeVersion || 'none'}`,
		apk: values.get('apk') === 'yes',
	};
}

/** "kernel 6.12.1-0-virt → 6.12.13-0-virt, Podman 5.3.1 (unchanged), …": what changed, part by part. */
export function versionChanges(before: HostVersions, after: HostVersions): string[] {
	const parts: Array<[string, string, string]> = [
		['kernel', before.kernel, after.kernel],
		['Podman', before.podman, after.podman],
		['compose', before.compose, after.compose],
	];
	return parts.map(([name, was, now]) => (was === now ? `${name} ${now} (unchanged)` : `${name} ${was} → ${now}`));
}

export function describeVersions(versions: HostVersions): string {
	return `kernel ${versions.kernel}, Podman ${versions.podman}, ${versions.compose}`;
}
