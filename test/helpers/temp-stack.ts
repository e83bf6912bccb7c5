import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export interface TempStack {
	dir: string;
	config: string;
	journal: string;
	cleanup(): void;
}

/** The smallest valid hoist.yml (plus the compose file it names), in a fresh directory. */
export function minimalConfig(overrides: {stack?: string; extra?: string} = {}): string {
	return [
		`stack: ${overrides.stack ?? 'demo'}`,
		'domain: app.example.test',
		'compose:',
		'  service: web',
		'  port: 8080',
		'aws:',
		'  sshCidr: 10.77.0.1/32',
		overrides.extra ?? '',
	].join('\n');
}

export function makeTempStack(config: string = minimalConfig()): TempStack {
	const dir = mkdtempSync(join(tmpdir(), 'hoist-test-'));
	mkdirSync(dir, {recursive: true});
	writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: busybox\n');
	writeFileSync(join(dir, 'hoist.yml'), config);
	return {
		dir,
		config: join(dir, 'hoist.yml'),
		journal: join(dir, '.hoist', 'state.json'),
		cleanup: () => rmSync(dir, {recursive: true, force: true}),
	};
}
