import {createReadStream, openSync, readdirSync, statSync} from 'node:fs';
import {basename, join} from 'node:path';
import {ListObjectsV2Command, PutObjectCommand, S3Client} from '@aws-sdk/client-s3';
import type {Config} from '../config/schema.js';
import {ExternalError, nextCommand} from '../errors.js';
import {manifestName} from './manifest.js';

/** Where `backup.s3` puts a stack's backups: s3://bucket/prefix/<stack>/<backup name>/<file>. */
export interface S3Place {
	bucket: string;
	/** Ends with "/", or is empty. */
	prefix: string;
}

export function s3Place(url: string, stack: string): S3Place {
	const [, bucket = '', rest = ''] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url) ?? [];
	const prefix = rest.replace(/\/+$/, '');
	return {bucket, prefix: `${prefix === '' ? '' : `${prefix}/`}${stack}/`};
}

/**
 * An S3 client through this machine's AWS credential chain (hoist.yml's profile and region when it has an aws
 * section, else the SDK's own defaults), whatever the stack's target. An endpoint set by AWS_ENDPOINT_URL_S3 (or
 * AWS_ENDPOINT_URL) is addressed path-style: a local stand-in has no DNS name per bucket.
 */
export function s3Client(config: Config, env: NodeJS.ProcessEnv): S3Client {
	const customEndpoint = Boolean(env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL']);
	return new S3Client({
		...(config.aws?.region ? {region: config.aws.region} : {}),
		...(config.aws?.profile ? {profile: config.aws.profile} : {}),
		forcePathStyle: customEndpoint,
		requestHandler: {connectionTimeout: 5_000, socketTimeout: 30_000},
	});
}

/**
 * Uploads a whole local backup, each file with server-side encryption (SSE-S3), the manifest last: as on disk, a
 * backup without its manifest in S3 is not whole. Returns the files' total size.
 */
export async function uploadBackup(client: S3Client, place: S3Place, dir: string, onFile: (file: string) => void, signal: AbortSignal): Promise<number> {
	const files = readdirSync(dir).filter((file) => file !== manifestName).sort();
	let total = 0;
	for (const file of [...files, manifestName]) {
		const path = join(dir, file);
		const size = statSync(path).size;
		onFile(file);
		const key = `${place.prefix}${basename(dir)}/${file}`;
		// Opened here, not when the SDK first reads: a refused request never reads the body, and a stream that opened
		// its file later would fail on its own if the folder was gone by then. Closed after the attempt either way.
		const body = createReadStream(path, {fd: openSync(path, 'r')});
		try {
			await client.send(new PutObjectCommand({Bucket: place.bucket, Key: key, Body: body, ContentLength: size, ServerSideEncryption: 'AES256'}), {abortSignal: signal});
		} catch (error) {
			throw s3Failure(`Could not upload ${file} to s3://${place.bucket}/${key}`, error);
		} finally {
			body.destroy();
		}
		total += size;
	}
	return total;
}

export interface S3Backup {
	name: string;
	bytes: number;
	complete: boolean;
}

/** The stack's backups in S3, oldest first, each whole when its manifest is there. */
export async function listS3Backups(client: S3Client, place: S3Place): Promise<S3Backup[]> {
	const backups = new Map<string, S3Backup>();
	let token: string | undefined;
	try {
		do {
			const page = await client.send(new ListObjectsV2Command({Bucket: place.bucket, Prefix: place.prefix, ...(token ? {ContinuationToken: token} : {})}));
			for (const object of page.Contents ?? []) {
				const [name, file] = (object.Key ?? '').slice(place.prefix.length).split('/');
				if (!name || !file) continue;
				const backup = backups.get(name) ?? {name, bytes: 0, complete: false};
				backup.bytes += object.Size ?? 0;
				backup.complete ||= file === manifestName;
				backups.set(name, backup);
			}
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
	} catch (error) {
		throw s3Failure(`Could not list s3://${place.bucket}/${place.prefix}`, error);
	}
	return [...backups.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function s3Failure(what: string, error: unknown): ExternalError {
	const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	return new ExternalError(`${what} (${reason}).`, {
		code: 'S3_FAILED',
		command: what,
		hint: 'hoist uses this machine\'s AWS credentials (AWS_PROFILE, the default profile, or hoist.yml\'s aws.profile) for backup.s3.',
		nextSteps: [nextCommand('hoist backup', 'Check that the bucket exists and that these credentials may s3:PutObject and s3:ListBucket on it (`aws s3 ls s3://BUCKET/`), then run {command} again.')],
	});
}
