import {accessSync, constants, existsSync, statSync} from 'node:fs';
import {basename, dirname, join, relative} from 'node:path';
import type {Document} from 'yaml';
import {fileSystemReason, isFileSystemError} from '../files/fs-errors.js';
import {kindOf, readTextFile} from '../files/read-file.js';
import {resolvePath} from './paths.js';
import type {Position, Problem} from './read-config-yaml.js';
import type {Config} from './schema.js';
import {sshKeyProblem} from './ssh-key-file.js';

/**
 * Files named in hoist.yml must be there, and be files, before anything talks to AWS; paths are relative to
 * hoist.yml's directory. The SSH key is also read: a private key, a folder or garbage is found now, not after
 * the first resources exist.
 */
export function checkFiles(config: Config, doc: Document, dir: string, at: Position): Problem[] {
	const files: Array<[string[], string | undefined, string]> = [
		[['compose', 'file'], config.compose.file, 'the compose file'],
		[['acme', 'caRoot'], config.acme.caRoot, 'the CA certificate'],
		...config.acme.trustRoots.map((value, index): [string[], string, string] => [['acme', 'trustRoots', String(index)], value, 'the trust root']),
		[['ssh', 'publicKey'], config.ssh.publicKey, 'the public key'],
	];
	const problems: Problem[] = [];
	for (const [path, value, what] of files) {
		if (value === undefined) continue;
		const absolute = resolvePath(dir, value);
		const node = doc.getIn(path, true) as {range?: [number, number, number]} | undefined;
		// Only the default is a guess worth correcting: a name the user wrote is what they meant.
		const whenMissing = path[0] === 'compose' && node === undefined ? (missing: string) => composeFileHint(missing, dir) : undefined;
		const problem = fileProblem(absolute, what, whenMissing) ?? (path[0] === 'ssh' ? sshKeyProblem(absolute) : path[0] === 'acme' ? pemProblem(absolute, what) : undefined);
		if (problem === undefined) continue;
		const defaulted = node === undefined ? ' (the default)' : '';
		problems.push({...at(node?.range?.[0]), message: `${path.join('.')}: ${problem.replace(absolute, `${absolute}${defaulted}`)}`});
	}
	return problems;
}

/** A CA certificate that is no PEM certificate at all is refused now, not when Caddy or the TLS check reads it. */
function pemProblem(path: string, what: string): string | undefined {
	try {
		return readTextFile(path, {what, maxBytes: 1 << 20}).includes('-----BEGIN CERTIFICATE-----') ? undefined : `${what} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
	} catch (error) {
		return `${what} ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
	}
}

function fileProblem(path: string, what: string, whenMissing?: (path: string) => string): string | undefined {
	try {
		const stats = statSync(path);
		if (!stats.isFile()) return `${what} ${path} is ${kindOf(stats)}, not a file`;
		// Read later, after .hoist/ exists: a file hoist may not read is refused now, like one that is missing.
		accessSync(path, constants.R_OK);
		return undefined;
	} catch (error) {
		if (!isFileSystemError(error) || error.code === 'ENOENT' || error.code === 'ENOTDIR') return `${what} ${path} does not exist${whenMissing?.(path) ?? ''}`;
		return `${what} ${path} cannot be read: ${fileSystemReason(error)}`;
	}
}

/** The names Compose itself looks for, in its order of preference. */
const composeNames = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** When compose.file names nothing, the compose file Compose would pick in that folder, if there is one. */
function composeFileHint(missing: string, configDir: string): string {
	const found = composeNames.map((name) => join(dirname(missing), name)).find((candidate) => candidate !== missing && existsSync(candidate));
	return found === undefined ? '' : `, but ${basename(found)} does: set compose.file: ${relative(configDir, found)} in hoist.yml`;
}
