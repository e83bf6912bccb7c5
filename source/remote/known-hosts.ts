import {existsSync, mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import {writeFileAtomic} from '../files/atomic-write.js';
import {readTextFile} from '../files/read-file.js';

/**
 * `.hoist/known_hosts`, in OpenSSH's format so `ssh -o UserKnownHostsFile=.hoist/known_hosts` works too.
 * Each line's comment names the instance the key was pinned for: a new instance behind the same Elastic IP
 * legitimately has a new key; the same instance with a new key does not.
 */
export interface HostKeyPin {
	host: string;
	keyType: string;
	key: string;
	instanceId?: string;
}

export function readPins(file: string): HostKeyPin[] {
	if (!existsSync(file)) return [];
	// Through the guarded reader: a FIFO here would block in open() beyond the reach of Ctrl-C, a folder is named.
	return readTextFile(file, {what: 'The known hosts file', maxBytes: 1 << 20})
		.split('\n')
		.filter((line) => line.trim() !== '' && !line.startsWith('#'))
		.flatMap((line) => {
			const [host, keyType, key, comment] = line.trim().split(/\s+/);
			if (!host || !keyType || !key) return [];
			const instanceId = comment?.startsWith('instance=') ? comment.slice('instance='.length) : undefined;
			return [{host, keyType, key, ...(instanceId ? {instanceId} : {})}];
		});
}

export function pinFor(file: string, host: string): HostKeyPin | undefined {
	return readPins(file).find((pin) => pin.host === host);
}

/** Pins a host key, replacing any earlier pin for the same host. */
export function pinHostKey(file: string, pin: HostKeyPin): void {
	writePins(file, [...readPins(file).filter((other) => other.host !== pin.host), pin]);
}

export function unpinHost(file: string, host?: string): void {
	if (!existsSync(file)) return;
	writePins(file, host === undefined ? [] : readPins(file).filter((pin) => pin.host !== host));
}

function writePins(file: string, pins: HostKeyPin[]): void {
	// The question about an existing server's key comes before anything else made .hoist/.
	mkdirSync(dirname(file), {recursive: true, mode: 0o700});
	const lines = pins.map((pin) => [pin.host, pin.keyType, pin.key, pin.instanceId ? `instance=${pin.instanceId}` : ''].join(' ').trimEnd());
	writeFileAtomic(file, lines.length > 0 ? `${lines.join('\n')}\n` : '', 0o644);
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
	const length = blob.readUInt32BE(0);
	return blob.subarray(4, 4 + length).toString('ascii');
}
