// The sandbox's instance host (10.77.0.2) as a person's practice VM for `hoist rehearse`: fresh, with the rehearsal
// stand-ins' images in the sandbox registry and the person's own key authorised.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {authorizeKey, clearAuthorizedKeys, readSandboxEnv, runScript, sandboxDir, wipeInstance, type SandboxEnv} from '../sandbox/sandbox.js';

/** A rehearsal never calls AWS: its endpoints point at a closed port, so a call would fail the run. */
export const noAws = {AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'};

export interface PracticeServer {
	sandbox: SandboxEnv;
	/** The stand-ins' images the sandbox built from Debian's packages (test/sandbox/extras/rehearsal-images.sh). */
	images: {dns: string; acme: string};
	/** hoist.yml lines that point the rehearsal at those images. */
	settings: string[];
}

/** The practice server as a fresh VM: nothing of another test holds 53, 80 or 443, no key authorised. */
export async function freshPracticeServer(): Promise<PracticeServer> {
	// Idempotent: on a sandbox that up.sh brought up it only exports what is already in the registry.
	await runScript('extras/rehearsal-images.sh');
	const sandbox = readSandboxEnv();
	await wipeInstance();
	await clearAuthorizedKeys();
	const env = JSON.parse(readFileSync(join(sandboxDir, 'env.json'), 'utf8')) as Record<string, string>;
	const images = {dns: env['HOIST_SANDBOX_IMAGE_REHEARSAL_DNS']!, acme: env['HOIST_SANDBOX_IMAGE_REHEARSAL_ACME']!};
	return {sandbox, images, settings: ['rehearsal:', '  images:', `    dns: ${images.dns}`, `    acme: ${images.acme}`]};
}

/** The person's own key for the VM in `dir`/vm_key, as --identity takes it, authorised on the practice server. */
export async function practiceKey(dir: string): Promise<string> {
	const key = join(dir, 'vm_key');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key, '-C', 'practice']);
	await authorizeKey(`${key}.pub`);
	return key;
}
