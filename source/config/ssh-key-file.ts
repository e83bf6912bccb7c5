import {statSync} from 'node:fs';
import {fileSystemReason, isFileSystemError} from '../files/fs-errors.js';
import {readTextFile} from '../files/read-file.js';
import {isPublicKeyLine} from './ssh-key-line.js';

/**
 * What is wrong with ssh.publicKey, checked from the files alone (no AWS call yet): it must be an OpenSSH public
 * key line in a file ending in .pub, with its private key beside it under the same name without .pub.
 */
export function sshKeyProblem(publicKeyPath: string): string | undefined {
	let text: string;
	try {
		text = readTextFile(publicKeyPath, {what: 'The public key', maxBytes: 16 * 1024});
	} catch (error) {
		return `the public key ${publicKeyPath} cannot be read: ${isFileSystemError(error) ? fileSystemReason(error) : 'it is too large for a key'}`;
	}
	if (text.includes('PRIVATE KEY')) {
		return `${publicKeyPath} is a private key; ssh.publicKey names the public half (usually the same name with .pub), and hoist reads the private key beside it`;
	}
	if (!isPublicKeyLine(text.trim().split('\n')[0] ?? '')) {
		return `${publicKeyPath} is not an OpenSSH public key; expected one line like "ssh-ed25519 AAAA… you@laptop" (ssh-keygen writes it as a .pub file)`;
	}
	if (!publicKeyPath.endsWith('.pub')) {
		return `${publicKeyPath} does not end in .pub; hoist finds the private key beside the public key under the same name without .pub`;
	}
	const privateKeyPath = publicKeyPath.slice(0, -'.pub'.length);
	try {
		if (!statSync(privateKeyPath).isFile()) return `the private key beside the public key, ${privateKeyPath}, is not a file`;
	} catch (error) {
		const reason = isFileSystemError(error) && error.code !== 'ENOENT' ? fileSystemReason(error) : 'it does not exist';
		return `hoist needs the private key beside the public key, at ${privateKeyPath}: ${reason}`;
	}
	return undefined;
}
