import {statSync} from 'node:fs';
import {UserError} from '../errors.js';
import {readTextFile} from '../files/read-file.js';
import {printable} from '../text/printable.js';

/**
 * A private key's text, read through the guarded reader (a FIFO would block in open() beyond the reach of Ctrl-C;
 * a folder is named as one). A key that others may read is refused, not tightened: OpenSSH refuses it too (so
 * `hoist ssh` would fail with it), and a key that was readable may have been copied, which only its owner can judge.
 */
export function readPrivateKey(path: string): string {
	const text = readTextFile(path, {what: 'The private key', maxBytes: 64 * 1024});
	const mode = statSync(path).mode & 0o777;
	if ((mode & 0o077) !== 0) {
		throw new UserError(printable(`The private key ${path} can be read by others (mode ${mode.toString(8).padStart(4, '0')}).`), {
			code: 'SSH_KEY_UNPROTECTED',
			hint: 'OpenSSH refuses such a key, and so does hoist: anyone who could read it can log in to your server.',
			nextSteps: [printable(`Run \`chmod 600 ${path}\` (if others may have copied it, make a new key instead).`)],
		});
	}
	return text;
}
