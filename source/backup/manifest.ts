import {createHash} from 'node:crypto';
import {createReadStream, existsSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {z} from 'zod';
import {UserError, nextCommand} from '../errors.js';
import {printable} from '../text/printable.js';

/** Written last: a backup folder without it is incomplete, whatever else it holds. */
export const manifestName = 'manifest.json';

const manifestItem = z.object({
	/** The file in the backup's folder. */
	file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
	/** dump: the service's hoist.backup output; tar: the volume exported as it was (numeric owners). */
	method: z.enum(['dump', 'tar']),
	service: z.string().optional(),
	/** The volume's key under `volumes:` (not the project-prefixed name): a new server names it the same. */
	volume: z.string().optional(),
	bytes: z.number().int().nonnegative(),
	sha256: z.string().regex(/^[0-9a-f]{64}$/),
	/** For a volume copied while its services were stopped: which, and for how long. */
	stopped: z.object({services: z.array(z.string()), seconds: z.number()}).optional(),
});
export type ManifestItem = z.infer<typeof manifestItem>;

const manifestSchema = z.object({
	format: z.literal(1),
	hoist: z.string(),
	stack: z.string(),
	createdAt: z.string(),
	/** The release that ran when the backup was taken (`hoist status` lists releases). */
	release: z.number().int().nullable(),
	items: z.array(manifestItem),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** A backup's manifest, or a user error saying why the folder is not a whole backup. */
export function readManifest(dir: string): Manifest {
	const path = join(dir, manifestName);
	if (!existsSync(path)) {
		throw new UserError(printable(`${dir} is not a complete backup: it has no ${manifestName} (written last, so a backup that failed or was stopped has none).`), {
			code: 'BACKUP_INCOMPLETE',
			nextSteps: [nextCommand('hoist backup --list', 'Choose another backup ({command} shows them), or take a new one with `hoist backup`.')],
		});
	}
	const parsed = manifestSchema.safeParse(parseJson(path));
	if (!parsed.success) {
		throw new UserError(printable(`${path} is not a manifest hoist wrote (${parsed.error.issues[0]?.message ?? 'unreadable'}).`), {
			code: 'BACKUP_MANIFEST_INVALID',
			nextSteps: [nextCommand('hoist backup --list', 'Choose another backup ({command} shows them).')],
		});
	}
	return parsed.data;
}

function parseJson(path: string): unknown {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return undefined;
	}
}

export function manifestJson(manifest: Manifest): string {
	return `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`;
}

/** SHA-256 of a file, read as a stream (a dump may be larger than memory). */
export function fileSha256(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		createReadStream(path)
			.on('data', (chunk) => hash.update(chunk))
			.on('error', reject)
			.on('end', () => resolve(hash.digest('hex')));
	});
}

/**
 * Every file of the backup against its size and SHA-256 in the manifest, before anything on the server is touched:
 * a damaged or missing file refuses the restore (exit 2) with nothing stopped.
 */
export async function verifyBackup(dir: string, manifest: Manifest): Promise<void> {
	const bad: string[] = [];
	for (const item of manifest.items) {
		const path = join(dir, item.file);
		if (!existsSync(path)) {
			bad.push(`${item.file} is missing`);
			continue;
		}
		const size = statSync(path).size;
		if (size !== item.bytes) {
			bad.push(`${item.file} has ${size} bytes, the manifest says ${item.bytes}`);
			continue;
		}
		if ((await fileSha256(path)) !== item.sha256) bad.push(`${item.file} does not match its SHA-256 in the manifest`);
	}
	if (bad.length > 0) {
		throw new UserError(printable(`The backup ${dir} is damaged: ${bad.join('; ')}. Nothing was changed on the server.`), {
			code: 'BACKUP_CORRUPT',
			nextSteps: [nextCommand('hoist backup --list', 'Restore another backup ({command} shows them), or a copy of this one from where you keep backups.')],
		});
	}
}
