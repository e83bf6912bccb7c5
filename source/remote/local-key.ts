import {existsSync} from 'node:fs';
import ssh2 from 'ssh2';
import {resolvePath} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {writeFileAtomic} from '../files/atomic-write.js';
import type {StackFiles} from '../engine/stack-files.js';
import {UserError} from '../errors.js';
import {generateEd25519} from './openssh-key.js';
import {readPrivateKey} from './private-key-file.js';

export interface LocalKey {
	privateKeyPath: string;
	/** "ssh-ed25519 AAAA…" without a comment. */
	publicKey: string;
	/** True when hoist made the key (and may delete it on destroy). */
	generated: boolean;
}

/**
 * The key hoist logs in with: the user's (ssh.publicKey, private key beside it) or one it generates in
 * .hoist/ with mode 0600. The private key never leaves this machine; only its public half goes to AWS.
 */
export function ensureLocalKey(config: Config, files: StackFiles): LocalKey {
	return localKey(config, files, true)!;
}

/** The local key if it exists, without making one. */
export function findLocalKey(config: Config, files: StackFiles): LocalKey | undefined {
	return localKey(config, files, false);
}

function localKey(config: Config, files: StackFiles, create: boolean): LocalKey | undefined {
	if (config.ssh.publicKey) {
		const publicKeyPath = resolvePath(files.dir, config.ssh.publicKey);
		const privateKeyPath = publicKeyPath.replace(/\.pub$/, '');
		if (privateKeyPath === publicKeyPath || !existsSync(privateKeyPath)) {
			const why = privateKeyPath === publicKeyPath ? 'it does not end in .pub, so hoist cannot tell where its private key is' : `there is no private key beside it at ${privateKeyPath}`;
			throw new UserError(`ssh.publicKey names ${publicKeyPath}, but ${why}.`, {
				code: 'SSH_KEY_MISSING',
				hint: 'hoist needs the private key beside the public one (same name without .pub) to log in.',
				nextSteps: ['Point ssh.publicKey at a .pub file whose private key sits beside it, or remove ssh.publicKey to let hoist make one.'],
			});
		}
		return {privateKeyPath, publicKey: publicKeyOf(readPrivateKey(privateKeyPath), privateKeyPath), generated: false};
	}
	if (!existsSync(files.privateKey)) {
		if (!create) return undefined;
		writeFileAtomic(files.privateKey, generateEd25519(`hoist@${config.stack}`).privateKey, 0o600);
	}
	const publicKey = publicKeyOf(readPrivateKey(files.privateKey), files.privateKey);
	// The .pub file is a convenience for the user (ssh-copy-id, ssh -i); the private key is the source of truth.
	writeFileAtomic(files.publicKey, `${publicKey} hoist@${config.stack}\n`, 0o644);
	return {privateKeyPath: files.privateKey, publicKey, generated: true};
}

export function publicKeyOf(privateKey: string, path: string): string {
	const parsed = ssh2.utils.parseKey(privateKey);
	const key = Array.isArray(parsed) ? parsed[0] : parsed;
	if (!key || key instanceof Error) {
		throw new UserError(`${path} is not a private key hoist can use${key instanceof Error ? ` (${key.message})` : ''}.`, {
			code: 'SSH_KEY_UNREADABLE',
			hint: 'Passphrase-protected keys are not supported yet; use a key without a passphrase for this server.',
			nextSteps: ['Remove ssh.publicKey from hoist.yml to let hoist make a key, or name another key.'],
		});
	}
	return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

/** Compares two OpenSSH public keys by type and key material, ignoring comments. */
export function samePublicKey(a: string | undefined, b: string): boolean {
	const [typeA, keyA] = (a ?? '').trim().split(/\s+/);
	const [typeB, keyB] = b.trim().split(/\s+/);
	return typeA === typeB && keyA === keyB;
}
