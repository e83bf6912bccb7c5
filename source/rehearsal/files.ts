import {join} from 'node:path';
import {stackFiles, type StackFiles} from '../engine/stack-files.js';

/** What a rehearsal keeps on this machine: its own journal, lock and pinned host keys under .hoist/rehearsal/. */
export interface RehearsalFiles extends StackFiles {
	/** The rehearsal CA's current root: trusted only by hoist's certificate check, and shown for curl. */
	root: string;
	/** The CA that signed the rehearsal CA's listener: Caddy trusts it for the ACME endpoint. */
	listenerCa: string;
}

/**
 * The real stack's files with the state moved to .hoist/rehearsal/: the real journal, lock and known_hosts are never
 * opened. The login key stays hoist's own .hoist/id_ed25519 (the one whose public half goes in the VM's authorized_keys).
 */
export function rehearsalFiles(configDir: string): RehearsalFiles {
	const real = stackFiles(configDir);
	const stateDir = join(real.stateDir, 'rehearsal');
	return {
		...real,
		stateDir,
		journal: join(stateDir, 'state.json'),
		lock: join(stateDir, 'lock'),
		knownHosts: join(stateDir, 'known_hosts'),
		root: join(stateDir, 'root.pem'),
		listenerCa: join(stateDir, 'acme-listener-ca.pem'),
	};
}

/** The rehearsal's stack on the practice server: its own name, compose project and folder. */
export function rehearsalStack(stack: string): string {
	return `${stack}-rehearsal`;
}
