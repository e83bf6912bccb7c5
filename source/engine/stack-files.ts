import {join} from 'node:path';

/** Where hoist keeps a stack's local state: `.hoist/` beside hoist.yml. */
export interface StackFiles {
	/** The directory of hoist.yml. */
	dir: string;
	stateDir: string;
	journal: string;
	lock: string;
	privateKey: string;
	publicKey: string;
	knownHosts: string;
}

export function stackFiles(configDir: string): StackFiles {
	const stateDir = join(configDir, '.hoist');
	return {
		dir: configDir,
		stateDir,
		journal: join(stateDir, 'state.json'),
		lock: join(stateDir, 'lock'),
		privateKey: join(stateDir, 'id_ed25519'),
		publicKey: join(stateDir, 'id_ed25519.pub'),
		knownHosts: join(stateDir, 'known_hosts'),
	};
}
