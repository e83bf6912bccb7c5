import {generateKeyPairSync, randomBytes} from 'node:crypto';

export interface OpenSshKeyPair {
	/** The private key in OpenSSH's own format (what ssh-keygen writes), unencrypted. */
	privateKey: string;
	/** "ssh-ed25519 AAAA… comment" */
	publicKey: string;
}

/**
 * A new ed25519 key in OpenSSH format, from Node's crypto. (ssh2's own generator drops a leading zero byte of
 * the public key now and then — about 1 key in 250 comes out malformed — so hoist does not use it.)
 * The keys come back DER-encoded straight from the generator: exporting a KeyObject as JWK can deadlock Node 20
 * when a garbage collection runs during the export (seen here: ExportJWKEdKey → GC → ~KeyGenJob, same mutex).
 */
export function generateEd25519(comment: string): OpenSshKeyPair {
	const {publicKey, privateKey} = generateKeyPairSync('ed25519', {
		publicKeyEncoding: {type: 'spki', format: 'der'},
		privateKeyEncoding: {type: 'pkcs8', format: 'der'},
	});
	// For ed25519 both encodings end with the 32 raw bytes: the public key (SPKI), the seed (PKCS#8).
	const pub = publicKey.subarray(-32);
	const seed = privateKey.subarray(-32);
	const type = Buffer.from('ssh-ed25519');
	const publicBlob = Buffer.concat([sshString(type), sshString(pub)]);

	// The private section: a repeated random check number, the key, the comment, then padding 1, 2, 3… to 8 bytes.
	const check = randomBytes(4);
	const section = Buffer.concat([check, check, sshString(type), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(Buffer.from(comment))]);
	const padding = Buffer.from(Array.from({length: (8 - (section.length % 8)) % 8}, (_, index) => index + 1));
	const body = Buffer.concat([
		Buffer.from('openssh-key-v1\0'),
		sshString(Buffer.from('none')), // cipher
		sshString(Buffer.from('none')), // kdf
		sshString(Buffer.alloc(0)), // kdf options
		uint32(1), // one key
		sshString(publicBlob),
		sshString(Buffer.concat([section, padding])),
	]);
	const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
	return {
		privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
		publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
	};
}

function uint32(value: number): Buffer {
	const buffer = Buffer.alloc(4);
	buffer.writeUInt32BE(value);
	return buffer;
}

function sshString(data: Buffer): Buffer {
	return Buffer.concat([uint32(data.length), data]);
}
