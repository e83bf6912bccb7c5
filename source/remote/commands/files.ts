import type {RemoteCommand} from './command.js';
import {sh} from './quote.js';

/**
 * The SHA-256 of each file that exists (`hash  path` lines, as sha256sum prints them); missing files are simply
 * absent from the answer. One round trip for "which of these files must be sent again?".
 */
export function fileHashes(paths: string[]): RemoteCommand {
	return {root: true, title: 'compare the files on the server', line: `for f in ${sh(...paths)}; do [ -f "$f" ] && sha256sum "$f"; done; true`};
}

export function parseHashes(output: string): Map<string, string> {
	const hashes = new Map<string, string>();
	for (const line of output.split('\n')) {
		const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
		if (match) hashes.set(match[2]!, match[1]!);
	}
	return hashes;
}

/** A directory only root may enter (the stack's files include secrets). */
export function privateDirectory(path: string, mode = 0o750): RemoteCommand {
	return {root: true, title: `create ${path}`, line: `${sh('mkdir', '-p', path)} && ${sh('chmod', mode.toString(8), path)}`};
}
