import {statSync} from 'node:fs';
import {fileSystemReason, isFileSystemError} from '../files/fs-errors.js';
import {readTextFile} from '../files/read-file.js';

const keyTypes = ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'];

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
	let privateKey: string;
	try {
		privateKey = readTextFile(privateKeyPath, {what: 'The private key', maxBytes: 64 * 1024});
	} catch (error) {
		return `the private key beside the public key, ${privateKeyPath}, cannot be read: ${isFileSystemError(error) ? fileSystemReason(error) : 'it is too large for a key'}`;
	}
	if (hasPassphrase(privateKey)) {
		return `the private key ${privateKeyPath} is protected by a passphrase, and hoist logs in without asking for one; name a key without a passphrase, or remove ssh.publicKey to let hoist make its own`;
	}
	return undefined;
}

/** A private key that needs a passphrase: OpenSSH's own format with a cipher, or an encrypted PEM key. */
function hasPassphrase(text: string): boolean {
	if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) return true;
	const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
	if (body === undefined) return false;
	// "openssh-key-v1\0", then the cipher's name as an SSH string: "none" for a key without a passphrase.
	const bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
	const magic = 'openssh-key-v1\0'.length;
	if (bytes.length < magic + 4) return false;
	const length = bytes.readUInt32BE(magic);
	return bytes.subarray(magic + 4, magic + 4 + length).toString('latin1') !== 'none';
}

/** "type base64 [comment]", where the base64 blob starts with the same type name, as OpenSSH writes it. */
function isPublicKeyLine(line: string): boolean {
	const [type, blob] = line.trim().split(/\s+/);
	if (type === undefined || blob === undefined || !keyTypes.includes(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return false;
	const bytes = Buffer.from(blob, 'base64');
	if (bytes.length < 4) return false;
	const length = bytes.readUInt32BE(0);
	return bytes.subarray(4, 4 + length).toString('latin1') === type;
}
