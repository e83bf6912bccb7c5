/** The key types an OpenSSH public key line may have, with the number of SSH strings in each type's key blob. */
const blobStrings: Record<string, number> = {
	'ssh-ed25519': 2,
	'ssh-rsa': 3,
	'ecdsa-sha2-nistp256': 3,
	'ecdsa-sha2-nistp384': 3,
	'ecdsa-sha2-nistp521': 3,
	'sk-ssh-ed25519@openssh.com': 3,
	'sk-ecdsa-sha2-nistp256@openssh.com': 4,
};

/** The types a server's host key can have (security keys are for users, not hosts). */
export const hostKeyTypes = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;

/**
 * "type base64 [comment]" as OpenSSH writes it: the base64 blob is a whole key of that type (its own type name
 * first, then the key's parts, nothing cut off or left over), so "ssh-ed25519 AAAA" is not taken for a key.
 */
export function isPublicKeyLine(line: string, types: readonly string[] = Object.keys(blobStrings)): boolean {
	const [type, blob] = line.trim().split(/\s+/);
	if (type === undefined || blob === undefined || !types.includes(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return false;
	const strings = sshStrings(Buffer.from(blob, 'base64'));
	if (strings === undefined || strings.length !== blobStrings[type] || strings[0]!.toString('latin1') !== type) return false;
	const ed25519 = type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com';
	return !ed25519 || strings[1]!.length === 32;
}

/** A key blob as SSH wire strings (a 4-byte length, then that many bytes), or undefined when one is cut short. */
function sshStrings(bytes: Buffer): Buffer[] | undefined {
	const strings: Buffer[] = [];
	let at = 0;
	while (at < bytes.length) {
		if (at + 4 > bytes.length) return undefined;
		const length = bytes.readUInt32BE(at);
		if (at + 4 + length > bytes.length) return undefined;
		strings.push(bytes.subarray(at + 4, at + 4 + length));
		at += 4 + length;
	}
	return strings;
}
